/**
 * How a `dagger call` becomes a container's command, env and secrets.
 *
 * Plain functions with no Dagger imports and no decorators, so that they are unit-tested without
 * an engine. The module (index.ts) only wires their results into containers.
 */

/** Base images, pinned to exact releases. */
export const IMAGES = {
  /** Runs the CLI: the ingest image and the sandbox. */
  node: 'node:20.20.2-bookworm-slim',
  /** The test toolbox starts from the full image: git, make, gcc and Debian's apt are there. */
  nodeToolbox: 'node:20.20.2-bookworm',
  /** Runs dbt: the transform image. */
  python: 'python:3.11.14-slim-bookworm',
  /** Only its /usr/local/go is copied into the toolbox (Debian's Go is too old for the tools). */
  go: 'golang:1.26.8-bookworm',
  /** MinIO's own registry: Docker Hub's minio/minio repository no longer exists. */
  minio: 'quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z',
} as const;

/** Where the project lives inside every container. */
export const APP_DIR = '/app';
export const DBT_DIR = `${APP_DIR}/dbt`;
export const CLI = ['node', `${APP_DIR}/dist/cli.js`];
export const WAREHOUSE_FILE = '.warehouse/game_market.duckdb';
export const REPORT_FILE = 'reports/market-report.html';
/** Renders REPORT_FILE from the DuckDB file at WAREHOUSE_PATH. */
export const REPORT_ARGS = ['report'];
/** DuckDB extensions of the transform image, copied from their PyPI package at build time. */
export const DUCKDB_EXTENSION_DIR = '/opt/duckdb-extensions';

/**
 * Kept out of the uploaded source: dependencies, data, build output and tool caches. They are
 * large, machine-specific, and rebuilt inside the containers anyway.
 */
export const SOURCE_IGNORE = [
  '**/node_modules',
  '.git',
  '.tools',
  '.venv',
  '**/.venv',
  '.lake',
  '.warehouse',
  '.minio',
  '.s3',
  'dist',
  'reports',
  'logs',
  'test-artifacts',
  'bench/.work',
  'dbt/target',
  'dbt/logs',
  'dbt/dbt_packages',
  'dagger/sdk',
  '**/.terraform',
  '**/*.duckdb',
  '**/*.duckdb.wal',
  '**/*.tfstate',
  '**/*.tfstate.backup',
];

/** Not needed to build or run the images; left out so editing them does not rebuild the images. */
export const IMAGE_EXCLUDE = ['dagger', 'dagger.json', '.github', 'infra', 'bench', 'test', '**/*.test.ts', '*.md'];

/** What `--mode` accepts. `daily` means incremental where the endpoint supports it, snapshot elsewhere. */
export enum Mode {
  snapshot = 'snapshot',
  incremental = 'incremental',
  daily = 'daily',
}

/** dbt targets: DuckDB on the lake (dev) or Snowflake over its external tables (prod). */
export enum Target {
  dev = 'dev',
  prod = 'prod',
}

/** The fields of a config/endpoints.json entry that the module needs. */
export interface EndpointEntry {
  name: string;
  incremental?: string;
}

/** One `gmp ingest` invocation. */
export interface IngestTask {
  endpoint: string;
  mode: Mode.snapshot | Mode.incremental;
}

const ENDPOINT_NAME = /^[a-z][a-z0-9_]*$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Reads the endpoint list out of config/endpoints.json; one-line errors name the problem. */
export function parseEndpoints(text: string): EndpointEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('config/endpoints.json is not valid JSON');
  }
  const list = (json as { endpoints?: unknown } | null)?.endpoints;
  if (!Array.isArray(list) || list.length === 0) {
    throw new Error('config/endpoints.json: "endpoints" must be a non-empty array');
  }
  return list.map((entry: unknown, index) => {
    const { name, incremental } = (entry ?? {}) as { name?: unknown; incremental?: unknown };
    if (typeof name !== 'string' || !ENDPOINT_NAME.test(name)) {
      throw new Error(`config/endpoints.json: endpoints.${index}.name must match ${ENDPOINT_NAME.source}`);
    }
    return typeof incremental === 'string' ? { name, incremental } : { name };
  });
}

