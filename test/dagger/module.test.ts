/**
 * The Dagger module, checked without an engine (none runs on these machines): it type-checks
 * against the SDK pinned to its engineVersion, the SDK's own introspector sees the shape a user
 * calls, its pure helpers turn settings into the right commands, env and secrets, and its images
 * and run containers are read as the SDK's lazy query builder holds them, before anything would
 * be sent to an engine. What only a real engine can show (the containers actually running) is
 * `dagger check` in the ci workflow.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dag, type Container, type Directory, type File, type Secret } from '@dagger.io/dagger';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  APP_DIR,
  CLI,
  GMP_ON_PATH,
  HOST_LAKE,
  IMAGES,
  Mode,
  NODE_BINARY,
  SANDBOX_API_KEY,
  SANDBOX_URL,
  SETUP_ARGS,
  SOURCE_IGNORE,
  Target,
  bindsSandbox,
  checkLakeUrl,
  describeFailure,
  imageRef,
  lakeFailure,
  lakeLine,
  nothingToFetch,
  parsePlan,
  planArgs,
  runSetup,
  planWithLake,
  LINEAGE_PARENT,
  sandboxArgs,
  secretBindings,
  stepsAfterIngest,
  stepsArgs,
  summarizeShards,
  transformEnv,
} from '../../dagger/src/commands.js';
import {
  moduleSourceFiles,
  scanModule,
  type ModuleFunction,
  type ModuleObject,
  type ModuleScan,
} from './introspect.js';
import { DEFAULT_JOB_NAMESPACE, parseParentId } from '../../src/lineage/emitter.js';
import { PIPELINE_JOB } from '../../src/lineage/pipeline.js';

const root = resolve(import.meta.dirname, '../..');
const readJson = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8'));
const noCredentials = { hasAwsCredentials: false };
/** The lake's settings with no lake URL: the bucket on this machine's S3 server, as a container reaches it. */
const hostLakeEnv = {
  LAKE_URL: HOST_LAKE.url,
  S3_ENDPOINT: `http://${HOST_LAKE.service}:${HOST_LAKE.port}`,
  AWS_REGION: HOST_LAKE.region,
  AWS_ACCESS_KEY_ID: HOST_LAKE.accessKeyId,
  AWS_SECRET_ACCESS_KEY: HOST_LAKE.secretAccessKey,
};

/** One call of the SDK's query builder: what a lazy Container, File or Directory stands for. */
interface Call {
  operation: string;
  args?: Record<string, unknown>;
}
/**
 * The calls a lazy SDK object is made of, read from the pinned SDK's query builder (its Context's
 * query tree). Nothing is executed: no leaf is awaited, so nothing reaches for an engine.
 */
const callsOf = (lazy: unknown): Call[] => (lazy as { _ctx: { _queryTree: Call[] } })._ctx._queryTree;
const named = (calls: Call[], operation: string) => calls.filter((call) => call.operation === operation);
/** The paths a container still has cache volumes mounted at (the image build's tool caches are taken off). */
function cacheMounts(calls: Call[]): string[] {
  const paths = new Set<string>();
  for (const { operation, args } of calls) {
    if (operation === 'withMountedCache') paths.add(args!.path as string);
    if (operation === 'withoutMount') paths.delete(args!.path as string);
  }
  return [...paths];
}
/** What these tests call of the module's class. */
interface Pipeline {
  ingestImage(): Container;
  transformImage(): Container;
  withApi(apiKey?: Secret, baseUrl?: string): Pipeline;
  withLineage(url: string, namespace?: string, apiKey?: Secret): Pipeline;
}
/**
 * The module's class, loaded when the tests run: its decorators need the module's own tsconfig,
 * so the root type-check (which leaves dagger/ out) must not follow a static import into it.
 */
const { GameMarketPipeline } = (await import(new URL('../../dagger/src/index.ts', import.meta.url).href)) as {
  GameMarketPipeline: new (source: Directory, config: File) => Pipeline;
};
/** The module as a call would construct it: lazy source and config, which no test reads. */
const pipeline = () => new GameMarketPipeline(dag.directory(), dag.directory().file('config/endpoints.json'));
/** The container every step of a run starts from, built by the module's own private methods. */
function runContainer(module: Pipeline, callsApi: boolean): Call[] {
  const internals = module as unknown as { startRun(callsApi: boolean): unknown; runner(run: unknown): Container };
  return callsOf(internals.runner(internals.startRun(callsApi)));
}

