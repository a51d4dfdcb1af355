import type { CatalogueStatus } from '../lake/catalogue-status.js';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EndpointsFile } from '../config/schema.js';
import type { ObjectStore } from '../lake/store.js';
import { buildInputsFingerprint } from './build-inputs.js';
import { scopeBuild, type BuildScope } from './build-scope.js';
import {
  forgetBuiltFrom,
  readBuildRecord,
  recordBuiltFrom,
  type BuildSaw,
  type BuildVerdict,
} from '../warehouse/build-record.js';
import { dbtLogPath, type DbtEvent } from './dbt.js';
import { buildAndCheck } from './gated-build.js';
import { StaleGeneratedFilesError } from '../errors.js';
import { freshnessAt } from './freshness-now.js';
import {
  FRESHNESS_DAYS_ENV,
  FRESHNESS_SOURCES_PATH,
  freshnessDays,
  freshnessSourcesStale,
} from './freshness-sources.js';
import { staleDbtSources } from './generate-sources.js';
import { dayRanges, readablePartitions, type LakePartitions, type ReadablePartitions } from '../lake/partitions.js';
import { isPerItem } from '../config/schema.js';
import { ITEMS_LOAD, readBatches } from '../lake/items.js';
import { schemaStatus } from '../lake/schema-drift.js';
import { dbtDir } from '../paths.js';
import { stagingFieldReads, vanishedReads } from './staging-fields.js';
import { dbtRunSettings, type DbtRunSettings, type Target } from './settings.js';
import { ensureVenv, type SetupProgress } from './venv.js';
import { TransformLineage } from '../lineage/transform.js';

export { generateDbtSources, staleDbtSources } from './generate-sources.js';
export { TARGETS, type Target } from './settings.js';
export { freshnessSourcesStale, FRESHNESS_SOURCES_PATH, generateFreshnessSources } from './freshness-sources.js';

/** `plan`: what this build will do, when it is news (nothing to build, only some endpoints, a changed project). */
export type TransformProgress =
  | { phase: 'plan'; build: BuildScope['build']; message: string }
  | ({ phase: 'setup' } & SetupProgress)
  | ({ phase: 'dbt' } & DbtEvent);

export interface TransformOptions {
  target: Target;
  onProgress?: (progress: TransformProgress) => void;
  /** The lake dbt reads; a file:// directory is relative to the working directory. */
  lakeUrl: string;
  s3Endpoint?: string;
  /** That lake, open: read here for its closed partitions, sealed batches and item shapes. */
  lake: ObjectStore;
  /** The endpoints the build covers (config/endpoints.json, or the file GMP_ENDPOINTS names). */
  endpoints: EndpointsFile;
  /** How complete the lake's catalogue is, asked after the build for its verdict; unasked without a lake. */
  catalogue?: () => Promise<CatalogueStatus[]>;
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
  /** dbt's output of this build, as text; with nothing built, that of the build that made the warehouse. */
  logPath: string;
  /** Failed tests and each endpoint's freshness: whether the warehouse is current. */
  verdict: BuildVerdict;
  /** What dbt built: nothing (dbt was not started), what depends on new partitions, or every model. */
  built: BuildScope['build'];
}

/**
 * Builds the warehouse: checks that the dbt files generated from config/endpoints.json are
 * current (it never writes them: `gmp generate` does), lists the lake's closed and compacted
 * partitions, and decides what to build (scopeBuild): in dev, nothing when the listing, the dbt
 * project and the config are what the last build saw (the verdict is then aged to now without
 * dbt), only what depends on the endpoints with new partitions, or everything. Then makes the
 * project venv if needed and runs `dbt build` (models, data tests; unit tests run in make test)
 * for the target. The base and staging models add only the partitions they do not hold yet, and
 * the models after them only the games those partitions hold; a dev warehouse last built from
 * another lake (or from none that finished) is rebuilt whole. Then checks each endpoint's
 * freshness. Failed tests and stale endpoints are in the verdict (a build whose tests failed is
 * rebuilt whole next time); anything else that fails throws a TransformError (one line).
 */