/** Accepts a mode as the engine hands it over (enum name or value, any case). */
export function parseMode(value: string): Mode {
  const mode = value.toLowerCase();
  if (mode === Mode.snapshot || mode === Mode.incremental || mode === Mode.daily) return mode as Mode;
  throw new Error(`unknown mode "${value}": use snapshot, incremental or daily`);
}

export function parseTarget(value: string): Target {
  const target = value.toLowerCase();
  if (target === Target.dev || target === Target.prod) return target as Target;
  throw new Error(`unknown target "${value}": use dev or prod`);
}

/** YYYY-MM-DD and a real calendar day. */
export function checkDate(date: string): string {
  const match = ISO_DATE.exec(date);
  const parsed = match ? new Date(`${date}T00:00:00Z`) : undefined;
  if (!match || !parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) {
    throw new Error(`invalid date "${date}": use YYYY-MM-DD`);
  }
  return date;
}

/** The named endpoint, or an error listing the valid ones. */
export function findEndpoint(endpoints: EndpointEntry[], name: string): EndpointEntry {
  const found = endpoints.find((e) => e.name === name);
  if (!found) {
    throw new Error(`unknown endpoint "${name}": valid endpoints are ${endpoints.map((e) => e.name).join(', ')}`);
  }
  return found;
}

/** The concrete mode for one endpoint; `incremental` on an endpoint without it is refused. */
export function modeFor(endpoint: EndpointEntry, mode: Mode): Mode.snapshot | Mode.incremental {
  if (mode === Mode.snapshot) return Mode.snapshot;
  if (endpoint.incremental) return Mode.incremental;
  if (mode === Mode.daily) return Mode.snapshot;
  throw new Error(`endpoint "${endpoint.name}" has no incremental window: use --mode snapshot or daily`);
}

/**
 * Which ingests `ingest-all` starts: every endpoint for snapshot and daily, only the endpoints
 * with an incremental window for incremental.
 */
export function planIngestAll(endpoints: EndpointEntry[], mode: Mode): IngestTask[] {
  const chosen = mode === Mode.incremental ? endpoints.filter((e) => e.incremental) : endpoints;
  if (chosen.length === 0) throw new Error('no endpoint in config/endpoints.json has an incremental window');
  return chosen.map((e) => ({ endpoint: e.name, mode: modeFor(e, mode) }));
}

/**
 * What `pipeline` ingests: the mode given, or else what `gmp pipeline` does. On the sandbox that
 * is a snapshot of every endpoint plus the incremental windows (both layers of the lake have
 * data); on a real API, the daily plan.
 */
export function planPipeline(endpoints: EndpointEntry[], mode: Mode | undefined, sandbox: boolean): IngestTask[] {
  if (mode !== undefined) return planIngestAll(endpoints, mode);
  if (!sandbox) return planIngestAll(endpoints, Mode.daily);
  return [...planIngestAll(endpoints, Mode.snapshot), ...planIngestAll(endpoints, Mode.incremental)];
}

/** `gmp ingest` arguments for one task (after the CLI prefix). */
export function ingestArgs(task: IngestTask, date?: string): string[] {
  const args = ['ingest', '--endpoint', task.endpoint, '--mode', task.mode];
  if (date !== undefined) args.push('--date', checkDate(date));
  return [...args, '--json'];
}

export function sandboxArgs(port: number, options: { games?: number; seed?: number } = {}): string[] {
  const args = ['sandbox', '--host', '0.0.0.0', '--port', String(port)];
  if (options.games !== undefined) args.push('--games', String(options.games));
  if (options.seed !== undefined) args.push('--seed', String(options.seed));
  return args;
}

/** dbt arguments run in the transform image (its entrypoint is `dbt`, its workdir /app/dbt). */
export function dbtBuildArgs(target: Target): string[] {
  return ['build', '--target', target];
}

