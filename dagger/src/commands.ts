/**
 * How the module's settings become a container's command, env and secrets.
 *
 * Plain functions with no Dagger imports and no decorators, so that they are unit-tested without
 * an engine. The module (index.ts) only wires their results into containers. What work an ingest
 * does is never decided here: `gmp plan --json` decides, and the module runs the shards it prints.
 */

/** Base images, pinned to exact releases. */
export const IMAGES = {
  /** Runs the CLI: the ingest image and the sandbox; the transform image takes its node binary. */
  node: 'node:20.20.2-bookworm-slim',
  /** The test toolbox starts from the full image: git, make, gcc and Debian's apt are there. */
  nodeToolbox: 'node:20.20.2-bookworm',
  /** Runs dbt: the transform image starts from it, so its Python is this release and no other. */
  python: 'python:3.11.14-slim-bookworm',
  /** Only its /usr/local/go is copied into the toolbox (Debian's Go is too old for the tools). */
  go: 'golang:1.26.8-bookworm',
} as const;

/** Where the project lives inside every container. */
export const APP_DIR = '/app';
/** The gmp launcher, which starts Node with the project's memory settings: both images' entrypoint. */
export const CLI = [`${APP_DIR}/bin/gmp.js`];
/** Where both images link the launcher, so that gmp is a command in a terminal or a with-exec. */
export const GMP_ON_PATH = '/usr/local/bin/gmp';
/** The node binary, copied from the node image into the transform image. */
export const NODE_BINARY = '/usr/local/bin/node';
/**
 * gmp's default warehouse and report paths (src/config/defaults.ts), which the module cannot
 * import; test/dagger/shared-defaults.test.ts keeps them equal.
 */
export const WAREHOUSE_FILE = '.warehouse/game_market.duckdb';
export const REPORT_FILE = 'reports/market-report.html';
/** Compacts the lake's closed partitions to Parquet: after ingest, before transform. */
export const COMPACT_ARGS = ['compact', '--json'];
/** Makes the project's dbt venv (/app/.venv) at image build time, so a transform installs nothing. */
export const SETUP_ARGS = ['transform', '--setup-only'];
/** Creates the lake's bucket when it is missing (the host's server may be a fresh one); idempotent. */
export const LAKE_INIT_ARGS = ['lake', 'init'];

/**
 * The lake with no --url: a bucket on an S3-compatible server on the user's own machine, reached
 * from the containers as a host service. Every page, run record and ledger entry is on the host as
 * soon as it is written, so nothing of the lake lives in the engine, and pruning the engine's
 * cache loses none of it. These are the settings scripts/run-s3.sh serves it with (make
 * s3-server, make run-s3), and gmp on the host reads the same lake with them: a local server's
 * development credentials, not secrets. test/dagger/shared-defaults.test.ts keeps them equal.
 */
export const HOST_LAKE = {
  url: 's3://game-market-lake',
  port: 9000,
  region: 'us-east-1',
  accessKeyId: 'gmp-local',
  secretAccessKey: 'gmp-local-secret',
  /** The name the containers reach the host's server by. */
  service: 'lake-s3',
} as const;

/** Where the rerun check mounts its own throwaway lake, a cache volume emptied at its start. */
export const SCRATCH_LAKE_MOUNT = '/lake';

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
  '.lake-api',
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

/** What gmp plan --mode accepts; the CLI owns what each one means. */
export enum Mode {
  snapshot = 'snapshot',
  updated = 'updated',
  daily = 'daily',
}

/** dbt targets: DuckDB on the lake (dev) or Snowflake over its external tables (prod). */
export enum Target {
  dev = 'dev',
  prod = 'prod',
}

/** What the caller asked to ingest, handed to `gmp plan` as it is. */
export interface Selection {
  /** None: every endpoint of config/endpoints.json. */
  endpoints?: string[];
  mode?: Mode;
  date?: string;
  from?: string;
  to?: string;
  /** Pages the run may fetch; the budget caps it in any case. */
  maxPages?: number;
}

/** `gmp plan` arguments (after the CLI prefix) that print the work as JSON, cut into shards. */
export function planArgs(selection: Selection, shards: number): string[] {
  const endpoints = selection.endpoints ?? [];
  const args = ['plan', ...(endpoints.length > 0 ? endpoints.flatMap((e) => ['--endpoint', e]) : ['--all'])];
  const options: Array<[string, string | undefined]> = [
    ['--mode', selection.mode],
    ['--date', selection.date],
    ['--from', selection.from],
    ['--to', selection.to],
    ['--max-pages', selection.maxPages?.toString()],
  ];
  for (const [flag, value] of options) if (value !== undefined) args.push(flag, value);
  return [...args, '--json', '--shards', String(shards)];
}

