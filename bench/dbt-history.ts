/**
 * `make bench-dbt`: how `gmp transform` scales with the lake's history. A 100,000-game sandbox
 * catalogue is ingested with the real `gmp ingest` into a local lake: 4 snapshots of every
 * endpoint, a week apart, and 30 daily `updated` partitions of games, each from a sandbox whose
 * `today` is the day after, so every partition carries a real date. Then three builds are timed:
 *   full         `gmp transform --full-refresh` of the whole history;
 *   incremental  day 31's window ingested and compacted, then `gmp transform`;
 *   one day      `gmp transform` of a lake that holds only day 31's window, compacted.
 * Each lake is compacted before its build, as `gmp pipeline` does, so dbt reads Parquet parts.
 * The figures are the wall seconds of dbt's build (its parse and build, from its log); the whole
 * `gmp transform` (Node, listing the lake, Python's start, the freshness check) is recorded too.
 * Prints the figures and the aims, and writes bench/results/dbt-history.json.
 * The history lake is built once under bench/.work/dbt-history, keyed by its parameters; each run
 * works on a hard-linked copy (the ingest never rewrites a file, it only adds).
 *   BENCH_GAMES=N for another number of games; DBT_THREADS as for gmp transform.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { lakeStatus } from '../src/lake/status.js';
import { openLake } from '../src/lake/open.js';
import { startSandbox } from '../src/sandbox/server.js';
import { repoRoot } from '../src/paths.js';
import { dbtHistoryAims, dbtHistoryResultSchema, type BuildDetail } from './lib/dbt-history-results.js';

const GAMES = Number(process.env.BENCH_GAMES ?? 100_000);
const SEED = 1;
const FIRST_DAY = '2024-05-01';
const DAILY_WINDOWS = 30;
/** Snapshots a week apart from the first day: the budget makes full catalogue reads rare. */
const SNAPSHOT_EVERY_DAYS = 7;
const SNAPSHOTS = 4;
/** Local sandbox, no latency: the ingest is not what is measured here. */
const REQUESTS_PER_SECOND = 2000;

const cli = join(repoRoot, 'dist', 'cli.js');
const resultsPath = join(repoRoot, 'bench', 'results', 'dbt-history.json');

function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

const lastHistoryDay = addDays(FIRST_DAY, DAILY_WINDOWS - 1);
const newDay = addDays(lastHistoryDay, 1);
const snapshotDays = Array.from({ length: SNAPSHOTS }, (_, i) => addDays(FIRST_DAY, i * SNAPSHOT_EVERY_DAYS));

/** The cached lake depends on these and on what the ingest reads of config/endpoints.json. */
function lakeKey(): string {
  const config = JSON.parse(readFileSync(join(repoRoot, 'config', 'endpoints.json'), 'utf8')) as {
    source: unknown;
    endpoints: { name: string; path: string; updatedFilter?: string }[];
  };
  // Hashed under the field's former name, `incremental`: lakes cached before it was renamed hold the same pages.
  const endpoints = config.endpoints.map(({ name, path, updatedFilter }) => ({ name, path, incremental: updatedFilter }));
  const parameters = { GAMES, SEED, FIRST_DAY, DAILY_WINDOWS, snapshotDays, source: config.source, endpoints };
  return createHash('sha256').update(JSON.stringify(parameters)).digest('hex').slice(0, 12);
}
/** Stable for bench-report, which reads the history warehouse. */
const workDir = join(repoRoot, 'bench', '.work', 'dbt-history', `games-${GAMES}`);
const cachedLake = join(workDir, `lake-${lakeKey()}`);
const historyLake = join(workDir, 'history-lake');

