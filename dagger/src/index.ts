/**
 * Runs game-market-pipeline in containers: ingest, transform, the whole pipeline, the tests, and
 * the images that run on Fargate.
 *
 * Glue only. Every step is the project's own CLI (`/app/bin/gmp.js`) inside a container;
 * what an ingest fetches is what `gmp plan --json` says; how settings become commands, env and
 * secrets lives in commands.ts.
 */
import { randomUUID } from 'node:crypto';
import { argument, check, Container, dag, Directory, File, func, object, Platform, Secret, Service } from '@dagger.io/dagger';
import {
  APP_DIR,
  CLI,
  COMPACT_ARGS,
  IMAGE_EXCLUDE,
  IMAGES,
  LAKE_MOUNT,
  Mode,
  REPORT_ARGS,
  REPORT_FILE,
  SANDBOX,
  SANDBOX_API_KEY,
  SETUP_ARGS,
  SOURCE_IGNORE,
  Target,
  WAREHOUSE_FILE,
  imageRef,
  nothingToFetch,
  parsePlan,
  planArgs,
  planRun,
  registryHost,
  sandboxArgs,
  secretBindings,
  summarizeShards,
  transformArgs,
  transformEnv,
  type Plan,
  type RunPlan,
  type SecretName,
  type Selection,
} from './commands.js';

/** A run's containers share these: env and lake volume from planRun, secrets, services. */
interface Run {
  plan: RunPlan;
  secrets: Partial<Record<SecretName, Secret>>;
  services: Array<[string, Service]>;
}

/** The lake volume the rerun check fills and empties, apart from the user's own. */
const CHECK_LAKE_VOLUME = 'gmp-lake-check';

@object()
export class GameMarketPipeline {
  source: Directory;
  config: File;
  apiKey?: Secret;
  baseUrl?: string;
  lakeUrl?: string;
  lakeEndpointUrl?: string;
  lakeVolume?: string;
  awsRegion?: string;
  awsAccessKeyId?: Secret;
  awsSecretAccessKey?: Secret;
  awsSessionToken?: Secret;
  snowflakeAccount?: string;
  snowflakeUser?: Secret;
  snowflakePassword?: Secret;
  snowflakeRole?: string;
  snowflakeWarehouse?: string;
  snowflakeDatabase?: string;

  constructor(
    /** The repository, without dependencies, data and build output. */
    @argument({ defaultPath: '/', ignore: SOURCE_IGNORE }) source: Directory,
    /** The endpoints to ingest; the committed config/endpoints.json unless given. */
    @argument({ defaultPath: '/config/endpoints.json' }) config: File,
  ) {
    this.source = source;
    this.config = config;
  }

  /**
   * The RAWG API to read. With neither setting the project's sandbox API answers, started for
   * the call.
   */
  @func()
  withApi(
    /** RAWG API key, e.g. env://RAWG_API_KEY. */
    apiKey?: Secret,
    /** A RAWG-compatible API instead of the real one, e.g. http://rawg.example:8080/api. */
    baseUrl?: string,
  ): GameMarketPipeline {
    this.apiKey = apiKey;
    this.baseUrl = baseUrl;
    return this;
  }

  /**
   * Where the lake lives. Without --url it is a directory on the cache volume gmp-lake (or
   * --volume), kept by the engine between calls, so a rerun fetches only what is missing.
   */
  @func()
  withLake(
    /** s3://bucket/prefix of a lake on S3. */
    url?: string,
    /** An S3-compatible server for --url (MinIO), e.g. http://minio.example:9000; AWS S3 when left out. */
    endpointUrl?: string,
    /** Another cache volume for the lake: a fresh name starts from an empty lake. */
    volume?: string,
  ): GameMarketPipeline {
    this.lakeUrl = url;
    this.lakeEndpointUrl = endpointUrl;
    this.lakeVolume = volume;
    return this;
  }

  /** AWS settings for a lake on S3, e.g. --access-key-id env://AWS_ACCESS_KEY_ID. */
  @func()
  withAws(region?: string, accessKeyId?: Secret, secretAccessKey?: Secret, sessionToken?: Secret): GameMarketPipeline {
    this.awsRegion = region;
    this.awsAccessKeyId = accessKeyId;
    this.awsSecretAccessKey = secretAccessKey;
    this.awsSessionToken = sessionToken;
    return this;
  }