export async function transform(options: TransformOptions): Promise<TransformResult> {
  const { endpoints, lake } = options;
  const target = dbtRunSettings(options, options.env);
  const lineage = new TransformLineage();
  await lineage.start();
  // The lineage names the partitions the build was given, also when it fails.
  let settings = target;
  try {
    requireGeneratedFilesCurrent(endpoints);
    const readable = target.env.LAKE_URL ? await closedInLake(lake, endpoints) : undefined;
    settings = withBuildInputs(target, endpoints, readable);
    const result = await buildWarehouse(options, settings, readable?.closed);
    await lineage.end(settings);
    return result;
  } catch (error) {
    await lineage.end(settings, error, options.signal);
    throw error;
  }
}

async function buildWarehouse(
  options: TransformOptions,
  settings: DbtRunSettings,
  closed: LakePartitions | undefined,
): Promise<TransformResult> {
  const notify = options.onProgress ?? (() => undefined);
  const { endpoints, lake } = options;
  const lakeUrl = settings.env.LAKE_URL;
  const { warehousePath } = settings;
  // Snowflake keeps no record here of what it was built from: every prod build builds everything.
  const dev = warehousePath
    ? scopeDevBuild(warehousePath, settings, endpoints, closed ?? {}, Boolean(options.fullRefresh))
    : undefined;
  const scope = dev?.scope ?? { build: 'all', fullRefresh: Boolean(options.fullRefresh) };
  if (scope.build === 'none') {
    notify({
      phase: 'plan',
      build: 'none',
      message: `nothing new since the build of ${scope.last.builtAt} (same closed partitions, dbt project and config): dbt not started`,
    });
    const verdict = {
      ...verdictNow(scope.last.verdict, lakeUrl ? await options.catalogue?.() : undefined),
      ...(lakeUrl ? await itemSchemasOf(lake) : {}),
    };
    recordBuiltFrom(warehousePath!, scope.last.lake, verdict, dev!.saw, scope.last.builtAt);
    return { warehousePath, logPath: dbtLogPath('build', settings), verdict, built: 'none' };
  }
  const args: string[] = [];
  if (scope.build === 'some') {
    const message = scope.endpoints.length
      ? `new partitions of ${scope.endpoints.join(', ')} only: building what depends on them`
      : 'new partitions only of endpoints the config does not name: building the lake listing only';
    notify({ phase: 'plan', build: 'some', message });
    args.push('--select', ...scope.select);
  } else {
    if (scope.reason) notify({ phase: 'plan', build: 'all', message: `${scope.reason}: building every model` });
    if (scope.fullRefresh) args.push('--full-refresh');
  }
  if (warehousePath) {
    mkdirSync(dirname(warehousePath), { recursive: true });
    forgetBuiltFrom(warehousePath);
  }
  await ensureVenv((progress) => notify({ phase: 'setup', ...progress }), options.signal, options.python);
  const onEvent = (event: DbtEvent) => notify({ phase: 'dbt', ...event });
  const { logPath, verdict } = await buildAndCheck(settings, args, {
    lakeListed: Boolean(lakeUrl),
    onEvent,
    signal: options.signal,
  });
  // Fresh partitions are not a whole catalogue: the verdict also says how far each one is read.
  if (lakeUrl) Object.assign(verdict, { catalogue: await options.catalogue?.() }, await itemSchemasOf(lake));
  if (warehousePath) recordBuiltFrom(warehousePath, lakeUrl!, verdict, dev!.saw);
  return { warehousePath, logPath, verdict, built: scope.build };
}

/** Each endpoint's item shape as the lake holds it, and the fields the staging models read that are gone from it. */
async function itemSchemasOf(lake: ObjectStore): Promise<Pick<BuildVerdict, 'itemSchemas' | 'vanishedFields'>> {
  const itemSchemas = await schemaStatus(lake);
  return { itemSchemas, vanishedFields: vanishedReads(itemSchemas, stagingFieldReads()) };
}

