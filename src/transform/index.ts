import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { forgetBuiltFrom, recordBuiltFrom } from './built-from.js';
import { runDbt, type DbtEvent } from './dbt.js';
import { generateDbtSources } from './generate-sources.js';
import { dbtRunSettings, type Target } from './settings.js';
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
}

export interface TransformResult {
  /** The DuckDB file the dev target built; undefined for prod. */
  warehousePath?: string;
  /** dbt's output of this build, as text. */
  logPath: string;
}

/**
 * Builds the warehouse: regenerates the dbt sources from config/endpoints.json, makes the
 * project venv if needed, then runs `dbt build` (models, data tests, unit tests) for the target.
 * Throws a TransformError (one line) when anything fails.
 */
export async function transform(options: TransformOptions): Promise<TransformResult> {
  const notify = options.onProgress ?? (() => undefined);
  const settings = dbtRunSettings(options);
  generateDbtSources();
  await ensureVenv((progress) => notify({ phase: 'setup', ...progress }), options.signal);
  if (settings.warehousePath) {
    mkdirSync(dirname(settings.warehousePath), { recursive: true });
    forgetBuiltFrom(settings.warehousePath);
  }
  const { logPath } = await runDbt('build', settings, { onEvent: (event) => notify({ phase: 'dbt', ...event }), signal: options.signal });
  if (settings.warehousePath) recordBuiltFrom(settings.warehousePath, settings.env.LAKE_URL!);
  return { warehousePath: settings.warehousePath, logPath };
}
