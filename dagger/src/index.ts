/**
 * Runs game-market-pipeline in containers: ingest, transform, the whole pipeline, the tests, and
 * the images that run on Fargate.
 *
 * Glue only. Every step is the project's own CLI (`node /app/dist/cli.js`) or dbt inside a
 * container; how arguments become commands, env and secrets lives in commands.ts.
 */
import { randomUUID } from 'node:crypto';
import {
  argument,
  Container,
  dag,
  Directory,
  File,
  func,
  object,
  Platform,
  Secret,
  Service,
} from '@dagger.io/dagger';
import {
  APP_DIR,
  CLI,
  DBT_DIR,
  DUCKDB_EXTENSION_DIR,
  IMAGE_EXCLUDE,
  IMAGES,
  MINIO,
  MINIO_DEFAULT_CREDENTIALS,
  Mode,
  REPORT_ARGS,
  REPORT_FILE,
  SANDBOX,
  SANDBOX_API_KEY,
  SOURCE_IGNORE,
  Target,
  WAREHOUSE_FILE,
  checkDate,
  dbtBuildArgs,
  findEndpoint,
  imageRef,
  ingestArgs,
  modeFor,
  parseEndpoints,
  parseMode,
  parseTarget,
  planIngestAll,
  planPipeline,
  planRun,
  registryHost,
  sandboxArgs,
  secretBindings,
  summarizeIngests,
  transformEnv,
  type ApiSettings,
  type IngestTask,
  type LakeSettings,
  type RunPlan,
  type SecretName,
} from './commands.js';

/** A run's containers share these: env from planRun, secrets, and the services it asked for. */
interface Run {
  plan: RunPlan;
  secrets: Partial<Record<SecretName, Secret>>;
  services: Array<[string, Service]>;
}

@object()
export class GameMarketPipeline {
  /**
   * Ingest one endpoint into the lake and print the run's JSON summary. Never cached: a cached
   * ingest would silently skip the API. With no --api-key and no --base-url it reads the
   * project's sandbox API; with no --lake-url it writes to a throwaway MinIO that lives as long
   * as the call.
   */
  @func({ cache: 'never' })
  async ingest(
    /** An endpoint name from config/endpoints.json, e.g. games. */
    endpoint: string,
    @argument({ defaultPath: '/', ignore: SOURCE_IGNORE }) source: Directory,
    @argument({ defaultPath: '/config/endpoints.json' }) config: File,
    /** snapshot, incremental (the updated= window), or daily (incremental where supported). */
    mode: Mode = Mode.snapshot,
    /** Logical date YYYY-MM-DD (the snapshot's day or the updated window's day); the CLI's default otherwise. */
    date?: string,
    /** RAWG API key, e.g. env://RAWG_API_KEY. */
    apiKey?: Secret,
    /** A RAWG-compatible API instead of the real one. */
    baseUrl?: string,
    /** s3://bucket/prefix of the lake. */
    lakeUrl?: string,
    /** S3-compatible endpoint (MinIO), e.g. http://minio.example:9000; AWS S3 when left out. */
    s3Endpoint?: string,
    awsRegion?: string,
    awsAccessKeyId?: Secret,
    awsSecretAccessKey?: Secret,
    awsSessionToken?: Secret,
  ): Promise<string> {
    const entry = findEndpoint(parseEndpoints(await config.contents()), endpoint);
    const args = ingestArgs({ endpoint, mode: modeFor(entry, parseMode(mode)) }, date);
    const run = await this.startRun(
      source,
      { hasApiKey: apiKey !== undefined, baseUrl },
      { lakeUrl, s3Endpoint, awsRegion },
      { apiKey, awsAccessKeyId, awsSecretAccessKey, awsSessionToken },
    );
    const runner = this.lakeReady(this.runner(source, config, run), run);
    return runner.withExec([...CLI, ...args]).stdout();
  }