  /** The Snowflake account that transform --target prod builds. */
  @func()
  withSnowflake(account: string, user: Secret, password: Secret, role?: string, warehouse?: string, database?: string): GameMarketPipeline {
    this.snowflakeAccount = account;
    this.snowflakeUser = user;
    this.snowflakePassword = password;
    this.snowflakeRole = role;
    this.snowflakeWarehouse = warehouse;
    this.snowflakeDatabase = database;
    return this;
  }

  /**
   * What an ingest with these arguments would fetch and spend, as `gmp plan --json` prints it:
   * units, their state in the lake, the month's budget, and the shards.
   */
  @func({ cache: 'never' })
  async plan(
    /** Endpoints of config/endpoints.json; every one when left out. */
    endpoint?: string[],
    /** snapshot (resumes the open one), updated (the games changed on each day) or daily; snapshot when left out. */
    mode?: Mode,
    /** Logical date YYYY-MM-DD. */
    date?: string,
    /** First day of a range of `updated` days. */
    from?: string,
    /** Last day of a range of `updated` days. */
    to?: string,
    /** Containers the work is cut into. */
    shards: number = 1,
    /** Pages the run may fetch; the month's budget caps it in any case. */
    maxPages?: number,
  ): Promise<string> {
    const run = await this.startRun(true);
    return this.runner(run)
      .withExec([...CLI, ...planArgs({ endpoints: endpoint, mode, date, from, to, maxPages }, shards)])
      .stdout();
  }

  /**
   * Ingest into the lake and print each shard's JSON summary. `gmp plan` decides the work; its
   * shards run in parallel, one container each. Never cached: a cached ingest would silently
   * skip the API; units already complete in the lake cost nothing.
   */
  @func({ cache: 'never' })
  async ingest(
    /** Endpoints of config/endpoints.json; every one when left out. */
    endpoint?: string[],
    /** snapshot (resumes the open one), updated (the games changed on each day) or daily; snapshot when left out. */
    mode?: Mode,
    /** Logical date YYYY-MM-DD. */
    date?: string,
    /** First day of a range of `updated` days. */
    from?: string,
    /** Last day of a range of `updated` days. */
    to?: string,
    /** Containers the work is cut into. */
    shards: number = 1,
    /** Pages the run may fetch; the month's budget caps it in any case. */
    maxPages?: number,
  ): Promise<string> {
    const run = await this.startRun(true);
    return (await this.ingestPlanned(run, { endpoints: endpoint, mode, date, from, to, maxPages }, shards)).output;
  }

  /**
   * Compacts the lake's closed partitions to Parquet (`gmp compact --json`), which transform then
   * reads instead of their JSON pages. Never cached; what is compacted already costs nothing.
   */
  @func({ cache: 'never' })
  async compact(): Promise<string> {
    return this.compactLake(await this.startRun(false));
  }

  /**
   * `gmp transform`: dbt over the lake's closed partitions. prod: Snowflake (with-snowflake), over
   * the external tables on the lake. dev: DuckDB on the lake; the DuckDB file itself comes out of
   * run-pipeline.
   */
  @func({ cache: 'never' })
  async transform(
    /** dev (DuckDB) or prod (Snowflake). */
    target: Target,
  ): Promise<string> {
    const env = transformEnv(
      target,
      { account: this.snowflakeAccount, role: this.snowflakeRole, warehouse: this.snowflakeWarehouse, database: this.snowflakeDatabase },
      { snowflakeUser: this.snowflakeUser !== undefined, snowflakePassword: this.snowflakePassword !== undefined },
    );
    let ctr = this.transformer(await this.startRun(false), env);
    if (target === Target.prod) ctr = this.withSecrets(ctr, { snowflakeUser: this.snowflakeUser, snowflakePassword: this.snowflakePassword });
    return ctr.withExec([...CLI, ...transformArgs(target)]).stdout();
  }