describe('module files', () => {
  it('type-checks with tsc --noEmit -p dagger against the pinned SDK', () => {
    const tsc = spawnSync('npx', ['tsc', '--noEmit', '-p', 'dagger'], { cwd: root, encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });

  it('pins engineVersion to the SDK version the root package type-checks against', () => {
    const dagger = readJson('dagger.json');
    const sdkVersion = readJson('package.json').devDependencies['@dagger.io/dagger'];
    expect(dagger).toMatchObject({ name: 'game-market-pipeline', source: 'dagger', sdk: { source: 'typescript' } });
    expect(dagger.engineVersion).toBe(`v${sdkVersion}`);
    expect(dagger.engineVersion).toMatch(/^v0\.21\.\d+$/);
    expect(readJson('node_modules/@dagger.io/dagger/package.json').version).toBe(sdkVersion);
  });

  it('keeps the module package to typescript alone, and the root type-check away from it', () => {
    expect(readJson('dagger/package.json').dependencies).toEqual({ typescript: '5.9.3' });
    expect(readJson('dagger/package.json').devDependencies).toBeUndefined();
    expect(readJson('tsconfig.json').exclude).toContain('dagger');
  });

  // The runtime imports every .ts file under dagger/src when a function is called: a test file
  // there (importing vitest) would break every `dagger call`. What the files import is eslint's
  // to check (no-restricted-imports in eslint.config.js).
  it('holds no tests', () => {
    const files = moduleSourceFiles();
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(file).not.toMatch(/\.test\.ts$/);
  });

  it('pins every base image to an exact release', () => {
    for (const image of Object.values(IMAGES)) expect(image).toMatch(/:\d+\.\d+\.\d+(-[a-z]+)*$/);
  });
});

describe('the images, as the module defines them (read from the lazy query, no engine)', () => {
  const addresses = (calls: Call[]) => named(calls, 'from').map((call) => call.args!.address);

  it('builds the ingest image from the pinned Node image, with gmp its entrypoint and on its PATH', () => {
    const calls = callsOf(pipeline().ingestImage());
    expect(addresses(calls)).toEqual([IMAGES.node]);
    expect(named(calls, 'withSymlink').map((call) => call.args)).toEqual([{ target: CLI[0], linkName: GMP_ON_PATH }]);
    expect(named(calls, 'withEntrypoint').map((call) => call.args!.args)).toEqual([CLI]);
  });

  it('builds the transform image from the pinned Python image, with the node binary of the pinned Node image and nothing from apt', () => {
    const calls = callsOf(pipeline().transformImage());
    expect(addresses(calls)).toEqual([IMAGES.python]);
    const node = named(calls, 'withFile').find((call) => call.args!.path === NODE_BINARY)!;
    expect(addresses(callsOf(node.args!.source))).toEqual([IMAGES.node]);
    const app = named(calls, 'withDirectory').find((call) => call.args!.path === APP_DIR)!;
    expect(addresses(callsOf(app.args!.source))).toEqual([IMAGES.node]);
    expect(named(calls, 'withSymlink').map((call) => call.args)).toEqual([{ target: CLI[0], linkName: GMP_ON_PATH }]);
    const execs = named(calls, 'withExec').map((call) => (call.args!.args as string[]).join(' '));
    expect(execs).toEqual([[...CLI, ...SETUP_ARGS].join(' ')]);
  });

  it('links gmp into a folder every official image has on its PATH', () => {
    expect(GMP_ON_PATH).toBe('/usr/local/bin/gmp');
    expect(CLI).toEqual(['/app/bin/gmp.js']);
  });

  it('matches the images docs/operations.md names', () => {
    const operations = readFileSync(join(root, 'docs/operations.md'), 'utf8');
    const documented = [...operations.matchAll(/`((?:node|python|golang):[^`\s]+)`/g)].map((m) => m[1]);
    expect(documented.length).toBeGreaterThanOrEqual(2);
    expect(documented.filter((image) => !Object.values(IMAGES).includes(image as never))).toEqual([]);
    expect(operations).toContain(`\`${IMAGES.node}\` (ingest)`);
    expect(operations).toContain(`\`${IMAGES.python}\` (transform)`);
  });
});

describe('the module as the engine would register it (SDK introspector, no engine)', () => {
  let scan: ModuleScan;
  let object: ModuleObject;
  let functions: Record<string, ModuleFunction>;
  beforeAll(async () => {
    scan = await scanModule();
    object = scan.objects.GameMarketPipeline!;
    functions = object.methods;
  });

  it('exposes exactly the functions a user types after dagger call', () => {
    expect(Object.keys(functions).sort()).toEqual(
      [
        'withApi',
        'withLake',
        'withAws',
        'withSnowflake',
        'withLineage',
        'plan',
        'ingest',
        'compact',
        'transform',
        'runPipeline',
        'ingestImage',
        'transformImage',
        'sandbox',
        'test',
        'rerunFetchesNothing',
        'publish',
      ].sort(),
    );
  });

  it('takes the repository and the endpoints once, in its constructor', () => {
    expect(object._constructor?.arguments).toMatchObject({
      source: { type: { name: 'Directory' }, defaultPath: '/', ignore: SOURCE_IGNORE },
      config: { type: { name: 'File' }, defaultPath: '/config/endpoints.json' },
    });
    for (const fn of Object.values(functions)) {
      for (const arg of Object.values(fn.arguments))
        expect(['Directory', 'File'], `${fn.name}.${arg.name}`).not.toContain(arg.type?.name);
    }
    const ignored = SOURCE_IGNORE.join(' ');
    for (const folder of ['node_modules', '.lake', '.venv', '.warehouse', '.tools']) expect(ignored).toContain(folder);
  });

  it('chains its settings, and hands out its images and results as core objects', () => {
    for (const name of ['withApi', 'withLake', 'withAws', 'withSnowflake', 'withLineage']) {
      expect(functions[name]!.returnType, name).toEqual({ kind: 'OBJECT_KIND', name: 'GameMarketPipeline' });
    }
    expect(functions.ingestImage!.returnType).toEqual({ kind: 'OBJECT_KIND', name: 'Container' });
    expect(functions.transformImage!.returnType).toEqual({ kind: 'OBJECT_KIND', name: 'Container' });
    expect(functions.runPipeline!.returnType).toEqual({ kind: 'OBJECT_KIND', name: 'Directory' });
    expect(functions.sandbox!.returnType).toEqual({ kind: 'OBJECT_KIND', name: 'Service' });
    // No more a dozen arguments per function: settings travel on the object.
    for (const fn of Object.values(functions)) expect(Object.keys(fn.arguments).length, fn.name).toBeLessThanOrEqual(7);
  });

  it('runs its tests as checks that take no required argument, and nothing else as a check', () => {
    const checks = Object.values(functions).filter((fn) => fn.isCheck);
    expect(checks.map((fn) => fn.name).sort()).toEqual(['rerunFetchesNothing', 'test']);
    for (const fn of checks) expect(Object.values(fn.arguments).filter((a) => !a.isOptional)).toEqual([]);
  });

  it('never caches the functions that call the API, read the lake or push images', () => {
    for (const name of ['plan', 'ingest', 'compact', 'transform', 'runPipeline', 'rerunFetchesNothing', 'publish']) {
      expect(functions[name]!.cache, name).toBe('never');
    }
  });

  it('takes every credential as a Secret, never as a string', () => {
    const credential = /apikey|password|token|secret|accesskey|^user$/i;
    const seen = Object.values(functions).flatMap((fn) =>
      Object.values(fn.arguments)
        .filter((a) => credential.test(a.name))
        .map((arg) => {
          expect(arg.type, `${fn.name}.${arg.name}`).toEqual({ kind: 'OBJECT_KIND', name: 'Secret' });
          return `${fn.name}.${arg.name}`;
        }),
    );
    expect(seen.sort()).toEqual(
      [
        'withApi.apiKey',
        'withAws.accessKeyId',
        'withAws.secretAccessKey',
        'withAws.sessionToken',
        'withSnowflake.user',
        'withSnowflake.password',
        'withLineage.apiKey',
        'publish.registryPassword',
      ].sort(),
    );
  });

  it('offers the modes and targets as enums with the CLI spellings', () => {
    expect(Object.values(scan.enums.Mode!.values).map((v) => v.value)).toEqual(['snapshot', 'updated', 'daily']);
    expect(Object.values(scan.enums.Target!.values).map((v) => v.value)).toEqual(['dev', 'prod']);
    expect(functions.ingest!.arguments.endpoint).toMatchObject({ isOptional: true, type: { kind: 'LIST_KIND' } });
    expect(functions.ingest!.arguments.mode).toMatchObject({
      isOptional: true,
      type: { kind: 'ENUM_KIND', name: 'Mode' },
    });
    expect(functions.transform!.arguments.target).toMatchObject({
      isOptional: false,
      type: { kind: 'ENUM_KIND', name: 'Target' },
    });
    expect(functions.publish!.arguments.platform!.defaultValue).toBe('linux/amd64');
  });
});

describe('settings become commands', () => {
  it('asks gmp plan for the work, as given, and never decides it itself', () => {
    expect(planArgs({}, 1)).toEqual(['plan', '--all', '--json', '--shards', '1']);
    expect(
      planArgs(
        { endpoints: ['games', 'genres'], mode: Mode.updated, from: '2026-11-01', to: '2026-11-03', maxPages: 50 },
        4,
      ),
    ).toEqual([
      'plan',
      '--endpoint',
      'games',
      '--endpoint',
      'genres',
      '--mode',
      'updated',
      '--from',
      '2026-11-01',
      '--to',
      '2026-11-03',
      '--max-pages',
      '50',
      '--json',
      '--shards',
      '4',
    ]);
    // Dates and modes reach the CLI untouched: it owns their rules and its errors.
    expect(planArgs({ mode: Mode.snapshot, date: '2099-01-01' }, 1)).toContain('2099-01-01');
    const source = readFileSync(join(root, 'dagger/src/commands.ts'), 'utf8');
    for (const rule of ['planIngestAll', 'modeFor', 'checkDate', 'incremental?:']) expect(source).not.toContain(rule);
  });

  it('reads the plan and runs only its gmp ingest shards', () => {
    const plan = {
      api: 'https://api.rawg.io/api',
      budget: { monthly: 20000, spent: 0, left: 20000 },
      units: [{ id: 'genres/snapshot/2026-12-01', state: 'new' }],
      apiRequestsExpected: 1,
      shards: [
        {
          units: ['genres/snapshot/2026-12-01'],
          maxPages: null,
          args: ['ingest', '--unit', 'genres/snapshot/2026-12-01', '--json'],
        },
      ],
    };
    expect(parsePlan(JSON.stringify(plan)).shards[0]!.args).toEqual([
      'ingest',
      '--unit',
      'genres/snapshot/2026-12-01',
      '--json',
    ]);
    expect(() => parsePlan('games: 3 pages')).toThrow('gmp plan --json printed no JSON plan');
    expect(() => parsePlan('{"units":[]}')).toThrow('printed no "units", "shards" and "apiRequestsExpected"');
    expect(() => parsePlan(JSON.stringify({ ...plan, shards: [{ units: [], args: ['lake', 'rm'] }] }))).toThrow(
      'not a gmp ingest',
    );
    expect(nothingToFetch({ ...plan, shards: [] })).toBe(
      '1 of 1 units complete in the lake: nothing to fetch, 0 API requests',
    );
  });

  it('runs after the ingest the steps gmp steps prints, in its order, and only gmp commands of their own names', () => {
    expect(stepsArgs(Target.dev)).toEqual(['steps', '--target', 'dev', '--json']);
    const steps = [
      { name: 'ingest', args: null },
      { name: 'compact', args: ['compact', '--json'] },
      { name: 'transform', args: ['transform', '--target', 'dev'] },
      { name: 'report', args: ['report'] },
    ];
    expect(stepsAfterIngest(JSON.stringify({ target: 'dev', steps }))).toEqual(steps.slice(1));
    // A new step, or a new order, reaches the module without a change to it.
    const reordered = [steps[0], steps[2], { name: 'lint', args: ['lint'] }, steps[1]];
    expect(stepsAfterIngest(JSON.stringify({ steps: reordered })).map((step) => step.name)).toEqual([
      'transform',
      'lint',
      'compact',
    ]);
    expect(() => stepsAfterIngest('1. ingest')).toThrow('gmp steps --json printed no JSON steps');
    expect(() => stepsAfterIngest('{"steps":[]}')).toThrow('printed no "steps"');
    expect(() => stepsAfterIngest(JSON.stringify({ steps: steps.slice(1) }))).toThrow(
      'a first step that is not the ingest',
    );
    expect(() =>
      stepsAfterIngest(JSON.stringify({ steps: [steps[0], { name: 'report', args: ['lake', 'rm'] }] })),
    ).toThrow('not the gmp command of its name');
    expect(() => stepsAfterIngest(JSON.stringify({ steps: [steps[0], { name: 'compact', args: null }] }))).toThrow(
      'not the gmp command of its name',
    );
  });

  it('reports every failed shard in one line, in the CLI own words', () => {
    const shards = [
      { units: ['games/updated/2026-11-30'], args: ['ingest'] },
      { units: ['genres/snapshot/2026-12-01'], args: ['ingest'] },
      { units: ['tags/snapshot/2026-12-01', 'stores/snapshot/2026-12-01'], args: ['ingest'] },
    ];
    const results: PromiseSettledResult<string>[] = [
      {
        status: 'rejected',
        reason: Object.assign(new Error('process "node" did not complete'), {
          stderr: 'progress...\ngmp: the RAWG monthly quota is spent\n',
        }),
      },
      { status: 'fulfilled', value: '{"endpoint":"genres"}\n' },
      { status: 'rejected', reason: new Error('connection refused\nmore detail') },
    ];
    expect(() => summarizeShards(shards, results)).toThrow(
      'ingest failed for games/updated/2026-11-30: gmp: the RAWG monthly quota is spent; tags/snapshot/2026-12-01 stores/snapshot/2026-12-01: connection refused',
    );
    expect(summarizeShards([shards[1]!], [results[1]!])).toBe('{"endpoint":"genres"}');
    expect(describeFailure('plain')).toBe('plain');
    expect(sandboxArgs(8080, { games: 500, seed: 7 })).toEqual([
      'sandbox',
      '--host',
      '0.0.0.0',
      '--port',
      '8080',
      '--games',
      '500',
      '--seed',
      '7',
    ]);
  });

  it('keeps the lake on the S3 server of the machine that calls dagger when no lake URL is given, and says where', () => {
    const run = runSetup({ hasApiKey: false }, noCredentials);
    expect(run).toEqual({
      sandbox: true,
      hostLakePort: 9000,
      env: { RAWG_BASE_URL: SANDBOX_URL, RAWG_API_KEY: SANDBOX_API_KEY, ...hostLakeEnv },
      lake: 's3://game-market-lake on the S3 server of this machine, localhost:9000',
    });
    expect(run).not.toHaveProperty('scratchVolume');
    // Another port, another bucket, the user's own credentials (as secrets, so not in plain env).
    expect(
      runSetup(
        { hasApiKey: true },
        { url: 's3://my-lake/raw', hostPort: 9100, region: 'eu-west-1', hasAwsCredentials: true },
      ),
    ).toEqual({
      sandbox: false,
      hostLakePort: 9100,
      env: { LAKE_URL: 's3://my-lake/raw', S3_ENDPOINT: `http://${HOST_LAKE.service}:9100`, AWS_REGION: 'eu-west-1' },
      lake: 's3://my-lake/raw on the S3 server of this machine, localhost:9100',
    });
    expect(() => runSetup({ hasApiKey: true }, { ...noCredentials, hostPort: 0 })).toThrow(
      'invalid with-lake --host-port 0',
    );
    expect(() =>
      runSetup({ hasApiKey: true }, { ...noCredentials, hostPort: 9000, endpointUrl: 'http://m:9000', url: 's3://b' }),
    ).toThrow('with-lake takes --endpoint-url or --host-port, not both');
    expect(lakeLine(run)).toBe('lake: s3://game-market-lake on the S3 server of this machine, localhost:9000');
  });

  it('names the lake, and how to start the server of this machine, when the first step on it fails', () => {
    const unreachable = Object.assign(new Error('process "gmp plan" did not complete'), {
      stderr:
        'gmp: object store s3://game-market-lake at http://lake-s3:9000 is unreachable (ECONNREFUSED): check S3_ENDPOINT and that the server is running\n',
    });
    expect(lakeFailure(runSetup({ hasApiKey: false }, noCredentials), unreachable).message).toBe(
      'lake: s3://game-market-lake on the S3 server of this machine, localhost:9000 (is its server running? make s3-server, or MinIO on port 9000): gmp: object store s3://game-market-lake at http://lake-s3:9000 is unreachable (ECONNREFUSED): check S3_ENDPOINT and that the server is running',
    );
    expect(
      lakeFailure(runSetup({ hasApiKey: true }, { url: 's3://lake', ...noCredentials }), new Error('denied')).message,
    ).toBe('lake: s3://lake on AWS S3: denied');
  });

  it('prints the plan with the lake it read', () => {
    const plan = { api: SANDBOX_URL, units: [], apiRequestsExpected: 0, shards: [], budget: { spent: 3 } };
    expect(JSON.parse(planWithLake(runSetup({ hasApiKey: false }, noCredentials), JSON.stringify(plan)))).toEqual({
      lake: 's3://game-market-lake on the S3 server of this machine, localhost:9000',
      ...plan,
    });
  });

  it('keeps a lake in the engine only for the rerun check, which empties it first', () => {
    expect(runSetup({ hasApiKey: false }, { ...noCredentials, scratchVolume: 'gmp-lake-check' })).toMatchObject({
      scratchVolume: 'gmp-lake-check',
      env: { LAKE_URL: 'file:///lake' },
    });
    const source = readFileSync(join(root, 'dagger/src/index.ts'), 'utf8');
    const volumes = [...source.matchAll(/dag\.cacheVolume\(([^)]*)\)/g)].map((m) => m[1]);
    expect(volumes.sort()).toEqual(
      [
        "'game-market-go-build'",
        "'game-market-go-mod'",
        "'game-market-npm'",
        "'game-market-npm'",
        "'game-market-pip'",
        "'game-market-pip'",
        'CHECK_LAKE_VOLUME',
        'run.setup.scratchVolume',
      ].sort(),
    );
  });

  it('runs the steps of a call with no settings on the lake of this machine, with no cache volume and nothing secret', () => {
    const calls = runContainer(pipeline(), true);
    expect(cacheMounts(calls)).toEqual([]);
    expect(named(calls, 'withSecretVariable')).toEqual([]);
    expect(named(calls, 'withServiceBinding').map((call) => call.args!.alias)).toEqual([HOST_LAKE.service]);
    const env = Object.fromEntries(named(calls, 'withEnvVariable').map((call) => [call.args!.name, call.args!.value]));
    expect(env).toMatchObject({ ...hostLakeEnv, RAWG_BASE_URL: SANDBOX_URL, RAWG_API_KEY: SANDBOX_API_KEY });
  });

  it('uses the real API and the given lake when told to', () => {
    expect(
      runSetup({ hasApiKey: true }, { url: 's3://market-lake/raw', region: 'eu-west-1', hasAwsCredentials: true }),
    ).toEqual({
      sandbox: false,
      env: { LAKE_URL: 's3://market-lake/raw', AWS_REGION: 'eu-west-1' },
      lake: 's3://market-lake/raw on AWS S3',
    });
    expect(
      runSetup(
        { hasApiKey: false, baseUrl: 'http://rawg.test:9/api' },
        { url: 's3://lake', endpointUrl: 'http://minio.test:9000', ...noCredentials },
      ),
    ).toEqual({
      sandbox: false,
      env: { RAWG_BASE_URL: 'http://rawg.test:9/api', LAKE_URL: 's3://lake', S3_ENDPOINT: 'http://minio.test:9000' },
      lake: 's3://lake on http://minio.test:9000',
    });
    // Steps that never call the API (transform) get no API settings at all.
    expect(runSetup(undefined, { url: 's3://lake', ...noCredentials }).env).toEqual({ LAKE_URL: 's3://lake' });
    expect(runSetup(undefined, noCredentials).env).toEqual(hostLakeEnv);
  });

  it('refuses lakes a container cannot keep, and settings that do not go together', () => {
    expect(() => checkLakeUrl('file://./.lake')).toThrow("leave --url out for the lake on this machine's S3 server");
    expect(checkLakeUrl('s3://market-lake/raw/')).toBe('s3://market-lake/raw');
    expect(() => runSetup({ hasApiKey: true }, { endpointUrl: 'http://minio:9000', ...noCredentials })).toThrow(
      'with-lake --endpoint-url needs --url',
    );
    expect(() => runSetup({ hasApiKey: true, baseUrl: 'ftp://x' }, noCredentials)).toThrow(
      'invalid with-api --base-url',
    );
  });

  it('starts the sandbox only for the shards of a plan with work, and never when an API is given', () => {
    const work = {
      apiRequestsExpected: 3,
      units: [{ id: 'genres/snapshot/2026-12-01', state: 'new' }],
      shards: [{ units: ['genres/snapshot/2026-12-01'], args: ['ingest'] }],
    };
    const done = {
      apiRequestsExpected: 0,
      units: [{ id: 'genres/snapshot/2026-12-01', state: 'complete' }],
      shards: [],
    };
    expect(bindsSandbox(runSetup({ hasApiKey: false }, noCredentials), work)).toBe(true);
    expect(bindsSandbox(runSetup({ hasApiKey: false }, noCredentials), done)).toBe(false);
    expect(bindsSandbox(runSetup({ hasApiKey: true }, noCredentials), work)).toBe(false);
    expect(bindsSandbox(runSetup({ hasApiKey: false, baseUrl: 'http://rawg.test/api' }, noCredentials), work)).toBe(
      false,
    );
    // The module binds it nowhere else: not to the plan's container, not to the lake's steps.
    const source = readFileSync(join(root, 'dagger/src/index.ts'), 'utf8');
    expect(source.match(/withServiceBinding\(SANDBOX\.host/g)).toHaveLength(1);
    expect(source.match(/\.start\(\)/g)).toHaveLength(1);
    expect(source).toMatch(
      /if \(bindsSandbox\(run\.setup, plan\)\) \{[^}]*this\.sandbox\(\)\.start\(\)[^}]*withServiceBinding\(SANDBOX\.host/,
    );
  });

  it('passes the sandbox key as plain env, a value that is no word, and a real key only as a secret', () => {
    // The engine blanks a secret's value wherever it appears in any output; gmp hides its key's.
    expect(SANDBOX_API_KEY).toMatch(/-.*-/);
    expect(SANDBOX_API_KEY.length).toBeGreaterThanOrEqual(16);
    const run = runSetup({ hasApiKey: false }, noCredentials);
    for (const [name, value] of Object.entries(run.env))
      if (name !== 'RAWG_API_KEY') expect(value, name).not.toContain(SANDBOX_API_KEY);
    expect(readFileSync(join(root, 'dagger/src/index.ts'), 'utf8')).not.toContain('setSecret');

    const keyed = runContainer(pipeline().withApi(dag.setSecret('k', 'real-key')), true);
    expect(named(keyed, 'withSecretVariable').map((call) => call.args!.name)).toEqual(['RAWG_API_KEY']);
    expect(named(keyed, 'withEnvVariable').map((call) => call.args!.name)).not.toContain('RAWG_API_KEY');
    expect(named(keyed, 'withServiceBinding').map((call) => call.args!.alias)).toEqual([HOST_LAKE.service]);
  });

  it('maps secrets to env names and never puts them in plain env', () => {
    const secret = (label: string) => ({ label });
    const bindings = secretBindings({
      apiKey: secret('k'),
      awsSessionToken: secret('t'),
      snowflakePassword: secret('p'),
      lineageApiKey: secret('l'),
      awsAccessKeyId: undefined,
    });
    expect(bindings).toEqual([
      ['RAWG_API_KEY', { label: 'k' }],
      ['AWS_SESSION_TOKEN', { label: 't' }],
      ['SNOWFLAKE_PASSWORD', { label: 'p' }],
      ['OPENLINEAGE_API_KEY', { label: 'l' }],
    ]);
    const plain = {
      ...runSetup({ hasApiKey: true }, { url: 's3://lake', hasAwsCredentials: true }, { url: 'http://ol:5000' }).env,
      ...runSetup({ hasApiKey: true }, { hasAwsCredentials: true }).env,
      ...transformEnv(Target.prod, { account: 'acme' }, { snowflakeUser: true, snowflakePassword: true }),
    };
    for (const name of [
      'RAWG_API_KEY',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'SNOWFLAKE_USER',
      'SNOWFLAKE_PASSWORD',
      'OPENLINEAGE_API_KEY',
    ]) {
      expect(plain).not.toHaveProperty(name);
    }
  });

  it("sends every step's lineage where with-lineage says, the steps of one run-pipeline call under one parent run", () => {
    const runId = '0f8e1c52-3a7b-4c1d-9e2f-5b6a7c8d9e0f';
    expect(runSetup({ hasApiKey: false }, noCredentials).env).not.toHaveProperty('OPENLINEAGE_URL');
    const alone = runSetup({ hasApiKey: false }, noCredentials, { url: 'http://marquez:5000' }).env;
    expect(alone).toMatchObject({ OPENLINEAGE_URL: 'http://marquez:5000' });
    expect(alone).not.toHaveProperty('OPENLINEAGE_PARENT_ID');
    const piped = runSetup(undefined, noCredentials, { url: 'http://marquez:5000', parentRunId: runId }).env;
    // The parent is the pipeline job gmp itself names, as a Step Functions execution's tasks do.
    expect(parseParentId(piped.OPENLINEAGE_PARENT_ID)).toEqual({
      runId,
      job: { namespace: DEFAULT_JOB_NAMESPACE, name: PIPELINE_JOB },
    });
    expect(LINEAGE_PARENT).toEqual({ namespace: DEFAULT_JOB_NAMESPACE, job: PIPELINE_JOB });
    const inNamespace = runSetup(undefined, noCredentials, {
      url: 'https://ol.example/',
      namespace: 'acme',
      parentRunId: runId,
    });
    expect(inNamespace.env).toMatchObject({
      OPENLINEAGE_NAMESPACE: 'acme',
      OPENLINEAGE_PARENT_ID: `acme/pipeline/${runId}`,
    });
    expect(() => runSetup(undefined, noCredentials, { url: 'marquez:5000' })).toThrow('invalid with-lineage --url');
    // The container gets the URL as env, the key only as a secret.
    const wired = runContainer(
      pipeline().withLineage('http://ol:5000', undefined, dag.setSecret('ol', 'token')),
      false,
    );
    expect(named(wired, 'withSecretVariable').map((call) => call.args!.name)).toEqual(['OPENLINEAGE_API_KEY']);
    expect(named(wired, 'withEnvVariable').map((call) => call.args!.name)).toContain('OPENLINEAGE_URL');
    // Both halves of run-pipeline (the ingest, then the steps on the lake) take the call's one parent.
    const source = readFileSync(join(root, 'dagger/src/index.ts'), 'utf8');
    expect(source.match(/this\.startRun\((true|false), parentRunId\)/g)).toHaveLength(2);
  });

  it('checks the Snowflake settings before any container starts', () => {
    expect(() => transformEnv(Target.prod, {}, { snowflakeUser: false, snowflakePassword: true })).toThrow(
      'transform --target prod needs with-snowflake --account, --user',
    );
    expect(
      transformEnv(
        Target.prod,
        { account: 'acme-xy1', role: 'TRANSFORMER', database: 'MARKET' },
        { snowflakeUser: true, snowflakePassword: true },
      ),
    ).toEqual({
      SNOWFLAKE_ACCOUNT: 'acme-xy1',
      SNOWFLAKE_ROLE: 'TRANSFORMER',
      SNOWFLAKE_DATABASE: 'MARKET',
    });
    expect(transformEnv(Target.dev, {}, { snowflakeUser: false, snowflakePassword: false }).WAREHOUSE_PATH).toBe(
      '/app/.warehouse/game_market.duckdb',
    );
  });

  it('names the images the Fargate task definitions pull', () => {
    expect(imageRef('123456789012.dkr.ecr.eu-west-1.amazonaws.com/', 'ingest', 'v1.2.0')).toBe(
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/game-market-pipeline/ingest:v1.2.0',
    );
    expect(imageRef('localhost:5000', 'transform', 'sha-3f2a')).toBe(
      'localhost:5000/game-market-pipeline/transform:sha-3f2a',
    );
    expect(() => imageRef('https://ghcr.io', 'ingest', 'v1')).toThrow('without a scheme');
    expect(() => imageRef('ghcr.io/acme', 'ingest', '-bad')).toThrow('invalid --tag "-bad"');
  });
});
