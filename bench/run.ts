/**
 * `make bench`: ingests the games snapshot from the sandbox API (with a simulated network latency)
 * into a real S3 server, with our ingester, the seed baseline (bench/baselines/seed.ts) and dlt, in three scenarios (cold
 * lake; rerun on the complete lake; resume after a SIGKILL at 50 %), then a rate-capped run and a
 * memory run of ours. Prints one table and writes bench/results/latest.json and history.jsonl.
 * Figures are printed, never asserted.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultEndpointsPath } from '../src/paths.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { configWith } from '../test/support/lakes.js';
import { startS3Server, versitygwPath, type S3Server } from '../test/support/s3-server.js';
import { AccessLog } from './lib/access-log.js';
import { INGESTERS, paths, type IngesterName } from './lib/ingesters.js';
import { aimsOf } from './lib/aims.js';
import { measureGzip } from './lib/gzip.js';
import { benchResultSchema, type BenchResult, type Metrics } from './lib/results.js';
import { Bench, expectSuccess } from './lib/scenarios.js';
import { formatAims, formatTable } from './lib/table.js';

// The AWS SDK warns about Node 20's end of support on stderr when a client is made; ours says nothing.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const GAMES_PER_PAGE = 40;
const API_KEY = 'bench0123456789abcdef0123456789ab';
const resultsDir = join(import.meta.dirname, 'results');

interface Options {
  pages: number;
  latencyMs: number;
  ingesters: IngesterName[];
  cap: number;
  cappedPages: number;
  memoryPages: number;
  /** Our request-rate cap in the uncapped scenarios: above what concurrency and latency allow. */
  rate: number;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      pages: { type: 'string', default: process.env.BENCH_PAGES ?? '2000' },
      'latency-ms': { type: 'string', default: process.env.BENCH_LATENCY_MS ?? '50' },
      only: { type: 'string', default: INGESTERS.join(',') },
      cap: { type: 'string', default: '20' },
      'capped-pages': { type: 'string', default: '300' },
      'memory-pages': { type: 'string', default: '10000' },
      rate: { type: 'string', default: '1000' },
    },
  });
  const whole = (name: string, text: string, min: number): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min)
      throw new Error(`--${name} must be a whole number >= ${min}, not "${text}"`);
    return value;
  };
  const ingesters = values.only.split(',').map((name) => name.trim());
  const unknown = ingesters.filter((name) => !(INGESTERS as readonly string[]).includes(name));
  if (unknown.length || !ingesters.includes('ours'))
    throw new Error(`--only takes ours plus any of seed, dlt (got "${values.only}")`);
  return {
    pages: whole('pages', values.pages, 2),
    latencyMs: whole('latency-ms', values['latency-ms'], 0),
    ingesters: ingesters as IngesterName[],
    cap: whole('cap', values.cap, 1),
    cappedPages: whole('capped-pages', values['capped-pages'], 0),
    memoryPages: whole('memory-pages', values['memory-pages'], 0),
    rate: whole('rate', values.rate, 1),
  };
}

function checkPrerequisites(options: Options): void {
  const needed: [string, boolean][] = [
    [paths.cli, true],
    [paths.gmp, true],
    [versitygwPath, true],
    [paths.seed, options.ingesters.includes('seed')],
    [paths.dltPython, options.ingesters.includes('dlt')],
  ];
  for (const [path, wanted] of needed)
    if (wanted && !existsSync(path)) throw new Error(`${path} is missing: run "make bench", which sets it up`);
}

const say = (line: string) => process.stderr.write(`${line}\n`);
const summary = (m: Metrics) =>
  `${(m.wallMs / 1000).toFixed(1)} s, ${((m.cpuMs ?? 0) / 1000).toFixed(1)} s CPU, ${m.apiRequests} API requests, ${m.storeRequests} store requests, ${m.peakRssMb.toFixed(0)} MB peak RSS`;

