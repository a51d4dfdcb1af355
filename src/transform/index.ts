import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadEndpoints } from '../config/load.js';
import { catalogueStatus } from '../ingest/catalogue.js';
import { openLake } from '../lake/open.js';
import { readLakeOrigin } from '../lake/origin.js';
import { forgetBuiltFrom, readBuiltFrom, recordBuiltFrom, type BuildVerdict } from './built-from.js';
import type { DbtEvent } from './dbt.js';
import { buildAndCheck } from './gated-build.js';
import { StaleGeneratedFilesError } from '../errors.js';
import { FRESHNESS_SOURCES_PATH, freshnessSourcesStale } from './freshness-sources.js';
import { staleDbtSources } from './generate-sources.js';
import { lakeReadPlan } from './lake-partitions.js';
import { dbtRunSettings, type DbtRunSettings, type Target } from './settings.js';
import { ensureVenv, type SetupProgress } from './venv.js';

export { generateDbtSources, staleDbtSources } from './generate-sources.js';
export { TARGETS, type Target } from './settings.js';
export { freshnessSourcesStale, FRESHNESS_SOURCES_PATH, generateFreshnessSources } from './freshness-sources.js';
export type { BuildVerdict } from './built-from.js';
export type { EndpointFreshness } from './freshness.js';

export type TransformProgress = ({ phase: 'setup' } & SetupProgress) | ({ phase: 'dbt' } & DbtEvent);

export interface TransformOptions {
  target: Target;
  onProgress?: (progress: TransformProgress) => void;
  /** The lake dbt reads; a file:// directory is relative to the working directory. */
  lakeUrl: string;
  s3Endpoint?: string;
  /** The dev warehouse file, relative to the working directory. */
  warehousePath: string;
  /** The environment dbt runs in: PATH, AWS and Snowflake credentials. */
  env: NodeJS.ProcessEnv;
  /** The interpreter that makes the dbt venv, if not python3. */
  python?: string;
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
  /** Failed tests and each endpoint's freshness: whether the warehouse is current. */
  verdict: BuildVerdict;
}

/**
 * Builds the warehouse: checks that the dbt files generated from config/endpoints.json are
 * current (it never writes them: `gmp generate` does), makes the project venv if needed,
 * lists the lake's closed and compacted partitions, then runs `dbt build` (models,
 * data tests; unit tests run in make test) for the target. The base and staging models add only the partitions
 * they do not hold yet, and the models after them only the games those partitions hold; a dev warehouse last built from another lake (or from none that
 * finished) is rebuilt whole. Then checks each endpoint's freshness. Failed tests and stale
 * endpoints are in the verdict (a build whose tests failed is rebuilt whole next time); anything
 * else that fails throws a TransformError (one line).
 */
export async function transform(options: TransformOptions): Promise<TransformResult> {
  const notify = options.onProgress ?? (() => undefined);
  const settings = dbtRunSettings(options, options.env);
  requireGeneratedFilesCurrent();
  await ensureVenv((progress) => notify({ phase: 'setup', ...progress }), options.signal, options.python);
  const lakeUrl = settings.env.LAKE_URL;
  // In the environment, not --vars: a changed var makes dbt parse the whole project on every build
  // (and again for freshness), a changed env var only the few files that read it (lake_listing).
  if (lakeUrl) {
    // Which closed partitions are compacted: those are read from their Parquet parts (compacted_pages).
    const plan = await lakeReadPlan(openLakeOf(settings, lakeUrl));
    settings.env.GMP_LAKE_PARTITIONS = JSON.stringify(plan.closed);
    settings.env.GMP_LAKE_COMPACTED = JSON.stringify(plan.compacted);
  }
  const args: string[] = [];
  if (settings.warehousePath) {
    const sameLake = readBuiltFrom(settings.warehousePath) === lakeUrl;
    if (options.fullRefresh || !sameLake) args.push('--full-refresh');
    mkdirSync(dirname(settings.warehousePath), { recursive: true });
    forgetBuiltFrom(settings.warehousePath);
  } else if (options.fullRefresh) {
    args.push('--full-refresh');
  }
  const onEvent = (event: DbtEvent) => notify({ phase: 'dbt', ...event });
  const { logPath, verdict } = await buildAndCheck(settings, args, { lakeListed: Boolean(lakeUrl), onEvent, signal: options.signal });
  // Fresh partitions are not a whole catalogue: the verdict also says how far each one is read.
  if (lakeUrl) {
    const store = openLakeOf(settings, lakeUrl);
    verdict.catalogue = await catalogueStatus(loadEndpoints(), store, { origin: await readLakeOrigin(store) });
  }
  if (settings.warehousePath) recordBuiltFrom(settings.warehousePath, lakeUrl!, verdict);
  return { warehousePath: settings.warehousePath, logPath, verdict };
}

/** A build writes nothing tracked: generated files that differ from what endpoints.json gives stop it, naming them. */
function requireGeneratedFilesCurrent(): void {
  const stale = [...staleDbtSources(), ...(freshnessSourcesStale() ? [FRESHNESS_SOURCES_PATH] : [])].map((path) => `dbt/${path}`);
  if (stale.length) throw new StaleGeneratedFilesError(`generated files are stale (${stale.join(', ')}): run gmp generate, then gmp transform`);
}

/** The lake dbt reads, opened with the same endpoint and region as dbt's S3 secret. */
function openLakeOf(settings: DbtRunSettings, lakeUrl: string) {
  return openLake({ lakeUrl, s3Endpoint: settings.env.S3_ENDPOINT, region: settings.env.AWS_REGION });
}
