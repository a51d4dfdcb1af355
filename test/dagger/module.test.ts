/**
 * The Dagger module, checked without an engine (none runs on these machines): it type-checks
 * against the SDK pinned to its engineVersion, the SDK's own introspector sees the shape a user
 * calls, and its pure helpers turn settings into the right commands, env and secrets. What only
 * a real engine can show (the containers actually running) is `dagger check` in the ci workflow.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  IMAGES,
  Mode,
  SOURCE_IGNORE,
  Target,
  VOLUME_LAKE_URL,
  checkLakeUrl,
  describeFailure,
  imageRef,
  nothingToFetch,
  parsePlan,
  planArgs,
  planRun,
  sandboxArgs,
  secretBindings,
  summarizeShards,
  transformEnv,
} from '../../dagger/src/commands.js';
import { moduleSourceFiles, scanModule, type ModuleFunction, type ModuleObject, type ModuleScan } from './introspect.js';

const root = resolve(import.meta.dirname, '../..');
const readJson = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8'));
const noCredentials = { hasAwsCredentials: false };

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
        'plan',
        'ingest',
        'compact',
        'transform',
        'runPipeline',
        'lake',
        'emptyLake',
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
      for (const arg of Object.values(fn.arguments)) expect(['Directory', 'File'], `${fn.name}.${arg.name}`).not.toContain(arg.type?.name);
    }
    const ignored = SOURCE_IGNORE.join(' ');
    for (const folder of ['node_modules', '.lake', '.venv', '.warehouse', '.tools']) expect(ignored).toContain(folder);
  });

  it('chains its settings, and hands out its images and results as core objects', () => {
    for (const name of ['withApi', 'withLake', 'withAws', 'withSnowflake']) {
      expect(functions[name]!.returnType, name).toEqual({ kind: 'OBJECT_KIND', name: 'GameMarketPipeline' });
    }
    expect(functions.ingestImage!.returnType).toEqual({ kind: 'OBJECT_KIND', name: 'Container' });
    expect(functions.transformImage!.returnType).toEqual({ kind: 'OBJECT_KIND', name: 'Container' });
    expect(functions.runPipeline!.returnType).toEqual({ kind: 'OBJECT_KIND', name: 'Directory' });
    expect(functions.lake!.returnType).toEqual({ kind: 'OBJECT_KIND', name: 'Directory' });
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
    for (const name of ['plan', 'ingest', 'compact', 'transform', 'runPipeline', 'lake', 'emptyLake', 'rerunFetchesNothing', 'publish']) {
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
        'publish.registryPassword',
      ].sort(),
    );
  });

  it('offers the modes and targets as enums with the CLI spellings', () => {
    expect(Object.values(scan.enums.Mode!.values).map((v) => v.value)).toEqual(['snapshot', 'updated', 'daily']);
    expect(Object.values(scan.enums.Target!.values).map((v) => v.value)).toEqual(['dev', 'prod']);
    expect(functions.ingest!.arguments.endpoint).toMatchObject({ isOptional: true, type: { kind: 'LIST_KIND' } });
    expect(functions.ingest!.arguments.mode).toMatchObject({ isOptional: true, type: { kind: 'ENUM_KIND', name: 'Mode' } });
    expect(functions.transform!.arguments.target).toMatchObject({ isOptional: false, type: { kind: 'ENUM_KIND', name: 'Target' } });
    expect(functions.publish!.arguments.platform!.defaultValue).toBe('linux/amd64');
  });
});

describe('settings become commands', () => {
  it('asks gmp plan for the work, as given, and never decides it itself', () => {
    expect(planArgs({}, 1)).toEqual(['plan', '--all', '--json', '--shards', '1']);
    expect(planArgs({ endpoints: ['games', 'genres'], mode: Mode.updated, from: '2026-11-01', to: '2026-11-03', maxPages: 50 }, 4)).toEqual([
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
      shards: [{ units: ['genres/snapshot/2026-12-01'], maxPages: null, args: ['ingest', '--unit', 'genres/snapshot/2026-12-01', '--json'] }],
    };
    expect(parsePlan(JSON.stringify(plan)).shards[0]!.args).toEqual(['ingest', '--unit', 'genres/snapshot/2026-12-01', '--json']);
    expect(() => parsePlan('games: 3 pages')).toThrow('gmp plan --json printed no JSON plan');
    expect(() => parsePlan('{"units":[]}')).toThrow('printed no "units", "shards" and "apiRequestsExpected"');
    expect(() => parsePlan(JSON.stringify({ ...plan, shards: [{ units: [], args: ['lake', 'rm'] }] }))).toThrow('not a gmp ingest');
    expect(nothingToFetch({ ...plan, shards: [] })).toBe('1 of 1 units complete in the lake: nothing to fetch, 0 API requests');
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
        reason: Object.assign(new Error('process "node" did not complete'), { stderr: 'progress...\ngmp: the RAWG monthly quota is spent\n' }),
      },
      { status: 'fulfilled', value: '{"endpoint":"genres"}\n' },
      { status: 'rejected', reason: new Error('connection refused\nmore detail') },
    ];
    expect(() => summarizeShards(shards, results)).toThrow(
      'ingest failed for games/updated/2026-11-30: gmp: the RAWG monthly quota is spent; tags/snapshot/2026-12-01 stores/snapshot/2026-12-01: connection refused',
    );
    expect(summarizeShards([shards[1]!], [results[1]!])).toBe('{"endpoint":"genres"}');
    expect(describeFailure('plain')).toBe('plain');
    expect(sandboxArgs(8080, { games: 500, seed: 7 })).toEqual(['sandbox', '--host', '0.0.0.0', '--port', '8080', '--games', '500', '--seed', '7']);
  });

  it('keeps the lake on a named cache volume when no lake URL is given', () => {
    expect(planRun({ hasApiKey: false }, noCredentials)).toEqual({
      sandbox: true,
      volume: 'gmp-lake',
      env: { RAWG_BASE_URL: 'http://sandbox:8080/sandbox/api', LAKE_URL: VOLUME_LAKE_URL },
    });
    expect(planRun({ hasApiKey: true }, { ...noCredentials, volume: 'gmp-lake-2' })).toEqual({
      sandbox: false,
      volume: 'gmp-lake-2',
      env: { LAKE_URL: 'file:///lake' },
    });
    expect(() => planRun({ hasApiKey: true }, { ...noCredentials, volume: 'Bad Name' })).toThrow('invalid with-lake --volume "Bad Name"');
    expect(() => planRun({ hasApiKey: true }, { hasAwsCredentials: true })).toThrow('with-aws credentials need with-lake --url');
  });

  it('uses the real API and the given lake when told to', () => {
    expect(planRun({ hasApiKey: true }, { url: 's3://market-lake/raw', region: 'eu-west-1', hasAwsCredentials: true })).toEqual({
      sandbox: false,
      env: { LAKE_URL: 's3://market-lake/raw', AWS_REGION: 'eu-west-1' },
    });
    expect(
      planRun({ hasApiKey: false, baseUrl: 'http://rawg.test:9/api' }, { url: 's3://lake', endpointUrl: 'http://minio.test:9000', ...noCredentials }),
    ).toEqual({
      sandbox: false,
      env: { RAWG_BASE_URL: 'http://rawg.test:9/api', LAKE_URL: 's3://lake', S3_ENDPOINT: 'http://minio.test:9000' },
    });
    // Steps that never call the API (transform) get no API settings at all.
    expect(planRun(undefined, { url: 's3://lake', ...noCredentials }).env).toEqual({ LAKE_URL: 's3://lake' });
  });

  it('refuses lakes a container cannot keep, and settings that do not go together', () => {
    expect(() => checkLakeUrl('file://./.lake')).toThrow('leave --url out for the lake on a cache volume');
    expect(checkLakeUrl('s3://market-lake/raw/')).toBe('s3://market-lake/raw');
    expect(() => planRun({ hasApiKey: true }, { endpointUrl: 'http://minio:9000', ...noCredentials })).toThrow('with-lake --endpoint-url needs --url');
    expect(() => planRun({ hasApiKey: true }, { url: 's3://lake', volume: 'v', ...noCredentials })).toThrow('--url or --volume, not both');
    expect(() => planRun({ hasApiKey: true, baseUrl: 'ftp://x' }, noCredentials)).toThrow('invalid with-api --base-url');
  });

  it('maps secrets to env names and never puts them in plain env', () => {
    const secret = (label: string) => ({ label });
    const bindings = secretBindings({ apiKey: secret('k'), awsSessionToken: secret('t'), snowflakePassword: secret('p'), awsAccessKeyId: undefined });
    expect(bindings).toEqual([
      ['RAWG_API_KEY', { label: 'k' }],
      ['AWS_SESSION_TOKEN', { label: 't' }],
      ['SNOWFLAKE_PASSWORD', { label: 'p' }],
    ]);
    const plain = {
      ...planRun({ hasApiKey: true }, { url: 's3://lake', hasAwsCredentials: true }).env,
      ...transformEnv(Target.prod, { account: 'acme' }, { snowflakeUser: true, snowflakePassword: true }),
    };
    for (const name of ['RAWG_API_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'SNOWFLAKE_USER', 'SNOWFLAKE_PASSWORD']) {
      expect(plain).not.toHaveProperty(name);
    }
  });

  it('checks the Snowflake settings before any container starts', () => {
    expect(() => transformEnv(Target.prod, {}, { snowflakeUser: false, snowflakePassword: true })).toThrow(
      'transform --target prod needs with-snowflake --account, --user',
    );
    expect(
      transformEnv(Target.prod, { account: 'acme-xy1', role: 'TRANSFORMER', database: 'MARKET' }, { snowflakeUser: true, snowflakePassword: true }),
    ).toEqual({
      SNOWFLAKE_ACCOUNT: 'acme-xy1',
      SNOWFLAKE_ROLE: 'TRANSFORMER',
      SNOWFLAKE_DATABASE: 'MARKET',
    });
    expect(transformEnv(Target.dev, {}, { snowflakeUser: false, snowflakePassword: false }).WAREHOUSE_PATH).toBe('/app/.warehouse/game_market.duckdb');
  });

  it('names the images the Fargate task definitions pull', () => {
    expect(imageRef('123456789012.dkr.ecr.eu-west-1.amazonaws.com/', 'ingest', 'v1.2.0')).toBe(
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/game-market-pipeline/ingest:v1.2.0',
    );
    expect(imageRef('localhost:5000', 'transform', 'sha-3f2a')).toBe('localhost:5000/game-market-pipeline/transform:sha-3f2a');
    expect(() => imageRef('https://ghcr.io', 'ingest', 'v1')).toThrow('without a scheme');
    expect(() => imageRef('ghcr.io/acme', 'ingest', '-bad')).toThrow('invalid --tag "-bad"');
  });
});
