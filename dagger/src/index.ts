/**
 * Runs game-market-pipeline in containers: ingest, transform, the whole pipeline, the tests, and
 * the images that run on Fargate.
 *
 * Glue only. Every step is the project's own CLI (/app/bin/gmp.js) inside a container; what an
 * ingest fetches is what gmp plan --json says, and what run-pipeline runs after it is what gmp
 * steps --json says; how settings become commands, env, services and secrets lives in commands.ts. Descriptions here are the CLI's help: plain text, no backticks
 * (the CLI reads a word in backticks as the value's name).
 */
import { randomUUID } from 'node:crypto';
import {
  argument,
  check,
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
  COMPACT_ARGS,
  IMAGE_EXCLUDE,
  GMP_ON_PATH,
  HOST_LAKE,
  IMAGES,
  LAKE_INIT_ARGS,
  Mode,
  NODE_BINARY,
  REPORT_FILE,
  SANDBOX,
  SCRATCH_LAKE_MOUNT,
  SETUP_ARGS,
  SOURCE_IGNORE,
  Target,
  WAREHOUSE_FILE,
  bindsSandbox,
  imageRef,
  lakeFailure,
  lakeLine,
  nothingToFetch,
  parsePlan,
  planArgs,
  runSetup,
  planWithLake,
  registryHost,
  sandboxArgs,
  secretBindings,
  stepsAfterIngest,
  stepsArgs,
  summarizeShards,
  transformArgs,
  transformEnv,
  type Plan,
  type RunSetup,
  type SecretName,
  type Selection,
} from './commands.js';

/** A run's containers share these: env, lake and sandbox from runSetup, secrets, services. */
interface Run {
  setup: RunSetup;
  secrets: Partial<Record<SecretName, Secret>>;
  services: Array<[string, Service]>;
  /** The sandbox, started by the first step that fetches from it and kept up for the call. */
  sandbox?: Promise<Service>;
}

/** The rerun check's throwaway lake: a cache volume it empties first, never a user's lake. */
const CHECK_LAKE_VOLUME = 'gmp-lake-check';

@object()
export class GameMarketPipeline {
  source: Directory;
  config: File;
  apiKey?: Secret;
  baseUrl?: string;
  lakeUrl?: string;
  lakeEndpointUrl?: string;
  lakeHostPort?: number;
  scratchLakeVolume?: string;
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
  lineageUrl?: string;
  lineageNamespace?: string;
  lineageApiKey?: Secret;

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
   * The RAWG API to read. With neither setting the project's sandbox API answers, started only
   * when a plan has pages to fetch.
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
   * Where the lake lives. Without settings it is the bucket game-market-lake on the S3-compatible
   * server of the machine that runs dagger (make s3-server, or MinIO, on localhost:9000), so the
   * lake and its budget ledger are on that machine's disk, never only in the engine.
   */
  @func()
  withLake(
    /** s3://bucket/prefix of the lake; on AWS S3 unless --endpoint-url or --host-port. */
    url?: string,
    /** An S3-compatible server the engine reaches for --url, e.g. http://minio.example:9000. */
    endpointUrl?: string,
    /** The port of the S3-compatible server on this machine, when not 9000. */
    hostPort?: number,
  ): GameMarketPipeline {
    this.lakeUrl = url;
    this.lakeEndpointUrl = endpointUrl;
    this.lakeHostPort = hostPort;
    return this;
  }

  /**
   * AWS settings for the lake, e.g. --access-key-id env://AWS_ACCESS_KEY_ID; the lake on this
   * machine's server takes its development credentials when none are given.
   */
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
  withSnowflake(
    account: string,
    user: Secret,
    password: Secret,
    role?: string,
    warehouse?: string,
    database?: string,
  ): GameMarketPipeline {
    this.snowflakeAccount = account;
    this.snowflakeUser = user;
    this.snowflakePassword = password;
    this.snowflakeRole = role;
    this.snowflakeWarehouse = warehouse;
    this.snowflakeDatabase = database;
    return this;
  }

  /**
   * Where every step sends its OpenLineage events, e.g. --url http://marquez:5000; the steps of one
   * run-pipeline call share one parent run, the pipeline job.
   */
  @func()
  withLineage(
    /** The OpenLineage HTTP endpoint's base URL (events go to its /api/v1/lineage). */
    url: string,
    /** The namespace of the pipeline's jobs; game-market-pipeline when left out. */
    namespace?: string,
    /** Sent as a bearer token, e.g. env://OPENLINEAGE_API_KEY. */
    apiKey?: Secret,
  ): GameMarketPipeline {
    this.lineageUrl = url;
    this.lineageNamespace = namespace;
    this.lineageApiKey = apiKey;
    return this;
  }

