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
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../src/paths.js';
import { dbtHistoryAims, dbtHistoryResultSchema } from './lib/dbt-history-results.js';
import {
  addDays,
  commitOf,
  compact,
  ingestFromSandbox,
  lakeFigures,
  timeTransform,
  venvVersions,
} from './lib/dbt-runs.js';

const GAMES = Number(process.env.BENCH_GAMES ?? 100_000);
const SEED = 1;
const FIRST_DAY = '2024-05-01';
const DAILY_WINDOWS = 30;
/** Snapshots a week apart from the first day: the budget makes full catalogue reads rare. */
const SNAPSHOT_EVERY_DAYS = 7;
const SNAPSHOTS = 4;

const resultsPath = join(repoRoot, 'bench', 'results', 'dbt-history.json');

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
  const endpoints = config.endpoints.map(({ name, path, updatedFilter }) => ({
    name,
    path,
    incremental: updatedFilter,
  }));
  const parameters = { GAMES, SEED, FIRST_DAY, DAILY_WINDOWS, snapshotDays, source: config.source, endpoints };
  return createHash('sha256').update(JSON.stringify(parameters)).digest('hex').slice(0, 12);
}
/** Stable for bench-report, which reads the history warehouse. */
const workDir = join(repoRoot, 'bench', '.work', 'dbt-history', `games-${GAMES}`);
const cachedLake = join(workDir, `lake-${lakeKey()}`);
const historyLake = join(workDir, 'history-lake');

const ingest = (lake: string, today: string, args: string[]) =>
  ingestFromSandbox(lake, { games: GAMES, seed: SEED, today }, args);

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

/** The day every history run adds: its window, read the day after. */
const ingestNewDay = (lake: string) =>
  ingest(lake, addDays(newDay, 1), ['--endpoint', 'games', '--mode', 'updated', '--from', newDay, '--to', newDay]);

const startedAt = new Date().toISOString();
const loadAverageAtStart = loadavg()[0]!;

if (!existsSync(`${cachedLake}.done`)) {
  mkdirSync(cachedLake, { recursive: true });
  const lakeStarted = performance.now();
  await buildHistoryLake(cachedLake);
  writeFileSync(
    `${cachedLake}.done`,
    `${new Date().toISOString()} built in ${((performance.now() - lakeStarted) / 1000).toFixed(0)} s\n`,
  );
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
  lake: {
    games: GAMES,
    seed: SEED,
    dailyWindows: DAILY_WINDOWS,
    snapshots: snapshotDays,
    newDay,
    ...history,
    oneDayPages: oneDay.pages,
  },
  builds: { full, incremental, oneDayFull },
  threads: Number(process.env.DBT_THREADS ?? 2),
  versions: venvVersions(),
  machine: { cpus: cpus().length, loadAverageAtStart, loadAverageAtEnd: loadavg()[0]! },
});
mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
writeFileSync(`${resultsPath}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
renameSync(`${resultsPath}.tmp`, resultsPath);

const rows: [string, string][] = [
  [
    'lake',
    `${GAMES.toLocaleString('en')} games; snapshots ${snapshotDays.join(', ')}; ${DAILY_WINDOWS} daily windows ${FIRST_DAY}..${lastHistoryDay}`,
  ],
  ['', `${history.partitions} partitions, ${history.pages} pages, ${(history.bytes / 1e9).toFixed(2)} GB`],
  ['', 'dbt build (gmp transform)'],
  ['full build (history)', `${full.dbtBuildLoggedS.toFixed(1)} s (${full.wallS.toFixed(1)} s), ${full.nodes} nodes`],
  [`incremental (+${newDay})`, `${incremental.dbtBuildLoggedS.toFixed(1)} s (${incremental.wallS.toFixed(1)} s)`],
  [
    `full build (${newDay} alone)`,
    `${oneDayFull.dbtBuildLoggedS.toFixed(1)} s (${oneDayFull.wallS.toFixed(1)} s), ${oneDay.pages} pages`,
  ],
  ...dbtHistoryAims(result).map(({ aim, measured, met }): [string, string] => [
    met ? 'aim met' : 'aim missed',
    `${aim}: ${measured}`,
  ]),
  ...dbtHistoryAims({
    fullBuildS: full.wallS,
    incrementalBuildS: incremental.wallS,
    oneDayFullBuildS: oneDayFull.wallS,
  }).map(({ aim, measured }): [string, string] => ['gmp transform', `${aim}: ${measured}`]),
  ['results', resultsPath],
];
const width = Math.max(...rows.map(([name]) => name.length));
for (const [name, value] of rows) process.stdout.write(`${name.padEnd(width)}  ${value}\n`);