  /**
   * Ingest every endpoint of config/endpoints.json, in parallel (one container each), and print
   * one JSON summary line per endpoint. Same defaults as ingest.
   */
  @func({ cache: 'never' })
  async ingestAll(
    @argument({ defaultPath: '/', ignore: SOURCE_IGNORE }) source: Directory,
    @argument({ defaultPath: '/config/endpoints.json' }) config: File,
    /** snapshot (every endpoint), incremental (endpoints with a window), daily (both kinds). */
    mode: Mode = Mode.snapshot,
    date?: string,
    apiKey?: Secret,
    baseUrl?: string,
    lakeUrl?: string,
    s3Endpoint?: string,
    awsRegion?: string,
    awsAccessKeyId?: Secret,
    awsSecretAccessKey?: Secret,
    awsSessionToken?: Secret,
  ): Promise<string> {
    const tasks = planIngestAll(parseEndpoints(await config.contents()), parseMode(mode));
    if (date !== undefined) checkDate(date);
    const run = await this.startRun(
      source,
      { hasApiKey: apiKey !== undefined, baseUrl },
      { lakeUrl, s3Endpoint, awsRegion },
      { apiKey, awsAccessKeyId, awsSecretAccessKey, awsSessionToken },
    );
    return this.ingestTasks(this.lakeReady(this.runner(source, config, run), run), tasks, date);
  }

  /**
   * Run dbt build for a target and print dbt's log. prod: Snowflake, over the external tables
   * on the lake. dev: DuckDB reading the lake given by --lake-url (the DuckDB file itself comes
   * out of dagger call pipeline).
   */
  @func({ cache: 'never' })
  async transform(
    /** dev (DuckDB) or prod (Snowflake). */
    target: Target,
    @argument({ defaultPath: '/', ignore: SOURCE_IGNORE }) source: Directory,
    snowflakeAccount?: string,
    snowflakeUser?: Secret,
    snowflakePassword?: Secret,
    snowflakeRole?: string,
    snowflakeWarehouse?: string,
    snowflakeDatabase?: string,
    /** s3://bucket/prefix of the lake dev reads. */
    lakeUrl?: string,
    s3Endpoint?: string,
    awsRegion?: string,
    awsAccessKeyId?: Secret,
    awsSecretAccessKey?: Secret,
    awsSessionToken?: Secret,
  ): Promise<string> {
    const chosen = parseTarget(target);
    const env = transformEnv(
      chosen,
      { account: snowflakeAccount, role: snowflakeRole, warehouse: snowflakeWarehouse, database: snowflakeDatabase },
      { snowflakeUser: snowflakeUser !== undefined, snowflakePassword: snowflakePassword !== undefined },
    );
    let ctr = this.transformImage(source);
    if (chosen === Target.dev) {
      if (lakeUrl === undefined) {
        throw new Error('transform --target dev reads a lake: give --lake-url (or run dagger call pipeline)');
      }
      const run = await this.startRun(
        source,
        undefined,
        { lakeUrl, s3Endpoint, awsRegion },
        { awsAccessKeyId, awsSecretAccessKey, awsSessionToken },
      );
      ctr = this.withRun(ctr, run);
    } else {
      ctr = this.withSecrets(ctr, { snowflakeUser, snowflakePassword });
    }
    return this.dbtBuild(ctr, chosen, env).stdout();
  }