/** Host names and ports of the services the module binds when nothing else is given. */
export const SANDBOX = { host: 'sandbox', port: 8080 } as const;
export const MINIO = { host: 'minio', port: 9000 } as const;
/** The bucket and prefix of the throwaway lake on the bound MinIO. */
export const LOCAL_LAKE_URL = 's3://game-market-lake/lake';
/** The sandbox takes any non-empty key, and the CLI insists on having one. */
export const SANDBOX_API_KEY = 'sandbox';
/** MinIO's built-in root account, used only for the throwaway MinIO bound inside one session. */
export const MINIO_DEFAULT_CREDENTIALS = { accessKeyId: 'minioadmin', secretAccessKey: 'minioadmin' } as const;

/** What the caller said about the API. */
export interface ApiSettings {
  hasApiKey: boolean;
  baseUrl?: string;
}

/** What the caller said about the lake. */
export interface LakeSettings {
  lakeUrl?: string;
  s3Endpoint?: string;
  awsRegion?: string;
}

/** Plain env and services for a run: nothing secret ever goes through here. */
export interface RunPlan {
  env: Record<string, string>;
  /** Bind the project's sandbox API (no key and no base URL given). */
  sandbox: boolean;
  /** Bind a throwaway MinIO and create the bucket first (no lake given). */
  minio: boolean;
}

/**
 * Decides the env and the services of a run (`api` is left out by steps that never call the
 * API). With no API key and no base URL the project's sandbox answers; with no lake a MinIO inside the session holds it, so that `dagger call
 * pipeline` needs no configuration at all.
 */
export function planRun(api: ApiSettings | undefined, lake: LakeSettings): RunPlan {
  const env: Record<string, string> = {};
  const sandbox = api !== undefined && !api.hasApiKey && api.baseUrl === undefined;
  if (api?.baseUrl !== undefined) env.RAWG_BASE_URL = checkHttpUrl('--base-url', api.baseUrl);
  else if (sandbox) env.RAWG_BASE_URL = `http://${SANDBOX.host}:${SANDBOX.port}/api`;

  const minio = lake.lakeUrl === undefined;
  if (minio) {
    if (lake.s3Endpoint !== undefined) throw new Error('--s3-endpoint needs --lake-url (s3://bucket/prefix)');
    env.LAKE_URL = LOCAL_LAKE_URL;
    env.S3_ENDPOINT = `http://${MINIO.host}:${MINIO.port}`;
    env.AWS_REGION = lake.awsRegion ?? 'us-east-1';
  } else {
    env.LAKE_URL = checkLakeUrl(lake.lakeUrl!);
    if (lake.s3Endpoint !== undefined) env.S3_ENDPOINT = checkHttpUrl('--s3-endpoint', lake.s3Endpoint);
    if (lake.awsRegion !== undefined) env.AWS_REGION = lake.awsRegion;
  }
  return { env, sandbox, minio };
}

/** Only S3 lakes make sense in a container: a file:// lake would vanish with it. */
export function checkLakeUrl(url: string): string {
  if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\s]*)?$/.test(url)) {
    throw new Error(
      `invalid --lake-url "${url}": use s3://bucket/prefix (a file:// lake would vanish with the container; leave --lake-url out for a throwaway MinIO)`,
    );
  }
  // dbt's sources append /raw/... to it.
  return url.replace(/\/+$/, '');
}

function checkHttpUrl(flag: string, url: string): string {
  if (!/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(url)) throw new Error(`invalid ${flag} "${url}": use http(s)://host[:port][/path]`);
  return url;
}

/** Env variable names of every secret the module accepts, keyed by argument name. */
export const SECRET_ENV = {
  apiKey: 'RAWG_API_KEY',
  awsAccessKeyId: 'AWS_ACCESS_KEY_ID',
  awsSecretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  awsSessionToken: 'AWS_SESSION_TOKEN',
  snowflakeUser: 'SNOWFLAKE_USER',
  snowflakePassword: 'SNOWFLAKE_PASSWORD',
} as const;