/** Runs a child to its end; its stderr (JSON lines off a terminal) is kept to name a failure. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-20_000)));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';

/** `gmp ingest` into `lake` against a sandbox whose clock reads `today`. */
async function ingest(lake: string, today: string, args: string[]): Promise<void> {
  const sandbox = await startSandbox({ games: GAMES, seed: SEED, today });
  try {
    const env = { ...process.env, LAKE_URL: `file://${lake}`, RAWG_API_KEY: 'bench', RAWG_BASE_URL: sandbox.url };
    const flags = ['--requests-per-second', String(REQUESTS_PER_SECOND), '--ignore-budget'];
    const { code, stderr } = await run(process.execPath, [cli, 'ingest', ...args, ...flags], env);
    if (code !== 0) throw new Error(`gmp ingest ${args.join(' ')} (sandbox today ${today}) failed with exit ${code}: ${lastLine(stderr)}`);
  } finally {
    await sandbox.close();
  }
}

/** Snapshots on their days, then the daily windows; resumable, and stamped once done. */
async function buildHistoryLake(lake: string): Promise<void> {
  for (const day of snapshotDays) {
    process.stderr.write(`ingesting the ${day} snapshot of every endpoint\n`);
    await ingest(lake, day, ['--all', '--mode', 'snapshot', '--date', day]);
  }
  for (let i = 0; i < DAILY_WINDOWS; i += 1) {
    const day = addDays(FIRST_DAY, i);
    await ingest(lake, addDays(day, 1), ['--endpoint', 'games', '--mode', 'updated', '--date', day]);
  }
}

/** `gmp compact` of every endpoint of `lake`, as the pipeline runs it before transform; its wall seconds. */
async function compact(lake: string): Promise<number> {
  const started = performance.now();
  const { code, stderr } = await run(process.execPath, [cli, 'compact', '--json'], { ...process.env, LAKE_URL: `file://${lake}` });
  if (code !== 0) throw new Error(`gmp compact of ${lake} failed with exit ${code}: ${lastLine(stderr)}`);
  return round((performance.now() - started) / 1000);
}

/** The day every history run adds: its window, read the day after. */
const ingestNewDay = (lake: string) => ingest(lake, addDays(newDay, 1), ['--endpoint', 'games', '--mode', 'updated', '--from', newDay, '--to', newDay]);

interface LakeFigures {
  pages: number;
  bytes: number;
  partitions: number;
}

async function lakeFigures(lake: string): Promise<LakeFigures> {
  let pages = 0;
  let bytes = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/^page=\d+\.json$/.test(entry.name)) {
        pages += 1;
        bytes += statSync(path).size;
      }
    }
  };
  walk(join(lake, 'raw'));
  const statuses = await lakeStatus(openLake({ lakeUrl: `file://${lake}` }));
  return { pages, bytes, partitions: statuses.filter((status) => status.complete || status.capped).length };
}

interface RunResults {
  elapsed_time: number;
  results: { unique_id: string; execution_time: number }[];
}
interface Manifest {
  nodes: Record<string, { fqn?: string[] }>;
  unit_tests?: Record<string, unknown>;
}

/** Times one `gmp transform` of `lake` into `warehouse`, and reads where dbt spent it. */
async function timeTransform(lake: string, warehouse: string, fullRefresh: boolean): Promise<BuildDetail> {
  const env = { ...process.env, LAKE_URL: `file://${lake}`, WAREHOUSE_PATH: warehouse };
  const started = performance.now();
  const { code, stderr } = await run(process.execPath, [cli, 'transform', ...(fullRefresh ? ['--full-refresh'] : [])], env);
  const wallS = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`gmp transform failed (exit ${code}): ${lastLine(stderr)}`);
  const targetDir = `${warehouse.replace(/\.duckdb$/, '')}.dbt-target`;
  const results = JSON.parse(readFileSync(join(targetDir, 'run_results.json'), 'utf8')) as RunResults;
  const manifest = JSON.parse(readFileSync(join(targetDir, 'manifest.json'), 'utf8')) as Manifest;
  const secondsByKind: Record<string, number> = {};
  const secondsByLayer: Record<string, number> = {};
  for (const { unique_id: id, execution_time: seconds } of results.results) {
    const kind = id.split('.')[0]!;
    secondsByKind[kind] = round((secondsByKind[kind] ?? 0) + seconds);
    const layer = kind === 'model' ? manifest.nodes[id]?.fqn?.[1] : undefined;
    if (layer) secondsByLayer[layer] = round((secondsByLayer[layer] ?? 0) + seconds);
  }
  const slowestNodes = [...results.results]
    .sort((a, b) => b.execution_time - a.execution_time)
    .slice(0, 8)
    .map(({ unique_id: id, execution_time: seconds }) => ({
      node: id.split('.').slice(0, 1).concat(id.split('.').slice(2)).join('.'),
      seconds: round(seconds),
    }));
  const build = logTimes(join(targetDir, 'dbt-build.log'));
  return {
    wallS: round(wallS),
    dbtBuildLoggedS: build.buildS,
    parse: build.fullParse ? 'full' : 'partial',
    parseS: build.parseS,
    dbtElapsedS: round(results.elapsed_time),
    freshnessLoggedS: build.freshnessS,
    nodes: results.results.length,
    secondsByKind,
    secondsByLayer,
    slowestNodes,
  };
}