  /**
   * The whole pipeline: ingest (as ingest), compact, dbt on DuckDB over the lake, then the HTML
   * report. Returns .warehouse/game_market.duckdb and reports/market-report.html, e.g.
   * `dagger call run-pipeline export --path .`. With no settings it reads the sandbox API into
   * the lake volume, so it runs anywhere an engine does and a rerun reuses what is there.
   */
  @func({ cache: 'never' })
  async runPipeline(
    /** Endpoints of config/endpoints.json; every one when left out. */
    endpoint?: string[],
    /** As ingest: the CLI's default (snapshot) when left out. */
    mode?: Mode,
    date?: string,
    shards: number = 1,
    maxPages?: number,
  ): Promise<Directory> {
    const run = await this.startRun(true);
    await this.ingestPlanned(run, { endpoints: endpoint, mode, date, maxPages }, shards);
    await this.compactLake(run);
    const built = this.transformer(run, transformEnv(Target.dev, {}, { snowflakeUser: false, snowflakePassword: false }))
      .withExec([...CLI, ...transformArgs(Target.dev)])
      .withExec([...CLI, ...REPORT_ARGS]);
    return dag
      .directory()
      .withFile(WAREHOUSE_FILE, built.file(`${APP_DIR}/${WAREHOUSE_FILE}`))
      .withFile(REPORT_FILE, built.file(`${APP_DIR}/${REPORT_FILE}`));
  }

  /**
   * The lake volume's contents as they are now, e.g. `dagger call lake export --path .lake`
   * (then gmp transform reads it on the host).
   */
  @func({ cache: 'never' })
  lake(): Directory {
    return this.lakeShell()
      .withExec(['cp', '-a', `${LAKE_MOUNT}/.`, '/export'])
      .directory('/export')
      .withoutDirectory('.staging');
  }

  /** Empties the lake volume: the next ingest starts from nothing. */
  @func({ cache: 'never' })
  async emptyLake(): Promise<string> {
    await this.lakeShell().withExec(['find', LAKE_MOUNT, '-mindepth', '1', '-delete']).sync();
    return `emptied the lake volume ${this.volumeName()}`;
  }

  /** The image the Fargate ingest task runs (entrypoint gmp), e.g. `dagger call ingest-image terminal`. */
  @func()
  ingestImage(): Container {
    return this.buildIngestImage();
  }

  /**
   * The image the Fargate transform task runs: the ingest image (entrypoint gmp) with Python and
   * the project's dbt venv made at build time; the task runs `transform --target prod`.
   */
  @func()
  transformImage(): Container {
    return this.buildTransformImage();
  }

  /**
   * The project's RAWG-compatible sandbox API on port 8080 (base URL /api), e.g. `dagger call
   * sandbox up --ports 8080:8080`.
   */
  @func()
  sandbox(
    /** How many games the synthetic catalogue holds. */
    games?: number,
    /** Seed of the synthetic catalogue. */
    seed?: number,
  ): Service {
    return this.ingestImage()
      .withExposedPort(SANDBOX.port)
      .asService({ args: [...CLI, ...sandboxArgs(SANDBOX.port, { games, seed })] });
  }

  /** The project's tests (make test) in a container with Node 20, Python 3.11, Go and Chromium. */
  @func()
  @check()
  async test(): Promise<void> {
    await this.toolbox().withExec(['make', 'test']).sync();
  }

  /**
   * Ingests genres from the sandbox twice into a lake volume of its own: the second ingest's plan
   * has nothing left to fetch, because the first one's pages are still on the volume.
   */
  @func({ cache: 'never' })
  @check()
  async rerunFetchesNothing(): Promise<void> {
    const checked = new GameMarketPipeline(this.source, this.config).withLake(undefined, undefined, CHECK_LAKE_VOLUME);
    await checked.emptyLake();
    const run = await checked.startRun(true);
    const selection: Selection = { endpoints: ['genres'], mode: Mode.snapshot };
    const first = await checked.ingestPlanned(run, selection, 1);
    const second = await checked.ingestPlanned(run, selection, 1);
    if (first.plan.shards.length === 0) throw new Error('the first ingest found genres already complete in an emptied lake');
    if (second.plan.shards.length > 0 || second.plan.apiRequestsExpected > 0) {
      throw new Error(`the second ingest still planned ${second.plan.apiRequestsExpected} API requests`);
    }
  }