/** One shard of a plan: units that one container runs, with the exact argv to run after `gmp`. */
export interface Shard {
  units: string[];
  args: string[];
}

/** What the module reads of `gmp plan --json`. */
export interface Plan {
  apiRequestsExpected: number;
  units: Array<{ id: string; state: string }>;
  shards: Shard[];
}

/**
 * Reads the plan `gmp plan --json` printed. Only `gmp ingest` shards are accepted: the plan comes
 * from the lake and the API, and the module runs nothing else on its word.
 */
export function parsePlan(stdout: string): Plan {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    throw new Error('gmp plan --json printed no JSON plan');
  }
  const plan = (json ?? {}) as Partial<Plan>;
  if (!Array.isArray(plan.shards) || !Array.isArray(plan.units) || typeof plan.apiRequestsExpected !== 'number') {
    throw new Error('gmp plan --json printed no "units", "shards" and "apiRequestsExpected"');
  }
  for (const shard of plan.shards as unknown[]) {
    const { units, args } = (shard ?? {}) as Partial<Shard>;
    const strings = (list: unknown) => Array.isArray(list) && list.every((item) => typeof item === 'string');
    if (!strings(units) || !strings(args) || args![0] !== 'ingest') {
      throw new Error(`gmp plan --json printed a shard that is not a gmp ingest: ${JSON.stringify(shard)}`);
    }
  }
  return plan as Plan;
}

/** `gmp steps` arguments that print the pipeline's steps for a target as JSON: what run-pipeline runs, in order. */
export function stepsArgs(target: Target): string[] {
  return ['steps', '--target', target, '--json'];
}

/** A step after the ingest, as `gmp steps --json` prints it: the exact argv to run after `gmp`. */
export interface Step {
  name: string;
  args: string[];
}

/**
 * Reads the steps `gmp steps --json` printed and returns those after the ingest, in their order.
 * The ingest must come first (its commands are the plan's shards), and every later step must be
 * the gmp command of its own name: the module runs nothing else on its word.
 */
export function stepsAfterIngest(stdout: string): Step[] {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    throw new Error('gmp steps --json printed no JSON steps');
  }
  const steps = (json as { steps?: unknown } | null)?.steps;
  if (!Array.isArray(steps) || steps.length === 0) throw new Error('gmp steps --json printed no "steps"');
  const [first, ...after] = steps as Array<Partial<{ name: unknown; args: unknown }> | null>;
  if (first?.name !== 'ingest' || first.args !== null)
    throw new Error(`gmp steps --json printed a first step that is not the ingest: ${JSON.stringify(first)}`);
  for (const step of after) {
    const { name, args } = step ?? {};
    if (
      !Array.isArray(args) ||
      !args.every((word) => typeof word === 'string') ||
      typeof name !== 'string' ||
      args[0] !== name
    ) {
      throw new Error(
        `gmp steps --json printed a step that is not the gmp command of its name: ${JSON.stringify(step)}`,
      );
    }
  }
  return after as Step[];
}

/** What an ingest prints when the plan left nothing to fetch. */
export function nothingToFetch(plan: Plan): string {
  return `${plan.units.length} of ${plan.units.length} units complete in the lake: nothing to fetch, 0 API requests`;
}