/** Cold, rerun and resume for one ingester. */
async function scenariosFor(name: IngesterName, bench: Bench, options: Options, result: BenchResult): Promise<void> {
  const { pages } = options;
  const lake = `bench-${name}`;
  await bench.freshLake(lake);
  const cold = await bench.run(name, lake);
  expectSuccess(`${name} (cold)`, cold);
  // Our snapshot is read in windows under the API's depth cap, each ending in a partial page: a few more pages than the games fill.
  const stored = name === 'dlt' ? pages : await bench.pageObjects(lake);
  if (name === 'seed' ? stored !== pages : stored < pages)
    throw new Error(`${name} (cold) stored ${stored} pages, not ${name === 'seed' ? '' : 'at least '}${pages}`);
  if (name === 'dlt' && (await bench.objects(lake, 'games_snapshot/games/')).length === 0)
    throw new Error('dlt (cold) loaded no games files');
  cold.metrics.cpuMsPerPage = round((cold.metrics.cpuMs ?? 0) / stored, 2);
  cold.metrics.bytesPerPage = Math.round((await bench.dataBytes(lake)) / stored);
  cold.metrics.shareOfLimit = round(stored / (cold.metrics.wallMs / 1000) / result.limitPagesPerSecond!, 3);
  say(
    `${name} cold: ${summary(cold.metrics)}, ${cold.metrics.cpuMsPerPage} ms CPU and ${cold.metrics.bytesPerPage} bytes a page, ${(cold.metrics.shareOfLimit * 100).toFixed(0)} % of the limit`,
  );
  if (name === 'ours') {
    // What gzipped pages would cost: every 10th page our run stored, compressed at the fastest and the default level.
    result.gzip = measureGzip(await bench.samplePages(lake, 10), [1, 6]);
    for (const g of result.gzip)
      say(
        `gzip level ${g.level} (${g.pages} of our pages): ${g.cpuMsPerPage} ms CPU a page, ${g.bytesPerPage} -> ${g.gzipBytesPerPage} bytes`,
      );
  }

  const rerun = await bench.run(name, lake);
  expectSuccess(`${name} (rerun)`, rerun);
  if (name === 'ours') {
    const [partition] = rerun.measured.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { storeRequests: number });
    rerun.metrics.partitionStoreRequests = partition?.storeRequests;
  }
  say(`${name} rerun: ${summary(rerun.metrics)}`);

  const resumeLake = `bench-${name}-resume`;
  await bench.freshLake(resumeLake);
  const killed = await bench.run(name, resumeLake, { killAtRequests: Math.ceil(pages / 2) });
  if (killed.measured.signal !== 'SIGKILL')
    throw new Error(`${name} finished before it could be killed at 50 % (exit ${killed.measured.code})`);
  const pagesBeforeKill = await bench.pageObjects(resumeLake);
  const resume = await bench.run(name, resumeLake);
  expectSuccess(`${name} (resume)`, resume);
  if (name !== 'dlt' && (await bench.pageObjects(resumeLake)) !== stored)
    throw new Error(`${name} (resume) left ${await bench.pageObjects(resumeLake)} pages, not ${stored}`);
  resume.metrics.cpuMsPerPage = round((resume.metrics.cpuMs ?? 0) / Math.max(1, stored - pagesBeforeKill), 2);
  say(
    `${name} resume (killed after ${killed.metrics.apiRequests} API requests, ${pagesBeforeKill} pages in the lake): ${summary(resume.metrics)}`,
  );

  result.scenarios.cold[name] = cold.metrics;
  result.scenarios.rerun[name] = rerun.metrics;
  result.scenarios.resume[name] = resume.metrics;
  result.resume![name] = {
    pagesBeforeKill,
    missingPages: stored - pagesBeforeKill,
    apiRequestsBeforeKill: killed.metrics.apiRequests,
  };
}

/** Ours under a request-rate cap: the achieved rate, from the first to the last request the API saw. */
async function cappedRun(bench: Bench, options: Options): Promise<NonNullable<BenchResult['capped']>> {
  await bench.freshLake('bench-capped');
  let first: number | undefined;
  let last = 0;
  let seen = 0;
  const run = await bench.run('ours', 'bench-capped', {
    env: { GMP_ENDPOINTS: configWith({ requestsPerSecond: options.cap }) },
    args: ['--max-pages', String(Math.min(options.cappedPages, options.pages))],
    onRequests: (requests) => {
      if (requests === seen) return;
      const now = performance.now();
      if (first === undefined) first = now;
      last = now;
      seen = requests;
    },
  });
  expectSuccess('ours (capped)', run);
  const seconds = first === undefined ? 0 : (last - first) / 1000;
  const achieved = seconds > 0 ? (seen - 1) / seconds : 0;
  return {
    capPerSecond: options.cap,
    requests: seen,
    achievedPerSecond: round(achieved, 2),
    shareOfCap: round(achieved / options.cap, 3),
  };
}

async function memoryRun(
  bench: Bench,
  options: Options,
  sandbox: Sandbox,
): Promise<NonNullable<BenchResult['memory']>> {
  sandbox.control({ games: options.memoryPages * GAMES_PER_PAGE });
  try {
    await bench.freshLake('bench-memory');
    const run = await bench.run('ours', 'bench-memory');
    expectSuccess('ours (memory run)', run);
    const { wallMs, apiRequests, peakRssMb, cpuMs } = run.metrics;
    return {
      pages: options.memoryPages,
      wallMs,
      apiRequests,
      peakRssMb,
      cpuMsPerPage: round((cpuMs ?? 0) / options.memoryPages, 2),
    };
  } finally {
    sandbox.control({ games: options.pages * GAMES_PER_PAGE });
  }
}

