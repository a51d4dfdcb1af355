import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { openLake } from '../lake/open.js';
import { forgetBuiltFrom, readBuiltFrom, recordBuiltFrom } from './built-from.js';
import { runDbt, type DbtEvent } from './dbt.js';
import { generateDbtSources } from './generate-sources.js';
import { completePartitions } from './lake-partitions.js';
import { dbtRunSettings, type DbtRunSettings, type Target } from './settings.js';
import { ensureVenv, type SetupProgress } from './venv.js';

export { generateDbtSources, staleDbtSources } from './generate-sources.js';
export { TARGETS, type Target } from './settings.js';

export type TransformProgress =
  | ({ phase: 'setup' } & SetupProgress)
  | ({ phase: 'dbt' } & DbtEvent);

export interface TransformOptions {
  target: Target;
  onProgress?: (progress: TransformProgress) => void;
  /** Default: env LAKE_URL, else file://./.lake (relative to the working directory). */
  lakeUrl?: string;
  /** Default: env S3_ENDPOINT. */
  s3Endpoint?: string;
  /** Default: env WAREHOUSE_PATH, else ./.warehouse/game_market.duckdb. */
  warehousePath?: string;
  /** Stops the venv setup or dbt (and its children) and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Rebuild every model from the whole lake instead of adding the partitions completed since. */
  fullRefresh?: boolean;
}

export interface TransformResult {
  /** The DuckDB file the dev target built; undefined for prod. */
  warehousePath?: string;
  /** dbt's output of this build, as text. */
  logPath: string;
}

/**
 * Builds the warehouse: regenerates the dbt sources from config/endpoints.json, makes the
 * project venv if needed, lists the lake's complete partitions, then runs `dbt build` (models,
 * data tests, unit tests) for the target. The base and staging models add only the partitions
 * they do not hold yet; a dev warehouse last built from another lake (or from none that
 * finished) is rebuilt whole. Throws a TransformError (one line) when anything fails.
 */
export async function transform(options: TransformOptions): Promise<TransformResult> {
  const notify = options.onProgress ?? (() => undefined);
  const settings = dbtRunSettings(options);
  generateDbtSources();
  await ensureVenv((progress) => notify({ phase: 'setup', ...progress }), options.signal);
  const lakeUrl = settings.env.LAKE_URL;
  const args = lakeUrl ? ['--vars', JSON.stringify({ lake_partitions: await completePartitions(openLakeOf(settings, lakeUrl)) })] : [];
  if (settings.warehousePath) {
    const sameLake = readBuiltFrom(settings.warehousePath) === lakeUrl;
    if (options.fullRefresh || !sameLake) args.push('--full-refresh');
    mkdirSync(dirname(settings.warehousePath), { recursive: true });
    forgetBuiltFrom(settings.warehousePath);
  } else if (options.fullRefresh) {
    args.push('--full-refresh');
  }
  const { logPath } = await runDbt('build', settings, { onEvent: (event) => notify({ phase: 'dbt', ...event }), signal: options.signal, args });
  if (settings.warehousePath) recordBuiltFrom(settings.warehousePath, lakeUrl!);
  return { warehousePath: settings.warehousePath, logPath };
}

/** The lake dbt reads, opened with the same endpoint and region as dbt's S3 secret. */
function openLakeOf(settings: DbtRunSettings, lakeUrl: string) {
  return openLake({ lakeUrl, s3Endpoint: settings.env.S3_ENDPOINT, region: settings.env.AWS_REGION });
}