/** Collects the outcome of parallel shards; one error names the units of every shard that failed. */
export function summarizeShards(shards: Shard[], results: PromiseSettledResult<string>[]): string {
  const failures = results.flatMap((result, i) =>
    result.status === 'rejected' ? [`${shards[i]!.units.join(' ')}: ${describeFailure(result.reason)}`] : [],
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
  const lines = (text: string) =>
    text
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
  if (typeof stderr === 'string' && lines(stderr).length > 0) return lines(stderr).at(-1)!;
  const message = reason instanceof Error ? reason.message : String(reason);
  return lines(message)[0] ?? 'failed';
}

export function sandboxArgs(port: number, options: { games?: number; seed?: number } = {}): string[] {
  const args = ['sandbox', '--host', '0.0.0.0', '--port', String(port)];
  if (options.games !== undefined) args.push('--games', String(options.games));
  if (options.seed !== undefined) args.push('--seed', String(options.seed));
  return args;
}

/**
 * `gmp transform` for a target: it lists the lake's closed partitions and hands them to dbt, so a
 * build adds only what it lacks; running dbt directly would read none.
 */
export function transformArgs(target: Target): string[] {
  return ['transform', '--target', target];
}

/** Host name and port of the sandbox the module binds when no API is given. */
export const SANDBOX = { host: 'sandbox', port: 8080 } as const;
export const SANDBOX_URL = `http://${SANDBOX.host}:${SANDBOX.port}/sandbox/api`;
/**
 * The sandbox takes any non-empty key, and the CLI insists on having one. It guards nothing, so it
 * is plain env, never a Dagger secret: the engine blanks a secret's value in every output, and gmp
 * hides a key's value in its own; a value that is no word keeps both from hiding anything else.
 */
export const SANDBOX_API_KEY = 'not-a-secret-sandbox-key';

/** What `with-api` was given. */
export interface ApiSettings {
  hasApiKey: boolean;
  baseUrl?: string;
}

/** What with-lake and with-aws were given (credentials only as whether they were). */
export interface LakeSettings {
  url?: string;
  endpointUrl?: string;
  /** The port of the S3-compatible server on the host that holds the lake. */
  hostPort?: number;
  region?: string;
  hasAwsCredentials: boolean;
  /** The rerun check's own lake, on this cache volume: never a user's lake. */
  scratchVolume?: string;
}

/** What with-lineage was given (its API key travels as a secret, never here). */
export interface LineageSettings {
  url: string;
  namespace?: string;
}

/**
 * The job a run-pipeline call's steps name as their parent, as a Step Functions execution's tasks
 * do: the pipeline job of gmp's own namespace (src/lineage/pipeline.ts, src/lineage/emitter.ts).
 */
export const LINEAGE_PARENT = { namespace: 'game-market-pipeline', job: 'pipeline' } as const;

/**
 * The OpenLineage env of a run's steps, as gmp reads it: where events go and, for the steps of one
 * run-pipeline call, the parent run they share (`namespace/job/uuid`).
 */
export function lineageEnv(lineage: LineageSettings, parentRunId?: string): Record<string, string> {
  const env: Record<string, string> = { OPENLINEAGE_URL: checkHttpUrl('with-lineage --url', lineage.url) };
  if (lineage.namespace !== undefined) env.OPENLINEAGE_NAMESPACE = lineage.namespace;
  const namespace = lineage.namespace ?? LINEAGE_PARENT.namespace;
  if (parentRunId !== undefined) env.OPENLINEAGE_PARENT_ID = `${namespace}/${LINEAGE_PARENT.job}/${parentRunId}`;
  return env;
}

/** Plain env, services and mounts for a run: nothing secret ever goes through here. */
export interface RunSetup {
  env: Record<string, string>;
  /** The project's sandbox answers (no key and no base URL given); bound only to steps that fetch. */
  sandbox: boolean;
  /** The host port of the S3-compatible server holding the lake, bound as HOST_LAKE.service. */
  hostLakePort?: number;
  /** The rerun check's cache volume, mounted at SCRATCH_LAKE_MOUNT. */
  scratchVolume?: string;
  /** Where the lake is, as the user reaches it: every call that touches the lake says it. */
  lake: string;
}

/**
 * Decides the env, the services and the lake of a run (`api` is left out by steps that never call
 * the API). With no API key and no base URL the project's sandbox answers. With no lake URL, or
 * with --host-port, the lake is a bucket on the S3-compatible server on the user's machine
 * (HOST_LAKE), so it is as durable as that machine's disk and a rerun finds what earlier runs
 * fetched, whatever the engine keeps or prunes. With with-lineage, every step sends its events.
 */
export function runSetup(
  api: ApiSettings | undefined,
  lake: LakeSettings,
  lineage?: LineageSettings & { parentRunId?: string },
): RunSetup {
  const env: Record<string, string> = lineage ? lineageEnv(lineage, lineage.parentRunId) : {};
  const sandbox = api !== undefined && !api.hasApiKey && api.baseUrl === undefined;
  if (api?.baseUrl !== undefined) env.RAWG_BASE_URL = checkHttpUrl('with-api --base-url', api.baseUrl);
  if (sandbox) Object.assign(env, { RAWG_BASE_URL: SANDBOX_URL, RAWG_API_KEY: SANDBOX_API_KEY });
  if (lake.region !== undefined) env.AWS_REGION = lake.region;

  if (lake.scratchVolume !== undefined) {
    env.LAKE_URL = `file://${SCRATCH_LAKE_MOUNT}`;
    return {
      env,
      sandbox,
      scratchVolume: lake.scratchVolume,
      lake: `the cache volume ${lake.scratchVolume} (a throwaway lake)`,
    };
  }
  if (lake.endpointUrl !== undefined && lake.hostPort !== undefined)
    throw new Error('with-lake takes --endpoint-url or --host-port, not both');
  if (lake.url !== undefined && lake.hostPort === undefined) {
    env.LAKE_URL = checkLakeUrl(lake.url);
    if (lake.endpointUrl !== undefined) env.S3_ENDPOINT = checkHttpUrl('with-lake --endpoint-url', lake.endpointUrl);
    return { env, sandbox, lake: `${env.LAKE_URL} on ${env.S3_ENDPOINT ?? 'AWS S3'}` };
  }
  if (lake.endpointUrl !== undefined) throw new Error('with-lake --endpoint-url needs --url s3://bucket/prefix');

  const port = checkPort(lake.hostPort ?? HOST_LAKE.port);
  env.LAKE_URL = lake.url === undefined ? HOST_LAKE.url : checkLakeUrl(lake.url);
  env.S3_ENDPOINT = `http://${HOST_LAKE.service}:${port}`;
  env.AWS_REGION ??= HOST_LAKE.region;
  if (!lake.hasAwsCredentials)
    Object.assign(env, { AWS_ACCESS_KEY_ID: HOST_LAKE.accessKeyId, AWS_SECRET_ACCESS_KEY: HOST_LAKE.secretAccessKey });
  return {
    env,
    sandbox,
    hostLakePort: port,
    lake: `${env.LAKE_URL} on the S3 server of this machine, localhost:${port}`,
  };
}

/** Whether a step needs the sandbox bound: only the shards of a plan with work, when the sandbox answers. */
export function bindsSandbox(run: RunSetup, plan: Plan): boolean {
  return run.sandbox && plan.shards.length > 0;
}

/** What a call prints first: where its lake is. */
export function lakeLine(run: RunSetup): string {
  return `lake: ${run.lake}`;
}

/**
 * A failed first step on the lake, in one line that says which lake (as the user reaches it, not
 * as the container does) and, for the lake of this machine, how to start its server.
 */
export function lakeFailure(run: RunSetup, reason: unknown): Error {
  const hint =
    run.hostLakePort === undefined
      ? ''
      : ` (is its server running? make s3-server, or MinIO on port ${run.hostLakePort})`;
  return new Error(`${lakeLine(run)}${hint}: ${describeFailure(reason)}`);
}

/** The plan gmp plan --json printed, with the lake it read named first. */
export function planWithLake(run: RunSetup, stdout: string): string {
  return JSON.stringify({ lake: run.lake, ...(parsePlan(stdout) as object) });
}

/** A lake URL given to the module is an S3 one: a file:// lake would vanish with its container. */
export function checkLakeUrl(url: string): string {
  if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\s]*)?$/.test(url)) {
    throw new Error(
      `invalid with-lake --url "${url}": use s3://bucket/prefix (leave --url out for the lake on this machine's S3 server)`,
    );
  }
  // dbt's sources append /raw/... to it.
  return url.replace(/\/+$/, '');
}