  /**
   * What an ingest with these arguments would fetch and spend, as gmp plan --json prints it (units,
   * their state in the lake, the month's budget, and the shards), with the lake it read. Calls no
   * API.
   */
  @func({ cache: 'never' })
  async plan(
    /** Endpoints of config/endpoints.json; every one when left out. */
    endpoint?: string[],
    /** snapshot (resumes the open one), updated (the games changed on each day) or daily; snapshot when left out. */
    mode?: Mode,
    /** Logical date YYYY-MM-DD. */
    date?: string,
    /** First day of a range of days in updated mode, YYYY-MM-DD. */
    from?: string,
    /** Last day of a range of days in updated mode, YYYY-MM-DD. */
    to?: string,
    /** Containers the work is cut into. */
    shards: number = 1,
    /** Pages the run may fetch; the month's budget caps it in any case. */
    maxPages?: number,
  ): Promise<string> {
    const run = this.startRun(true);
    return planWithLake(
      run.setup,
      await this.planOn(run, { endpoints: endpoint, mode, date, from, to, maxPages }, shards),
    );
  }

  /**
   * Ingest into the lake and print where it is, then each shard's JSON summary. gmp plan decides
   * the work; its shards run in parallel, one container each. Never cached: a cached ingest would
   * silently skip the API; units already complete in the lake cost nothing.
   */
  @func({ cache: 'never' })
  async ingest(
    /** Endpoints of config/endpoints.json; every one when left out. */
    endpoint?: string[],
    /** snapshot (resumes the open one), updated (the games changed on each day) or daily; snapshot when left out. */
    mode?: Mode,
    /** Logical date YYYY-MM-DD. */
    date?: string,
    /** First day of a range of days in updated mode, YYYY-MM-DD. */
    from?: string,
    /** Last day of a range of days in updated mode, YYYY-MM-DD. */
    to?: string,
    /** Containers the work is cut into. */
    shards: number = 1,
    /** Pages the run may fetch; the month's budget caps it in any case. */
    maxPages?: number,
  ): Promise<string> {
    const run = this.startRun(true);
    const { output } = await this.ingestPlanned(run, { endpoints: endpoint, mode, date, from, to, maxPages }, shards);
    return `${lakeLine(run.setup)}\n${output}`;
  }

  /**
   * Compacts the lake's closed partitions to Parquet (gmp compact --json), which transform then
   * reads instead of their JSON pages. Never cached; what is compacted already costs nothing.
   */
  @func({ cache: 'never' })
  async compact(): Promise<string> {
    const run = this.startRun(false);
    return `${lakeLine(run.setup)}\n${await this.compactLake(run)}`;
  }

  /**
   * gmp transform: dbt over the lake's closed partitions. prod: Snowflake (with-snowflake), over
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
      {
        account: this.snowflakeAccount,
        role: this.snowflakeRole,
        warehouse: this.snowflakeWarehouse,
        database: this.snowflakeDatabase,
      },
      { snowflakeUser: this.snowflakeUser !== undefined, snowflakePassword: this.snowflakePassword !== undefined },
    );
    const run = this.startRun(false);
    let ctr = this.transformer(run, env);
    if (target === Target.prod)
      ctr = this.withSecrets(ctr, { snowflakeUser: this.snowflakeUser, snowflakePassword: this.snowflakePassword });
    return `${lakeLine(run.setup)}\n${await ctr.withExec([...CLI, ...transformArgs(target)]).stdout()}`;
  }

  /**
   * The whole pipeline, step by step as gmp steps --target dev prints them: ingest (as ingest),
   * compact, dbt on DuckDB over the lake, then the HTML report. Returns .warehouse/game_market.duckdb
   * and reports/market-report.html, e.g. dagger call run-pipeline export --path . With no settings
   * it reads the sandbox API into the lake on this machine's S3 server, so a rerun reuses what is
   * there.
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
    // Every step of this call names one parent run, as a Step Functions execution's tasks do.
    const parentRunId = randomUUID();
    const run = this.startRun(true, parentRunId);
    console.log(lakeLine(run.setup));
    // Read before the first request: the CLI owns the steps, and reading them needs no lake.
    const after = stepsAfterIngest(
      await this.ingestImage()
        .withExec([...CLI, ...stepsArgs(Target.dev)])
        .stdout(),
    );
    await this.ingestPlanned(run, { endpoints: endpoint, mode, date, maxPages }, shards);
    // The steps after the ingest read the lake only: no API settings reach them. They run in one
    // container, so that the report finds the DuckDB file the transform step wrote.
    const lakeOnly = this.startRun(false, parentRunId);
    const env = transformEnv(Target.dev, {}, { snowflakeUser: false, snowflakePassword: false });
    const built = after.reduce((ctr, step) => ctr.withExec([...CLI, ...step.args]), this.transformer(lakeOnly, env));
    return dag
      .directory()
      .withFile(WAREHOUSE_FILE, built.file(`${APP_DIR}/${WAREHOUSE_FILE}`))
      .withFile(REPORT_FILE, built.file(`${APP_DIR}/${REPORT_FILE}`));
  }

  /**
   * The image the Fargate ingest task runs: Node and the CLI, gmp its entrypoint and on its PATH,
   * e.g. dagger call ingest-image terminal.
   */
  @func()
  ingestImage(): Container {
    return this.buildIngestImage();
  }