/**
 * From the text log of gmp's dbt run (a parse, the build, then the freshness check, each opening
 * with dbt's version line): the build's span from the first line to the freshness check's
 * start, the check's span, and how long parsing took.
 */
function logTimes(path: string): { buildS: number; freshnessS: number; parseS: number; fullParse: boolean } {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const at = (line: string | undefined) => (line ? Date.parse(line.slice(0, 24)) / 1000 : Number.NaN);
  const starts = lines.filter((line) => line.includes('Running with dbt='));
  const freshnessStart = starts[2] ?? lines.at(-1);
  const parseStart = lines.find((line) => line.includes('Registered adapter'));
  const parseEnd = lines.find((line) => /info {2}Performance info|info {2}Found \d+ models/.test(line));
  return {
    buildS: round(at(freshnessStart) - at(lines[0])),
    freshnessS: round(at(lines.at(-1)) - at(freshnessStart)),
    parseS: round(at(parseEnd) - at(parseStart)),
    fullParse: lines.some((line) => line.includes('Unable to do partial parsing')),
  };
}

const round = (value: number) => Math.round(value * 100) / 100;

function venvVersions() {
  const python = join(repoRoot, '.venv', 'bin', 'python');
  const script = "import importlib.metadata as m; print(m.version('dbt-core'), m.version('dbt-duckdb'), m.version('duckdb'))";
  const [dbtCore = '?', dbtDuckdb = '?', duckdb = '?'] = spawnSync(python, ['-c', script], { encoding: 'utf8' }).stdout.trim().split(' ');
  return { dbtCore, dbtDuckdb, duckdb, node: process.version };
}

/** The commit measured, and whether the warehouse's code (dbt/, src/transform/) differed from it. */
function commitOf(): { commit: string; uncommittedWarehouseCode: boolean } {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).stdout.trim();
  return { commit: git('rev-parse', 'HEAD'), uncommittedWarehouseCode: git('status', '--porcelain', '--', 'dbt', 'src/transform') !== '' };
}

const startedAt = new Date().toISOString();
const loadAverageAtStart = loadavg()[0]!;

if (!existsSync(`${cachedLake}.done`)) {
  mkdirSync(cachedLake, { recursive: true });
  const lakeStarted = performance.now();
  await buildHistoryLake(cachedLake);
  writeFileSync(`${cachedLake}.done`, `${new Date().toISOString()} built in ${((performance.now() - lakeStarted) / 1000).toFixed(0)} s\n`);
} else {
  process.stderr.write(`reusing the history lake ${cachedLake}\n`);
}
// Compacted in place once (a rerun finds every marker and writes nothing); the copies share the parts.
const historyCompactS = await compact(cachedLake);
const history = await lakeFigures(cachedLake);