function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`invalid with-lake --host-port ${port}: a TCP port, 1 to 65535`);
  return port;
}

function checkHttpUrl(flag: string, url: string): string {
  if (!/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(url))
    throw new Error(`invalid ${flag} "${url}": use http(s)://host[:port][/path]`);
  return url;
}

/** Env variable names of every secret the module accepts. */
export const SECRET_ENV = {
  apiKey: 'RAWG_API_KEY',
  awsAccessKeyId: 'AWS_ACCESS_KEY_ID',
  awsSecretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  awsSessionToken: 'AWS_SESSION_TOKEN',
  snowflakeUser: 'SNOWFLAKE_USER',
  snowflakePassword: 'SNOWFLAKE_PASSWORD',
  lineageApiKey: 'OPENLINEAGE_API_KEY',
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
 * Env for `gmp transform` (which sets dbt's own). Prod needs a Snowflake account and credentials
 * (checked here, before any container starts); dev writes the DuckDB file that the report reads.
 */
export function transformEnv(
  target: Target,
  snowflake: SnowflakeSettings,
  given: { snowflakeUser: boolean; snowflakePassword: boolean },
): Record<string, string> {
  const env: Record<string, string> = {};
  if (target === Target.dev) {
    env.WAREHOUSE_PATH = `${APP_DIR}/${WAREHOUSE_FILE}`;
    return env;
  }
  const missing = [
    snowflake.account === undefined && '--account',
    !given.snowflakeUser && '--user',
    !given.snowflakePassword && '--password',
  ].filter(Boolean);
  if (missing.length > 0) throw new Error(`transform --target prod needs with-snowflake ${missing.join(', ')}`);
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