function git(...args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: import.meta.dirname, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  checkPrerequisites(options);
  const workDir = mkdtempSync(join(tmpdir(), 'gmp-bench-'));
  const log = new AccessLog(join(workDir, 's3-access.log'));
  let s3: S3Server | undefined;
  let sandbox: Sandbox | undefined;
  try {
    // S3 keeps connections open between requests; versitygw closes each one unless told otherwise.
    process.env.VGW_KEEP_ALIVE ??= 'true';
    s3 = await startS3Server({ accessLog: log.path });
    // No depth cap on the API: the baselines follow one listing to its end (bench-catalogue measures the cap).
    sandbox = await startSandbox({
      games: options.pages * GAMES_PER_PAGE,
      seed: 1,
      latencyMs: options.latencyMs,
      maxResults: Math.max(options.pages, options.memoryPages) * GAMES_PER_PAGE,
    });
    // The bench's own store calls (creating buckets, counting pages) use these credentials.
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      AWS_REGION: 'us-east-1',
    });
    // The sandbox enforces no rate: concurrency and latency set our pace, as they do on the real API.
    const oursEndpoints = configWith({ requestsPerSecond: options.rate });
    const bench = new Bench({ apiUrl: sandbox.url, apiKey: API_KEY, s3, workDir, oursEndpoints }, sandbox, log);
    const { concurrency } = (
      JSON.parse(readFileSync(defaultEndpointsPath, 'utf8')) as { source: { concurrency: number } }
    ).source;

    const result: BenchResult = {
      commit: git('rev-parse', 'HEAD') || 'unknown',
      ...(git('status', '--porcelain', '--', 'src') ? { uncommittedChangesInSrc: true } : {}),
      startedAt: new Date().toISOString(),
      pages: options.pages,
      latencyMs: options.latencyMs,
      limitPagesPerSecond:
        options.latencyMs > 0 ? Math.min(options.rate, (concurrency * 1000) / options.latencyMs) : options.rate,
      objectStore: 'versitygw (posix backend), standing in for MinIO, whose module the Go proxy here does not serve',
      // Other work on the machine slows the CPU-bound ingester most: the load is part of the result.
      machine: { cpus: availableParallelism(), node: process.version, loadAverageAtStart: round(loadavg()[0]!, 2) },
      scenarios: { cold: {}, rerun: {}, resume: {} },
      resume: {},
    };
    say(
      `bench: ${options.pages} pages (${options.pages * GAMES_PER_PAGE} games) at ${options.latencyMs} ms a request; S3: versitygw on ${s3.endpoint} (for MinIO); ${options.ingesters.join(', ')}`,
    );
    for (const name of options.ingesters) await scenariosFor(name, bench, options, result);
    if (options.cappedPages > 0) {
      result.capped = await cappedRun(bench, options);
      say(
        `ours capped at ${options.cap}/s: ${result.capped.achievedPerSecond} requests/s over ${result.capped.requests} requests`,
      );
    }
    if (options.memoryPages > 0) {
      result.memory = await memoryRun(bench, options, sandbox);
      say(
        `ours at ${options.memoryPages} pages: ${(result.memory.wallMs / 1000).toFixed(1)} s, peak RSS ${result.memory.peakRssMb.toFixed(0)} MB`,
      );
    }
    result.machine.loadAverageAtEnd = round(loadavg()[0]!, 2);
    result.aims = aimsOf(result);
    benchResultSchema.parse(result);

    const { loadAverageAtStart, loadAverageAtEnd } = result.machine;
    const title = `${options.pages} pages of games at ${options.latencyMs} ms a request; S3 server: versitygw (in place of MinIO); commit ${result.commit.slice(0, 10)}; ${result.machine.cpus} CPUs, load ${loadAverageAtStart} -> ${loadAverageAtEnd}`;
    process.stdout.write(
      `\n${title}\nratios: the baseline's figure divided by ours (above 1x: ours spends less)\n\n${formatTable(result)}\n\n${formatAims(result.aims)}\n`,
    );
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
    appendFileSync(join(resultsDir, 'history.jsonl'), `${JSON.stringify(result)}\n`);
    say(`\nwritten: bench/results/latest.json, one more line in bench/results/history.jsonl`);
  } finally {
    await sandbox?.close();
    await s3?.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