/** The lake's closed partitions (sealed batches included), and which are compacted or complete. */
async function closedInLake(lake: ObjectStore, endpoints: EndpointsFile): Promise<ReadablePartitions> {
  const readable = await readablePartitions(lake);
  // The sealed batches of resources fetched per item read like closed partitions of load `items`.
  for (const endpoint of endpoints.endpoints.filter(isPerItem)) {
    const sealed = (await readBatches(lake, endpoint.name)).filter((batch) => batch.sealed).map((batch) => batch.date);
    if (sealed.length) readable.closed[endpoint.name] = { [ITEMS_LOAD]: dayRanges(sealed) };
  }
  return readable;
}

/**
 * The settings of this build: the target's, plus each endpoint's freshness thresholds and the
 * lake's closed, compacted (read from their Parquet parts: compacted_pages) and complete
 * partitions, handed to dbt in the environment, not --vars: a changed var makes dbt parse the
 * whole project on every build (and again for freshness), a changed env var only the few files
 * that read it (lake_listing).
 */
function withBuildInputs(
  target: DbtRunSettings,
  endpoints: EndpointsFile,
  readable: ReadablePartitions | undefined,
): DbtRunSettings {
  const env: NodeJS.ProcessEnv = { ...target.env, [FRESHNESS_DAYS_ENV]: freshnessDays(endpoints.endpoints) };
  if (readable) {
    env.GMP_LAKE_PARTITIONS = JSON.stringify(readable.closed);
    env.GMP_LAKE_COMPACTED = JSON.stringify(readable.compacted);
    env.GMP_LAKE_COMPLETE = JSON.stringify(readable.complete);
  }
  return { ...target, env };
}

/** What a dev build will do, from the record beside its warehouse, and what it sees to record next. */
function scopeDevBuild(
  warehousePath: string,
  settings: DbtRunSettings,
  endpoints: EndpointsFile,
  closed: LakePartitions,
  fullRefresh: boolean,
) {
  const saw: BuildSaw = {
    inputs: buildInputsFingerprint({ dbtDir, endpoints, where: whereItBuilds(settings) }),
    partitions: closed,
  };
  // A record whose warehouse file is gone describes nothing.
  const record = existsSync(warehousePath) ? readBuildRecord(warehousePath) : undefined;
  const names = endpoints.endpoints.map((endpoint) => endpoint.name);
  return { saw, scope: scopeBuild({ record, lake: settings.env.LAKE_URL!, ...saw, endpoints: names, fullRefresh }) };
}

/** Where a dev build reads and writes: part of what it saw, beside the project and the config. */
function whereItBuilds(settings: DbtRunSettings): Record<string, string | undefined> {
  return {
    target: settings.target,
    warehouse: settings.warehousePath,
    lake: settings.env.LAKE_URL,
    s3Endpoint: settings.env.S3_ENDPOINT,
  };
}

/**
 * The last build's verdict at this moment: its failed tests (none, or it would be rebuilt), each
 * endpoint's freshness aged to now, and the catalogue as the lake holds it now.
 */
function verdictNow(last: BuildVerdict, catalogue: BuildVerdict['catalogue']): BuildVerdict {
  const now = new Date();
  return {
    ...last,
    checkedAt: now.toISOString(),
    ...(last.freshness ? { freshness: freshnessAt(last.freshness, now) } : {}),
    ...(catalogue ? { catalogue } : {}),
  };
}

/** A build writes nothing tracked: generated files that differ from what endpoints.json gives stop it, naming them. */
function requireGeneratedFilesCurrent(endpoints: EndpointsFile): void {
  const stale = [
    ...staleDbtSources({ endpoints }),
    ...(freshnessSourcesStale({ endpoints }) ? [FRESHNESS_SOURCES_PATH] : []),
  ].map((path) => `dbt/${path}`);
  if (stale.length)
    throw new StaleGeneratedFilesError(
      `generated files are stale (${stale.join(', ')}): run gmp generate, then gmp transform`,
    );
}