// Each run starts from the cached 30 days: a hard-linked copy, to which day 31 is added.
rmSync(historyLake, { recursive: true, force: true });
const copied = spawnSync('cp', ['-al', cachedLake, historyLake]);
if (copied.status !== 0) throw new Error(`could not copy the history lake: ${copied.stderr}`);
const oneDayLake = join(workDir, 'one-day-lake');
rmSync(oneDayLake, { recursive: true, force: true });
const historyWarehouse = join(workDir, 'history.duckdb');
const oneDayWarehouse = join(workDir, 'one-day.duckdb');
for (const warehouse of [historyWarehouse, oneDayWarehouse]) rmSync(warehouse, { force: true });

process.stderr.write(`full build of ${history.partitions} partitions (${history.pages} pages)\n`);
const full = await timeTransform(historyLake, historyWarehouse, true);
await ingestNewDay(historyLake);
const newDayCompactS = await compact(historyLake);
process.stderr.write(`incremental build of ${newDay}\n`);
const incremental = await timeTransform(historyLake, historyWarehouse, false);
await ingestNewDay(oneDayLake);
await compact(oneDayLake);
process.stderr.write(`full build of a lake of ${newDay} alone\n`);
const oneDayFull = await timeTransform(oneDayLake, oneDayWarehouse, true);
const oneDay = await lakeFigures(oneDayLake);

const result = dbtHistoryResultSchema.parse({
  fullBuildS: full.dbtBuildLoggedS,
  incrementalBuildS: incremental.dbtBuildLoggedS,
  oneDayFullBuildS: oneDayFull.dbtBuildLoggedS,
  fullTransformS: full.wallS,
  incrementalTransformS: incremental.wallS,
  oneDayFullTransformS: oneDayFull.wallS,
  compaction: { historyS: historyCompactS, newDayS: newDayCompactS },
  startedAt,
  ...commitOf(),
  lake: { games: GAMES, seed: SEED, dailyWindows: DAILY_WINDOWS, snapshots: snapshotDays, newDay, ...history, oneDayPages: oneDay.pages },
  builds: { full, incremental, oneDayFull },
  threads: Number(process.env.DBT_THREADS ?? 2),
  versions: venvVersions(),
  machine: { cpus: cpus().length, loadAverageAtStart, loadAverageAtEnd: loadavg()[0]! },
});
mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
writeFileSync(`${resultsPath}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
renameSync(`${resultsPath}.tmp`, resultsPath);

const rows: [string, string][] = [
  ['lake', `${GAMES.toLocaleString('en')} games; snapshots ${snapshotDays.join(', ')}; ${DAILY_WINDOWS} daily windows ${FIRST_DAY}..${lastHistoryDay}`],
  ['', `${history.partitions} partitions, ${history.pages} pages, ${(history.bytes / 1e9).toFixed(2)} GB`],
  ['', 'dbt build (gmp transform)'],
  ['full build (history)', `${full.dbtBuildLoggedS.toFixed(1)} s (${full.wallS.toFixed(1)} s), ${full.nodes} nodes`],
  [`incremental (+${newDay})`, `${incremental.dbtBuildLoggedS.toFixed(1)} s (${incremental.wallS.toFixed(1)} s)`],
  [`full build (${newDay} alone)`, `${oneDayFull.dbtBuildLoggedS.toFixed(1)} s (${oneDayFull.wallS.toFixed(1)} s), ${oneDay.pages} pages`],
  ...dbtHistoryAims(result).map(({ aim, measured, met }): [string, string] => [met ? 'aim met' : 'aim missed', `${aim}: ${measured}`]),
  ...dbtHistoryAims({ fullBuildS: full.wallS, incrementalBuildS: incremental.wallS, oneDayFullBuildS: oneDayFull.wallS }).map(
    ({ aim, measured }): [string, string] => ['gmp transform', `${aim}: ${measured}`],
  ),
  ['results', resultsPath],
];
const width = Math.max(...rows.map(([name]) => name.length));
for (const [name, value] of rows) process.stdout.write(`${name.padEnd(width)}  ${value}\n`);
