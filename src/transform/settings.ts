import { join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { parseLakeUrl } from '../lake/url.js';
import { dbtDir, venvDir } from '../paths.js';

export const TARGETS = ['dev', 'prod'] as const;
export type Target = (typeof TARGETS)[number];

/** Where the venv setup copies DuckDB's httpfs extension (from its PyPI package). */
export const duckdbExtensionDir = join(venvDir, 'duckdb-extensions');

/** What one dbt run needs to know, as the CLI resolved it from flags, environment and defaults. */
export interface TransformInputs {
  target: Target;
  lakeUrl: string;
  s3Endpoint?: string;
  /** The dev warehouse file; relative to the working directory. */
  warehousePath: string;
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
export function dbtRunSettings(inputs: TransformInputs, env: NodeJS.ProcessEnv, cwd = process.cwd()): DbtRunSettings {
  // bin/gmp.js fixes glibc's mmap threshold for Node's page buffers; in dbt it only adds page
  // faults and CPU (measured on a small build: +45 % minor faults, +8 % CPU, the same peak RSS).
  const { MALLOC_MMAP_THRESHOLD_: _nodeOnly, ...inherited } = env;
  const base: NodeJS.ProcessEnv = {
    ...inherited,
    DBT_PROFILES_DIR: dbtDir,
    DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
    DBT_TARGET: inputs.target,
  };
  if (inputs.target === 'prod') {
    const missing = SNOWFLAKE_REQUIRED.filter((name) => !env[name]);
    if (missing.length)
      throw new ConfigError(`--target prod needs ${missing.join(', ')} in the environment (Snowflake credentials)`);
    return { target: 'prod', targetPath: join(dbtDir, 'target', 'prod'), env: base };
  }
  const warehousePath = resolve(cwd, inputs.warehousePath);
  const { s3Endpoint } = inputs;
  return {
    target: 'dev',
    warehousePath,
    targetPath: `${warehousePath.replace(/\.duckdb$/, '')}.dbt-target`,
    env: {
      ...base,
      LAKE_URL: lakeLocation(inputs.lakeUrl, cwd),
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
  const lake = parseLakeUrl(lakeUrl);
  if (lake.kind === 's3') return lake.prefix ? `s3://${lake.bucket}/${lake.prefix}` : `s3://${lake.bucket}`;
  const absolute = resolve(cwd, lake.dir);
  // DuckDB's glob matches no path that holds a backslash, escaped or not.
  if (absolute.includes('\\'))
    throw new ConfigError(
      `LAKE_URL file://${absolute} has a backslash, which DuckDB cannot read in a path: move or link the lake to a path without one`,
    );
  return `file://${absolute}`;
}