  /**
   * Build and push the images the Fargate tasks run: <registry>/game-market-pipeline/ingest:<tag>
   * and <registry>/game-market-pipeline/transform:<tag>. Prints both references with their
   * digests. For ECR: --registry-username AWS --registry-password cmd://"aws ecr get-login-password".
   */
  @func({ cache: 'never' })
  async publish(
    /** host[:port][/namespace], e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com */
    registry: string,
    tag: string,
    registryUsername?: string,
    registryPassword?: Secret,
    /** Fargate runs linux/amd64 unless the task definition says ARM64. */
    platform: string = 'linux/amd64',
  ): Promise<string> {
    const refs = [imageRef(registry, 'ingest', tag), imageRef(registry, 'transform', tag)] as const;
    if ((registryUsername === undefined) !== (registryPassword === undefined)) {
      throw new Error('give --registry-username and --registry-password together (or neither, for a registry the engine is logged in to)');
    }
    const auth = (ctr: Container) => (registryPassword ? ctr.withRegistryAuth(registryHost(registry), registryUsername!, registryPassword) : ctr);
    const target = platform as Platform;
    const published = await Promise.all([auth(this.buildIngestImage(target)).publish(refs[0]), auth(this.buildTransformImage(target)).publish(refs[1])]);
    return published.join('\n');
  }

  /** The CLI on Node: dependencies, build, then production dependencies only. */
  private buildIngestImage(platform?: Platform): Container {
    return dag
      .container(platform ? { platform } : {})
      .from(IMAGES.node)
      .withMountedCache('/root/.npm', dag.cacheVolume('game-market-npm'))
      .withWorkdir(APP_DIR)
      .withFile('package.json', this.source.file('package.json'))
      .withFile('package-lock.json', this.source.file('package-lock.json'))
      .withExec(['npm', 'ci', '--no-audit', '--no-fund'])
      .withDirectory(APP_DIR, this.source, { exclude: IMAGE_EXCLUDE })
      .withExec(['npx', 'tsc', '-p', 'tsconfig.build.json'])
      .withExec(['npm', 'prune', '--omit=dev', '--no-audit', '--no-fund'])
      .withEntrypoint(CLI)
      .withDefaultArgs(['--help']);
  }

  /**
   * The CLI plus Debian's Python 3.11, and dbt-core with the DuckDB and Snowflake adapters in
   * /app/.venv as `gmp transform --setup-only` makes it: dbt/requirements.txt pinned by its
   * constraints, and DuckDB's httpfs from its PyPI package, so nothing downloads at run time.
   */
  private buildTransformImage(platform?: Platform): Container {
    return this.buildIngestImage(platform)
      .withExec(['sh', '-c', 'apt-get update && apt-get install -y --no-install-recommends python3 python3-venv && rm -rf /var/lib/apt/lists/*'])
      .withEnvVariable('PIP_DISABLE_PIP_VERSION_CHECK', '1')
      .withMountedCache('/root/.cache/pip', dag.cacheVolume('game-market-pip'))
      .withExec([...CLI, ...SETUP_ARGS])
      .withoutMount('/root/.cache/pip');
  }

  /** Node 20 (image), Python 3.11 and Chromium (Debian bookworm), Go (copied from its image). */
  private toolbox(): Container {
    const go = dag.container().from(IMAGES.go).directory('/usr/local/go');
    return dag
      .container()
      .from(IMAGES.nodeToolbox)
      .withExec(['apt-get', 'update'])
      .withExec(['apt-get', 'install', '-y', '--no-install-recommends', 'python3', 'python3-venv', 'python3-pip', 'python3-dev', 'chromium', 'shellcheck'])
      .withDirectory('/usr/local/go', go)
      .withEnvVariable('PATH', '/usr/local/go/bin:/root/go/bin:${PATH}', { expand: true })
      .withMountedCache('/root/.npm', dag.cacheVolume('game-market-npm'))
      .withMountedCache('/root/.cache/pip', dag.cacheVolume('game-market-pip'))
      .withMountedCache('/root/.cache/go-build', dag.cacheVolume('game-market-go-build'))
      .withMountedCache('/root/go/pkg/mod', dag.cacheVolume('game-market-go-mod'))
      .withDirectory('/src', this.source)
      .withWorkdir('/src');
  }