  /**
   * The image the Fargate transform task runs: the pinned Python image with Node, the CLI (gmp its
   * entrypoint and on its PATH) and the project's dbt venv made at build time; the task runs
   * transform --target prod.
   */
  @func()
  transformImage(): Container {
    return this.buildTransformImage();
  }

  /**
   * The project's RAWG-compatible sandbox API on port 8080 (base URL /api), e.g. dagger call
   * sandbox up --ports 8080:8080
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
   * Ingests genres from the sandbox twice into a throwaway lake of its own (a cache volume, emptied
   * first): the second ingest's plan has nothing left to fetch, because the first one's pages are
   * still there.
   */
  @func({ cache: 'never' })
  @check()
  async rerunFetchesNothing(): Promise<void> {
    const checked = new GameMarketPipeline(this.source, this.config);
    checked.scratchLakeVolume = CHECK_LAKE_VOLUME;
    await dag
      .container()
      .from(IMAGES.node)
      .withMountedCache(SCRATCH_LAKE_MOUNT, dag.cacheVolume(CHECK_LAKE_VOLUME))
      .withEnvVariable('GMP_RUN_NONCE', randomUUID())
      .withExec(['find', SCRATCH_LAKE_MOUNT, '-mindepth', '1', '-delete'])
      .sync();
    const run = checked.startRun(true);
    const selection: Selection = { endpoints: ['genres'], mode: Mode.snapshot };
    const first = await checked.ingestPlanned(run, selection, 1);
    const second = await checked.ingestPlanned(run, selection, 1);
    if (first.plan.shards.length === 0)
      throw new Error('the first ingest found genres already complete in an emptied lake');
    if (second.plan.shards.length > 0 || second.plan.apiRequestsExpected > 0) {
      throw new Error(`the second ingest still planned ${second.plan.apiRequestsExpected} API requests`);
    }
  }

  /**
   * Build and push the images the Fargate tasks run: REGISTRY/game-market-pipeline/ingest:TAG and
   * REGISTRY/game-market-pipeline/transform:TAG. Prints both references with their digests. For
   * ECR: --registry-username AWS --registry-password cmd://"aws ecr get-login-password".
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
      throw new Error(
        'give --registry-username and --registry-password together (or neither, for a registry the engine is logged in to)',
      );
    }
    const auth = (ctr: Container) =>
      registryPassword ? ctr.withRegistryAuth(registryHost(registry), registryUsername!, registryPassword) : ctr;
    const target = platform as Platform;
    const published = await Promise.all([
      auth(this.buildIngestImage(target)).publish(refs[0]),
      auth(this.buildTransformImage(target)).publish(refs[1]),
    ]);
    return published.join('\n');
  }

  /** The CLI on Node: dependencies, build, then production dependencies only. */
  private buildIngestImage(platform?: Platform): Container {
    const built = dag
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
      .withoutMount('/root/.npm');
    return withGmp(built);
  }

