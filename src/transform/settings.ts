import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.js';

export const TARGETS = ['dev', 'prod'] as const;
export type Target = (typeof TARGETS)[number];

/** The repository root, found relative to this module (src/transform or dist/transform). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const dbtDir = join(repoRoot, 'dbt');
export const venvDir = join(repoRoot, '.venv');
/** Where the venv setup copies DuckDB's httpfs extension (from its PyPI package). */
export const duckdbExtensionDir = join(venvDir, 'duckdb-extensions');

export const DEFAULT_LAKE_URL = 'file://./.lake';
export const DEFAULT_WAREHOUSE_PATH = './.warehouse/game_market.duckdb';

/** What one dbt run needs to know, each value from an option or else its env variable. */
export interface TransformInputs {
  target: Target;
  lakeUrl?: string;
  s3Endpoint?: string;
  warehousePath?: string;
}

export interface DbtRunSettings {
  target: Target;
  /** The dev warehouse file, absolute; undefined for prod. */
  warehousePath?: string;
  /**
   * dbt's compiled files, run results and parse cache. In dev they sit beside the warehouse file
   * they built (game_market.dbt-target/), so builds of two warehouses never share them.
   */
  targetPath: string;
  /** The environment of the dbt process. */
  env: NodeJS.ProcessEnv;
}

const SNOWFLAKE_REQUIRED = ['SNOWFLAKE_ACCOUNT', 'SNOWFLAKE_USER', 'SNOWFLAKE_PASSWORD'] as const;

/**
 * Resolves the run's settings. Relative paths are made absolute against the working directory
 * here, because dbt runs from the repository root, where `./.lake` would mean something else.
 */
export function dbtRunSettings(inputs: TransformInputs, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): DbtRunSettings {
  const base: NodeJS.ProcessEnv = {
    ...env,
    DBT_PROFILES_DIR: dbtDir,
    DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
    DBT_TARGET: inputs.target,
  };
  if (inputs.target === 'prod') {
    const missing = SNOWFLAKE_REQUIRED.filter((name) => !env[name]);
    if (missing.length) throw new ConfigError(`--target prod needs ${missing.join(', ')} in the environment (Snowflake credentials)`);
    return { target: 'prod', targetPath: join(dbtDir, 'target', 'prod'), env: base };
  }
  const warehousePath = resolve(cwd, inputs.warehousePath || env.WAREHOUSE_PATH || DEFAULT_WAREHOUSE_PATH);
  const s3Endpoint = inputs.s3Endpoint ?? env.S3_ENDPOINT;
  return {
    target: 'dev',
    warehousePath,
    targetPath: `${warehousePath.replace(/\.duckdb$/, '')}.dbt-target`,
    env: {
      ...base,
      LAKE_URL: lakeLocation(inputs.lakeUrl || env.LAKE_URL || DEFAULT_LAKE_URL, cwd),
      WAREHOUSE_PATH: warehousePath,
      DUCKDB_EXTENSION_DIRECTORY: duckdbExtensionDir,
      ...(s3Endpoint ? { S3_ENDPOINT: s3Endpoint } : {}),
    },
  };
}

/**
 * LAKE_URL as dbt's sources read it: `file://` plus an absolute directory, or `s3://bucket[/prefix]`
 * without a trailing slash (the sources append `/raw/...`).
 */
export function lakeLocation(lakeUrl: string, cwd = process.cwd()): string {
  if (lakeUrl.startsWith('file://')) {
    const dir = lakeUrl.slice('file://'.length);
    if (!dir) throw new ConfigError('LAKE_URL "file://" names no directory: use e.g. file://./.lake');
    const absolute = resolve(cwd, dir);
    // DuckDB's glob matches no path that holds a backslash, escaped or not.
    if (absolute.includes('\\')) throw new ConfigError(`LAKE_URL file://${absolute} has a backslash, which DuckDB cannot read in a path: move or link the lake to a path without one`);
    return `file://${absolute}`;
  }
  const s3 = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(\/.*)?$/.exec(lakeUrl);
  if (s3) {
    const prefix = (s3[2] ?? '').replace(/^\/+|\/+$/g, '');
    return prefix ? `s3://${s3[1]}/${prefix}` : `s3://${s3[1]}`;
  }
  const shown = lakeUrl.includes('@') ? '(a URL with credentials)' : `"${lakeUrl}"`;
  throw new ConfigError(`LAKE_URL ${shown} is not a lake: use file://DIR or s3://BUCKET[/PREFIX]`);
}