  /**
   * The whole pipeline: ingest-all, then dbt on DuckDB (dev), then the HTML report. Returns a
   * directory with .warehouse/game_market.duckdb and reports/market-report.html, e.g.
   * `dagger call pipeline export --path .`. With no API key and no lake given it binds the
   * project's sandbox API and a MinIO, so it runs anywhere Docker does, with no configuration.
   */
  @func({ cache: 'never' })
  async pipeline(
    @argument({ defaultPath: '/', ignore: SOURCE_IGNORE }) source: Directory,
    @argument({ defaultPath: '/config/endpoints.json' }) config: File,
    /** Default as gmp pipeline: sandbox, snapshots plus incremental windows; real API, daily. */
    mode?: Mode,
    date?: string,
    apiKey?: Secret,
    baseUrl?: string,
    lakeUrl?: string,
    s3Endpoint?: string,
    awsRegion?: string,
    awsAccessKeyId?: Secret,
    awsSecretAccessKey?: Secret,
    awsSessionToken?: Secret,
  ): Promise<Directory> {
    const endpoints = parseEndpoints(await config.contents());
    const chosen = mode === undefined ? undefined : parseMode(mode);
    if (date !== undefined) checkDate(date);
    const run = await this.startRun(
      source,
      { hasApiKey: apiKey !== undefined, baseUrl },
      { lakeUrl, s3Endpoint, awsRegion },
      { apiKey, awsAccessKeyId, awsSecretAccessKey, awsSessionToken },
    );
    const runner = this.runner(source, config, run);
    await this.ingestTasks(this.lakeReady(runner, run), planPipeline(endpoints, chosen, run.plan.sandbox), date);

    const devEnv = transformEnv(Target.dev, {}, { snowflakeUser: false, snowflakePassword: false });
    const warehouse = this.dbtBuild(this.withRun(this.transformImage(source), run), Target.dev, devEnv).file(
      `${APP_DIR}/${WAREHOUSE_FILE}`,
    );
    const report = runner
      .withFile(`${APP_DIR}/${WAREHOUSE_FILE}`, warehouse)
      .withEnvVariable('WAREHOUSE_PATH', `${APP_DIR}/${WAREHOUSE_FILE}`)
      .withExec([...CLI, ...REPORT_ARGS])
      .file(`${APP_DIR}/${REPORT_FILE}`);
    const results = dag.directory().withFile(WAREHOUSE_FILE, warehouse).withFile(REPORT_FILE, report);
    // Built now, while this call's MinIO still holds the lake: evaluated after returning, dbt
    // could meet a restarted, empty MinIO.
    return results.sync();
  }

  /**
   * A MinIO server (S3 API on port 9000, no persistence), e.g. `dagger call minio up --ports
   * 9000:9000`. Its root account is MinIO's default unless given.
   */
  @func()
  minio(rootUser?: Secret, rootPassword?: Secret): Service {
    let ctr = dag.container().from(IMAGES.minio).withExposedPort(MINIO.port);
    if (rootUser) ctr = ctr.withSecretVariable('MINIO_ROOT_USER', rootUser);
    if (rootPassword) ctr = ctr.withSecretVariable('MINIO_ROOT_PASSWORD', rootPassword);
    return ctr.asService({ args: ['minio', 'server', '/data', '--address', `:${MINIO.port}`] });
  }

  /**
   * The project's RAWG-compatible sandbox API on port 8080 (base URL /api), e.g. `dagger call
   * sandbox up --ports 8080:8080`.
   */
  @func()
  sandbox(
    @argument({ defaultPath: '/', ignore: SOURCE_IGNORE }) source: Directory,
    /** Size of the synthetic catalogue. */
    games?: number,
    /** Seed of the synthetic catalogue. */
    seed?: number,
  ): Service {
    return this.ingestImage(source)
      .withExposedPort(SANDBOX.port)
      .asService({ args: [...CLI, ...sandboxArgs(SANDBOX.port, { games, seed })] });
  }

  /**
   * Run the project's test command (make test) in a container with Node 20, Python 3.11, Go and
   * Chromium, and print its output.
   */
  @func()
  async test(@argument({ defaultPath: '/', ignore: SOURCE_IGNORE }) source: Directory): Promise<string> {
    return this.toolbox(source).withExec(['make', 'test']).stdout();
  }