  /**
   * The pinned Python image plus the node binary of the pinned Node image (both Debian bookworm),
   * the built CLI, and dbt-core with the DuckDB and Snowflake adapters in /app/.venv as gmp
   * transform --setup-only makes it: dbt/requirements.txt pinned by its constraints, and DuckDB's
   * httpfs from its PyPI package. Nothing comes from apt, and nothing downloads at run time.
   */
  private buildTransformImage(platform?: Platform): Container {
    const cli = this.buildIngestImage(platform);
    const python = dag
      .container(platform ? { platform } : {})
      .from(IMAGES.python)
      .withFile(NODE_BINARY, cli.file(NODE_BINARY), { permissions: 0o755 })
      .withDirectory(APP_DIR, cli.directory(APP_DIR));
    return withGmp(python)
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
      .withExec([
        'apt-get',
        'install',
        '-y',
        '--no-install-recommends',
        'python3',
        'python3-venv',
        'python3-pip',
        'python3-dev',
        'chromium',
        'shellcheck',
      ])
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
   * Decides the run from the settings: env, secrets, and the host's S3 server as a service when
   * the lake is there. Starts nothing: the sandbox starts only for a step that fetches from it.
   * callsApi is false for steps that only read the lake.
   */
  private startRun(callsApi: boolean, parentRunId?: string): Run {
    const lineage =
      this.lineageUrl === undefined
        ? undefined
        : { url: this.lineageUrl, namespace: this.lineageNamespace, parentRunId };
    const setup = runSetup(
      callsApi ? { hasApiKey: this.apiKey !== undefined, baseUrl: this.baseUrl } : undefined,
      {
        url: this.lakeUrl,
        endpointUrl: this.lakeEndpointUrl,
        hostPort: this.lakeHostPort,
        region: this.awsRegion,
        hasAwsCredentials: Boolean(this.awsAccessKeyId || this.awsSecretAccessKey || this.awsSessionToken),
        scratchVolume: this.scratchLakeVolume,
      },
      lineage,
    );
    const secrets: Partial<Record<SecretName, Secret>> = {
      awsAccessKeyId: this.awsAccessKeyId,
      awsSecretAccessKey: this.awsSecretAccessKey,
      awsSessionToken: this.awsSessionToken,
      lineageApiKey: this.lineageApiKey,
    };
    if (callsApi && !setup.sandbox) secrets.apiKey = this.apiKey;
    const services: Array<[string, Service]> = [];
    if (setup.hostLakePort !== undefined) {
      services.push([
        HOST_LAKE.service,
        dag.host().service([{ backend: setup.hostLakePort, frontend: setup.hostLakePort }]),
      ]);
    }
    return { setup, secrets, services };
  }

  /** Env, secrets, services and lake of a run, plus a fresh value that keeps the steps out of the layer cache. */
  private withRun(ctr: Container, run: Run): Container {
    let out = ctr;
    for (const [name, value] of Object.entries(run.setup.env)) out = out.withEnvVariable(name, value);
    for (const [host, service] of run.services) out = out.withServiceBinding(host, service);
    if (run.setup.scratchVolume !== undefined)
      out = out.withMountedCache(SCRATCH_LAKE_MOUNT, dag.cacheVolume(run.setup.scratchVolume));
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

  /**
   * gmp plan --json in a container with no sandbox bound (a plan calls no API); the lake on this
   * machine's server gets its bucket first. The first step on the lake: a failure names the lake.
   */
  private async planOn(run: Run, selection: Selection, shards: number): Promise<string> {
    const runner = this.runner(run);
    const ready = run.setup.hostLakePort === undefined ? runner : runner.withExec([...CLI, ...LAKE_INIT_ARGS]);
    try {
      return await ready.withExec([...CLI, ...planArgs(selection, shards)]).stdout();
    } catch (error) {
      throw lakeFailure(run.setup, error);
    }
  }

  /** Plans, then runs every shard of the plan in a container of its own; the sandbox starts only for shards that fetch from it. */
  private async ingestPlanned(run: Run, selection: Selection, shards: number): Promise<{ plan: Plan; output: string }> {
    const plan = parsePlan(await this.planOn(run, selection, shards));
    if (plan.shards.length === 0) return { plan, output: nothingToFetch(plan) };
    let runner = this.runner(run);
    if (bindsSandbox(run.setup, plan)) {
      // Started once and kept up for the call: a service that is only bound could restart between steps.
      run.sandbox ??= this.sandbox().start();
      runner = runner.withServiceBinding(SANDBOX.host, await run.sandbox);
    }
    const results = await Promise.allSettled(
      plan.shards.map((shard) => runner.withExec([...CLI, ...shard.args]).stdout()),
    );
    return { plan, output: summarizeShards(plan.shards, results) };
  }
}

/** gmp as the image's entrypoint, and on its PATH for a terminal or a with-exec. */
function withGmp(ctr: Container): Container {
  return ctr.withWorkdir(APP_DIR).withSymlink(CLI[0]!, GMP_ON_PATH).withEntrypoint(CLI).withDefaultArgs(['--help']);
}
