/**
 * The Dagger module, checked without an engine (none runs on these machines): it type-checks
 * against the SDK pinned to its engineVersion, the SDK's own introspector sees the functions a
 * user calls, and its pure helpers turn arguments into the right commands, env and secrets.
 * What only a real engine can show (the containers actually running) is `dagger call test` in
 * the ci workflow.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  IMAGES,
  LOCAL_LAKE_URL,
  Mode,
  SOURCE_IGNORE,
  Target,
  checkDate,
  checkLakeUrl,
  describeFailure,
  findEndpoint,
  imageRef,
  ingestArgs,
  modeFor,
  parseEndpoints,
  parseMode,
  planIngestAll,
  planPipeline,
  planRun,
  sandboxArgs,
  secretBindings,
  summarizeIngests,
  transformEnv,
} from '../../dagger/src/commands.js';
import { moduleSourceFiles, scanModule, type ModuleFunction, type ModuleScan } from './introspect.js';

const root = resolve(import.meta.dirname, '../..');
const readJson = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8'));
const endpoints = parseEndpoints(readFileSync(join(root, 'config/endpoints.json'), 'utf8'));

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
  // there (importing vitest) or an npm import would break every `dagger call`.
  it('imports only the SDK, Node built-ins and its own files, and holds no tests', () => {
    const specifiers = moduleSourceFiles().flatMap((file) => {
      expect(file).not.toMatch(/\.test\.ts$/);
      return [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]);
    });
    expect(specifiers).toEqual(expect.arrayContaining(['@dagger.io/dagger', './commands.js']));
    for (const specifier of specifiers) expect(specifier).toMatch(/^(@dagger\.io\/dagger|node:[a-z_/]+|\.\/[a-z-]+\.js)$/);
  });

  it('pins every base image to an exact release', () => {
    for (const image of Object.values(IMAGES)) {
      expect(image).toMatch(/:(\d+\.\d+\.\d+(-[a-z]+)*|RELEASE\.\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z)$/);
    }
  });
});

describe('functions, as the engine would register them (SDK introspector, no engine)', () => {
  let functions: Record<string, ModuleFunction>;
  let scan: ModuleScan;
  beforeAll(async () => {
    scan = await scanModule();
    functions = scan.objects.GameMarketPipeline!.methods;
  });

  it('exposes exactly the functions a user types after dagger call', () => {
    expect(Object.keys(functions).sort()).toEqual(
      ['ingest', 'ingestAll', 'minio', 'pipeline', 'publish', 'sandbox', 'test', 'transform'].sort(),
    );
    expect(functions.minio!.returnType).toEqual({ kind: 'OBJECT_KIND', name: 'Service' });
    expect(functions.sandbox!.returnType).toEqual({ kind: 'OBJECT_KIND', name: 'Service' });
    expect(functions.pipeline!.returnType).toEqual({ kind: 'OBJECT_KIND', name: 'Directory' });
  });

  it('never caches the functions that call the API, read the lake or push images', () => {
    for (const name of ['ingest', 'ingestAll', 'transform', 'pipeline', 'publish']) expect(functions[name]!.cache).toBe('never');
  });

  it('loads the repository as a Directory from "/" without dependencies or data folders', () => {
    for (const fn of Object.values(functions)) {
      for (const arg of Object.values(fn.arguments).filter((a) => a.type?.name === 'Directory')) {
        expect(arg.defaultPath, `${fn.name}.${arg.name}`).toBe('/');
        expect(arg.ignore).toEqual(SOURCE_IGNORE);
      }
    }
    const ignored = SOURCE_IGNORE.join(' ');
    for (const folder of ['node_modules', '.lake', '.venv', '.warehouse', '.tools']) expect(ignored).toContain(folder);
  });

  it('reads config/endpoints.json as a File argument wherever it fans out', () => {
    for (const name of ['ingest', 'ingestAll', 'pipeline']) {
      expect(functions[name]!.arguments.config).toMatchObject({ type: { name: 'File' }, defaultPath: '/config/endpoints.json' });
    }
  });

  it('takes every credential as a Secret, never as a string', () => {
    const credential = /apikey|password|token|secret|accesskey|^rootuser$|^snowflakeuser$/i;
    let seen = 0;
    for (const fn of Object.values(functions)) {
      for (const arg of Object.values(fn.arguments).filter((a) => credential.test(a.name))) {
        expect(arg.type, `${fn.name}.${arg.name}`).toEqual({ kind: 'OBJECT_KIND', name: 'Secret' });
        seen += 1;
      }
    }
    expect(seen).toBeGreaterThanOrEqual(16);
  });

  it('offers the modes and targets as enums with the CLI spellings', () => {
    expect(Object.values(scan.enums.Mode!.values).map((v) => v.value)).toEqual(['snapshot', 'incremental', 'daily']);
    expect(Object.values(scan.enums.Target!.values).map((v) => v.value)).toEqual(['dev', 'prod']);
    expect(functions.ingest!.arguments.endpoint).toMatchObject({ isOptional: false, type: { kind: 'STRING_KIND' } });
    expect(functions.transform!.arguments.target).toMatchObject({ isOptional: false, type: { kind: 'ENUM_KIND', name: 'Target' } });
    expect(functions.publish!.arguments.platform!.defaultValue).toBe('linux/amd64');
  });
});

describe('arguments become commands', () => {
  it('reads the endpoints from config/endpoints.json', () => {
    expect(endpoints.map((e) => e.name)).toEqual(
      expect.arrayContaining(['games', 'genres', 'platforms', 'parent_platforms', 'stores', 'publishers', 'developers', 'tags']),
    );
    expect(findEndpoint(endpoints, 'games').incremental).toBe('updated');
    expect(() => findEndpoint(endpoints, 'gmes')).toThrow(/unknown endpoint "gmes": valid endpoints are games, genres/);
    expect(() => parseEndpoints('{"endpoints":[{"name":"Bad-Name"}]}')).toThrow('endpoints.0.name must match');
    expect(() => parseEndpoints('not json')).toThrow('not valid JSON');
  });

  it('plans daily as incremental where the endpoint has a window and snapshot elsewhere', () => {
    const daily = planIngestAll(endpoints, Mode.daily);
    expect(daily).toHaveLength(endpoints.length);
    expect(daily.find((t) => t.endpoint === 'games')).toEqual({ endpoint: 'games', mode: 'incremental' });
    expect(daily.filter((t) => t.mode === 'snapshot').map((t) => t.endpoint)).toEqual(
      endpoints.filter((e) => !e.incremental).map((e) => e.name),
    );
    expect(planIngestAll(endpoints, Mode.incremental)).toEqual([{ endpoint: 'games', mode: 'incremental' }]);
    expect(planIngestAll(endpoints, Mode.snapshot).every((t) => t.mode === 'snapshot')).toBe(true);
    expect(() => modeFor(findEndpoint(endpoints, 'genres'), Mode.incremental)).toThrow('has no incremental window');
  });

  it('plans the pipeline like gmp pipeline unless a mode is given', () => {
    const onSandbox = planPipeline(endpoints, undefined, true);
    expect(onSandbox.filter((t) => t.mode === 'snapshot')).toHaveLength(endpoints.length);
    expect(onSandbox.filter((t) => t.mode === 'incremental').map((t) => t.endpoint)).toEqual(['games']);
    expect(planPipeline(endpoints, undefined, false)).toEqual(planIngestAll(endpoints, Mode.daily));
    expect(planPipeline(endpoints, Mode.snapshot, true)).toEqual(planIngestAll(endpoints, Mode.snapshot));
  });

  it('builds the gmp ingest command line', () => {
    expect(ingestArgs({ endpoint: 'games', mode: Mode.incremental }, '2026-11-25')).toEqual([
      'ingest', '--endpoint', 'games', '--mode', 'incremental', '--date', '2026-11-25', '--json',
    ]);
    expect(ingestArgs({ endpoint: 'genres', mode: Mode.snapshot })).toEqual(['ingest', '--endpoint', 'genres', '--mode', 'snapshot', '--json']);
    expect(() => ingestArgs({ endpoint: 'games', mode: Mode.snapshot }, '2026-02-30')).toThrow('invalid date "2026-02-30"');
    expect(checkDate('2024-02-29')).toBe('2024-02-29');
    expect(sandboxArgs(8080, { games: 500, seed: 7 })).toEqual(['sandbox', '--host', '0.0.0.0', '--port', '8080', '--games', '500', '--seed', '7']);
  });

  it('accepts enum values however the engine spells them', () => {
    expect(parseMode('DAILY')).toBe(Mode.daily);
    expect(() => parseMode('weekly')).toThrow('unknown mode "weekly"');
  });

  it('binds the sandbox and a MinIO when no API key and no lake are given', () => {
    expect(planRun({ hasApiKey: false }, {})).toEqual({
      sandbox: true,
      minio: true,
      env: { RAWG_BASE_URL: 'http://sandbox:8080/api', LAKE_URL: LOCAL_LAKE_URL, S3_ENDPOINT: 'http://minio:9000', AWS_REGION: 'us-east-1' },
    });
  });

  it('uses the real API and the given lake when told to', () => {
    const plan = planRun({ hasApiKey: true }, { lakeUrl: 's3://market-lake/raw', awsRegion: 'eu-west-1' });
    expect(plan).toEqual({ sandbox: false, minio: false, env: { LAKE_URL: 's3://market-lake/raw', AWS_REGION: 'eu-west-1' } });
    expect(planRun({ hasApiKey: false, baseUrl: 'http://rawg.test:9/api' }, { lakeUrl: 's3://lake', s3Endpoint: 'http://minio.test:9000' })).toEqual({
      sandbox: false,
      minio: false,
      env: { RAWG_BASE_URL: 'http://rawg.test:9/api', LAKE_URL: 's3://lake', S3_ENDPOINT: 'http://minio.test:9000' },
    });
    // Steps that never call the API (transform) get no API settings at all.
    expect(planRun(undefined, { lakeUrl: 's3://lake' }).env).toEqual({ LAKE_URL: 's3://lake' });
  });

  it('refuses lakes a container cannot keep, and half-given settings', () => {
    expect(() => checkLakeUrl('file://./.lake')).toThrow('a file:// lake would vanish with the container');
    expect(checkLakeUrl('s3://market-lake/raw/')).toBe('s3://market-lake/raw');
    expect(() => planRun({ hasApiKey: true }, { s3Endpoint: 'http://minio:9000' })).toThrow('--s3-endpoint needs --lake-url');
    expect(() => planRun({ hasApiKey: true, baseUrl: 'ftp://x' }, {})).toThrow('invalid --base-url');
  });

  it('maps secrets to env names and never puts them in plain env', () => {
    const secret = (label: string) => ({ label });
    const bindings = secretBindings({ apiKey: secret('k'), awsSessionToken: secret('t'), snowflakePassword: secret('p') });
    expect(bindings).toEqual([
      ['RAWG_API_KEY', { label: 'k' }],
      ['AWS_SESSION_TOKEN', { label: 't' }],
      ['SNOWFLAKE_PASSWORD', { label: 'p' }],
    ]);
    const plain = { ...planRun({ hasApiKey: true }, { lakeUrl: 's3://lake' }).env, ...transformEnv(Target.prod, { account: 'acme' }, { snowflakeUser: true, snowflakePassword: true }) };
    for (const name of ['RAWG_API_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'SNOWFLAKE_USER', 'SNOWFLAKE_PASSWORD']) {
      expect(plain).not.toHaveProperty(name);
    }
  });

  it('checks the Snowflake settings before any container starts', () => {
    expect(() => transformEnv(Target.prod, {}, { snowflakeUser: false, snowflakePassword: true })).toThrow(
      'transform --target prod needs --snowflake-account, --snowflake-user',
    );
    expect(transformEnv(Target.prod, { account: 'acme-xy1', role: 'TRANSFORMER', database: 'MARKET' }, { snowflakeUser: true, snowflakePassword: true })).toEqual({
      DBT_PROFILES_DIR: '/app/dbt',
      DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
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

  it('reports every failed endpoint of a parallel ingest in one line, in the CLI own words', () => {
    const tasks = [
      { endpoint: 'games', mode: Mode.incremental },
      { endpoint: 'genres', mode: Mode.snapshot },
      { endpoint: 'tags', mode: Mode.snapshot },
    ] as const;
    const results: PromiseSettledResult<string>[] = [
      { status: 'rejected', reason: Object.assign(new Error('process "node" did not complete'), { stderr: 'progress...\ngmp: the RAWG monthly quota is spent\n' }) },
      { status: 'fulfilled', value: '{"endpoint":"genres"}\n' },
      { status: 'rejected', reason: new Error('connection refused\nmore detail') },
    ];
    expect(() => summarizeIngests([...tasks], results)).toThrow(
      'ingest failed for games incremental: gmp: the RAWG monthly quota is spent; tags snapshot: connection refused',
    );
    expect(summarizeIngests([tasks[1]], [results[1]!])).toBe('{"endpoint":"genres"}');
    expect(describeFailure('plain')).toBe('plain');
  });
});