export type SecretName = keyof typeof SECRET_ENV;

/** The (env name, secret) pairs to mount, for the secrets that were given. */
export function secretBindings<T>(secrets: Partial<Record<SecretName, T>>): Array<[string, T]> {
  return (Object.keys(SECRET_ENV) as SecretName[]).flatMap((name) => {
    const secret = secrets[name];
    return secret === undefined ? [] : [[SECRET_ENV[name], secret] as [string, T]];
  });
}

/** Snowflake settings that are not secret. */
export interface SnowflakeSettings {
  account?: string;
  role?: string;
  warehouse?: string;
  database?: string;
}

/**
 * Env for `dbt build`. Prod needs a Snowflake account and credentials (checked here, before any
 * container starts); dev needs a lake to read.
 */
export function transformEnv(
  target: Target,
  snowflake: SnowflakeSettings,
  given: { snowflakeUser: boolean; snowflakePassword: boolean },
): Record<string, string> {
  const env: Record<string, string> = { DBT_PROFILES_DIR: DBT_DIR, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' };
  if (target === Target.dev) {
    env.WAREHOUSE_PATH = `${APP_DIR}/${WAREHOUSE_FILE}`;
    return env;
  }
  const missing = [
    snowflake.account === undefined && '--snowflake-account',
    !given.snowflakeUser && '--snowflake-user',
    !given.snowflakePassword && '--snowflake-password',
  ].filter(Boolean);
  if (missing.length > 0) throw new Error(`transform --target prod needs ${missing.join(', ')}`);
  const values: Record<string, string | undefined> = {
    SNOWFLAKE_ACCOUNT: snowflake.account,
    SNOWFLAKE_ROLE: snowflake.role,
    SNOWFLAKE_WAREHOUSE: snowflake.warehouse,
    SNOWFLAKE_DATABASE: snowflake.database,
  };
  for (const [name, value] of Object.entries(values)) if (value !== undefined) env[name] = value;
  return env;
}

/** `<registry>/game-market-pipeline/<image>:<tag>`, after checking each part. */
export function imageRef(registry: string, image: 'ingest' | 'transform', tag: string): string {
  const host = registry.replace(/\/+$/, '');
  if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?(\/[a-z0-9._-]+)*$/.test(host)) {
    throw new Error(`invalid --registry "${registry}": use host[:port][/namespace], without a scheme`);
  }
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) {
    throw new Error(`invalid --tag "${tag}": letters, digits, _ . - (at most 128, not starting with . or -)`);
  }
  return `${host}/game-market-pipeline/${image}:${tag}`;
}

/** The registry host for `withRegistryAuth`: the part of the address before the first `/`. */
export function registryHost(registry: string): string {
  return registry.split('/')[0]!;
}

/** Collects the outcome of parallel ingests; one error names every endpoint that failed. */
export function summarizeIngests(tasks: IngestTask[], results: PromiseSettledResult<string>[]): string {
  const failures = results.flatMap((result, i) =>
    result.status === 'rejected' ? [`${tasks[i]!.endpoint} ${tasks[i]!.mode}: ${describeFailure(result.reason)}`] : [],
  );
  if (failures.length > 0) throw new Error(`ingest failed for ${failures.join('; ')}`);
  return results.map((result) => (result as PromiseFulfilledResult<string>).value.trim()).join('\n');
}

/**
 * One line about a failed exec: the CLI's own last stderr line when there is one (it is written
 * to be read by a user), else the first line of the error.
 */
export function describeFailure(reason: unknown): string {
  const stderr = (reason as { stderr?: unknown } | null)?.stderr;
  const lines = (text: string) => text.split('\n').map((line) => line.trim()).filter(Boolean);
  if (typeof stderr === 'string' && lines(stderr).length > 0) return lines(stderr).at(-1)!;
  const message = reason instanceof Error ? reason.message : String(reason);
  return lines(message)[0] ?? 'failed';
}