  /**
   * Build and push the images the Fargate tasks run: <registry>/game-market-pipeline/ingest:<tag>
   * (entrypoint gmp) and <registry>/game-market-pipeline/transform:<tag> (entrypoint dbt, workdir
   * /app/dbt). Prints both references with their digests. For ECR: --registry-username AWS
   * --registry-password cmd://"aws ecr get-login-password".
   */
  @func({ cache: 'never' })
  async publish(
    /** host[:port][/namespace], e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com */
    registry: string,
    tag: string,
    @argument({ defaultPath: '/', ignore: SOURCE_IGNORE }) source: Directory,
    registryUsername?: string,
    registryPassword?: Secret,
    /** Fargate runs linux/amd64 unless the task definition says ARM64. */
    platform: string = 'linux/amd64',
  ): Promise<string> {
    const refs = [imageRef(registry, 'ingest', tag), imageRef(registry, 'transform', tag)] as const;
    if ((registryUsername === undefined) !== (registryPassword === undefined)) {
      throw new Error('give --registry-username and --registry-password together (or neither, for a registry the engine is logged in to)');
    }
    const auth = (ctr: Container) =>
      registryPassword ? ctr.withRegistryAuth(registryHost(registry), registryUsername!, registryPassword) : ctr;
    const target = platform as Platform;
    const published = await Promise.all([
      auth(this.ingestImage(source, target)).publish(refs[0]),
      auth(this.transformImage(source, target)).publish(refs[1]),
    ]);
    return published.join('\n');
  }

  /** The CLI on Node: dependencies, build, then production dependencies only. */
  private ingestImage(source: Directory, platform?: Platform): Container {
    return dag
      .container(platform ? { platform } : {})
      .from(IMAGES.node)
      .withMountedCache('/root/.npm', dag.cacheVolume('game-market-npm'))
      .withWorkdir(APP_DIR)
      .withFile('package.json', source.file('package.json'))
      .withFile('package-lock.json', source.file('package-lock.json'))
      .withExec(['npm', 'ci', '--no-audit', '--no-fund'])
      .withDirectory(APP_DIR, source, { exclude: IMAGE_EXCLUDE })
      .withExec(['npx', 'tsc', '-p', 'tsconfig.build.json'])
      .withExec(['npm', 'prune', '--omit=dev', '--no-audit', '--no-fund'])
      .withEntrypoint(CLI)
      .withDefaultArgs(['--help']);
  }

  /** dbt-core with the DuckDB and Snowflake adapters, from dbt/requirements.txt, pinned by its constraints. */
  private transformImage(source: Directory, platform?: Platform): Container {
    return dag
      .container(platform ? { platform } : {})
      .from(IMAGES.python)
      .withEnvVariable('PIP_DISABLE_PIP_VERSION_CHECK', '1')
      .withMountedCache('/root/.cache/pip', dag.cacheVolume('game-market-pip'))
      .withFile('/tmp/requirements.txt', source.file('dbt/requirements.txt'))
      .withFile('/tmp/constraints.txt', source.file('dbt/constraints.txt'))
      .withExec(['pip', 'install', '-r', '/tmp/requirements.txt', '-c', '/tmp/constraints.txt'])
      .withDirectory(DBT_DIR, source.directory('dbt'), { exclude: ['target', 'logs', 'dbt_packages'] })
      .withDirectory(`${APP_DIR}/config`, source.directory('config'))
      // httpfs (dev reading an S3 lake) from its PyPI package: DuckDB never downloads it at run time.
      .withExec(['python', `${DBT_DIR}/scripts/install_httpfs.py`, DUCKDB_EXTENSION_DIR])
      .withEnvVariable('DUCKDB_EXTENSION_DIRECTORY', DUCKDB_EXTENSION_DIR)
      .withWorkdir(DBT_DIR)
      .withEnvVariable('DBT_PROFILES_DIR', DBT_DIR)
      .withEnvVariable('DBT_SEND_ANONYMOUS_USAGE_STATS', 'false')
      .withEntrypoint(['dbt'])
      .withDefaultArgs(['--help']);
  }