  /**
   * Decides the run from the settings and starts the sandbox when it answers, kept up for the
   * whole call (a service that is only bound could be restarted between steps). `callsApi` is
   * false for steps that only read the lake.
   */
  private async startRun(callsApi: boolean): Promise<Run> {
    const plan = planRun(callsApi ? { hasApiKey: this.apiKey !== undefined, baseUrl: this.baseUrl } : undefined, {
      url: this.lakeUrl,
      endpointUrl: this.lakeEndpointUrl,
      volume: this.lakeVolume,
      region: this.awsRegion,
      hasAwsCredentials: Boolean(this.awsAccessKeyId || this.awsSecretAccessKey || this.awsSessionToken),
    });
    const secrets: Partial<Record<SecretName, Secret>> = {
      awsAccessKeyId: this.awsAccessKeyId,
      awsSecretAccessKey: this.awsSecretAccessKey,
      awsSessionToken: this.awsSessionToken,
    };
    const services: Array<[string, Service]> = [];
    if (callsApi) secrets.apiKey = this.apiKey;
    if (plan.sandbox) {
      services.push([SANDBOX.host, await this.sandbox().start()]);
      secrets.apiKey = dag.setSecret('game-market-sandbox-key', SANDBOX_API_KEY);
    }
    return { plan, secrets, services };
  }

  /** Env, secrets, services and lake volume of a run, plus a fresh value that keeps the steps out of the layer cache. */
  private withRun(ctr: Container, run: Run): Container {
    let out = ctr;
    for (const [name, value] of Object.entries(run.plan.env)) out = out.withEnvVariable(name, value);
    for (const [host, service] of run.services) out = out.withServiceBinding(host, service);
    if (run.plan.volume !== undefined) out = out.withMountedCache(LAKE_MOUNT, dag.cacheVolume(run.plan.volume));
    // Every call reads the API or the lake as they are now: a cached result would be stale.
    return this.withSecrets(out, run.secrets).withEnvVariable('GMP_RUN_NONCE', randomUUID());
  }

  private withSecrets(ctr: Container, secrets: Partial<Record<SecretName, Secret>>): Container {
    return secretBindings(secrets).reduce((out, [name, secret]) => out.withSecretVariable(name, secret), ctr);
  }

  /** The ingest image with the run wired in and the given config in place of the committed one. */
  private runner(run: Run): Container {
    return this.withConfig(this.withRun(this.ingestImage(), run));
  }

  /** The transform image with the run wired in, the given config and the transform's env. */
  private transformer(run: Run, env: Record<string, string>): Container {
    const ctr = this.withConfig(this.withRun(this.transformImage(), run));
    return Object.entries(env).reduce((out, [name, value]) => out.withEnvVariable(name, value), ctr);
  }

  private withConfig(ctr: Container): Container {
    return ctr.withFile(`${APP_DIR}/config/endpoints.json`, this.config);
  }

  private compactLake(run: Run): Promise<string> {
    return this.runner(run)
      .withExec([...CLI, ...COMPACT_ARGS])
      .stdout();
  }

  /** Plans in one container, then runs every shard of the plan in a container of its own. */
  private async ingestPlanned(run: Run, selection: Selection, shards: number): Promise<{ plan: Plan; output: string }> {
    const runner = this.runner(run);
    const plan = parsePlan(await runner.withExec([...CLI, ...planArgs(selection, shards)]).stdout());
    if (plan.shards.length === 0) return { plan, output: nothingToFetch(plan) };
    const results = await Promise.allSettled(plan.shards.map((shard) => runner.withExec([...CLI, ...shard.args]).stdout()));
    return { plan, output: summarizeShards(plan.shards, results) };
  }

  /** A shell on the lake volume, for steps that copy or empty it. */
  private lakeShell(): Container {
    const volume = this.volumeName();
    return dag.container().from(IMAGES.node).withMountedCache(LAKE_MOUNT, dag.cacheVolume(volume)).withEnvVariable('GMP_RUN_NONCE', randomUUID());
  }

  /** The lake volume of these settings; an S3 lake has none. */
  private volumeName(): string {
    const { volume } = planRun(undefined, {
      url: this.lakeUrl,
      endpointUrl: this.lakeEndpointUrl,
      volume: this.lakeVolume,
      hasAwsCredentials: false,
    });
    if (volume === undefined) throw new Error(`the lake is ${this.lakeUrl}, not a cache volume: read it with aws s3 sync`);
    return volume;
  }
}