  /** Node 20 (image), Python 3.11 and Chromium (Debian bookworm), Go (copied from its image). */
  private toolbox(source: Directory): Container {
    const go = dag.container().from(IMAGES.go).directory('/usr/local/go');
    return dag
      .container()
      .from(IMAGES.nodeToolbox)
      .withExec(['apt-get', 'update'])
      .withExec([
        'apt-get', 'install', '-y', '--no-install-recommends',
        'python3', 'python3-venv', 'python3-pip', 'python3-dev', 'chromium', 'shellcheck',
      ])
      .withDirectory('/usr/local/go', go)
      .withEnvVariable('PATH', '/usr/local/go/bin:/root/go/bin:${PATH}', { expand: true })
      .withMountedCache('/root/.npm', dag.cacheVolume('game-market-npm'))
      .withMountedCache('/root/.cache/pip', dag.cacheVolume('game-market-pip'))
      .withMountedCache('/root/.cache/go-build', dag.cacheVolume('game-market-go-build'))
      .withMountedCache('/root/go/pkg/mod', dag.cacheVolume('game-market-go-mod'))
      .withDirectory('/src', source)
      .withWorkdir('/src');
  }

  /**
   * Starts the services a run needs and keeps them up for the whole call, so the MinIO that the
   * ingests fill is the one dbt then reads (a service that is only bound could be restarted,
   * empty, between steps).
   */
  private async startRun(
    source: Directory,
    api: ApiSettings | undefined,
    lake: LakeSettings,
    secrets: Partial<Record<SecretName, Secret>>,
  ): Promise<Run> {
    const plan = planRun(api, lake);
    const services: Array<[string, Service]> = [];
    const given = { ...secrets };
    if (plan.minio) {
      if (secrets.awsAccessKeyId || secrets.awsSecretAccessKey || secrets.awsSessionToken) {
        throw new Error('--aws-* credentials need --lake-url (without it the lake is a throwaway MinIO)');
      }
      services.push([MINIO.host, await this.minio().start()]);
      given.awsAccessKeyId = dag.setSecret('game-market-minio-user', MINIO_DEFAULT_CREDENTIALS.accessKeyId);
      given.awsSecretAccessKey = dag.setSecret('game-market-minio-password', MINIO_DEFAULT_CREDENTIALS.secretAccessKey);
    }
    if (plan.sandbox) {
      services.push([SANDBOX.host, await this.sandbox(source).start()]);
      given.apiKey = dag.setSecret('game-market-sandbox-key', SANDBOX_API_KEY);
    }
    return { plan, secrets: given, services };
  }

  /** Env, secrets and service bindings of a run, plus a fresh value that keeps the steps out of the layer cache. */
  private withRun(ctr: Container, run: Run): Container {
    let out = ctr;
    for (const [name, value] of Object.entries(run.plan.env)) out = out.withEnvVariable(name, value);
    for (const [host, service] of run.services) out = out.withServiceBinding(host, service);
    // Every call reads the API or the lake as they are now: a cached result would be stale.
    return this.withSecrets(out, run.secrets).withEnvVariable('GMP_RUN_NONCE', randomUUID());
  }

  private withSecrets(ctr: Container, secrets: Partial<Record<SecretName, Secret>>): Container {
    return secretBindings(secrets).reduce((out, [name, secret]) => out.withSecretVariable(name, secret), ctr);
  }

  /** The ingest image with the run wired in and the given config in place of the committed one. */
  private runner(source: Directory, config: File, run: Run): Container {
    return this.withRun(this.ingestImage(source), run).withFile(`${APP_DIR}/config/endpoints.json`, config);
  }

  /** The throwaway MinIO starts empty: create the bucket once, before any ingest. */
  private lakeReady(runner: Container, run: Run): Container {
    return run.plan.minio ? runner.withExec([...CLI, 'lake', 'init']) : runner;
  }

  private async ingestTasks(runner: Container, tasks: IngestTask[], date?: string): Promise<string> {
    const results = await Promise.allSettled(tasks.map((task) => runner.withExec([...CLI, ...ingestArgs(task, date)]).stdout()));
    return summarizeIngests(tasks, results);
  }

  private dbtBuild(ctr: Container, target: Target, env: Record<string, string>): Container {
    const withEnv = Object.entries(env).reduce((out, [name, value]) => out.withEnvVariable(name, value), ctr);
    return withEnv.withExec(['mkdir', '-p', `${APP_DIR}/.warehouse`]).withExec(['dbt', ...dbtBuildArgs(target)]);
  }
}
