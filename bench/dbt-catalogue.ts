/**
 * `make bench-dbt-catalogue`: the warehouse at the size of RAWG's catalogue. A lake of 900,000
 * sandbox games: a snapshot of every endpoint read by the real `gmp ingest` (in windows under the
 * depth cap, 22,500 pages of games), then a year of daily `updated` partitions of games (365
 * days, about 30,000 pages) written directly from the sandbox (bench/lib/updated-days.ts: the
 * same keys and markers as the ingest, without 365 CLI runs), compacted with `gmp compact` as the
 * pipeline does. Then three `gmp transform` runs on it, each timed with dbt's peak RSS:
 *   full  `gmp transform --full-refresh` of the whole lake;
 *   day   one more day ingested by `gmp ingest` and compacted, then `gmp transform`;
 *   noop  `gmp transform` again, with nothing new.
 * Prints a table and the aims, writes bench/results/dbt-catalogue.json.
 * The lake is made once under bench/.work/dbt-catalogue, keyed by its parameters; each run works
 * on a hard-linked copy. BENCH_GAMES=N and BENCH_DAYS=N make it smaller (develop at 50,000 and 30);
 * `--lake-only` makes and compacts the lake and stops.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../src/paths.js';
import { dbtCatalogueAims, dbtCatalogueResultSchema } from './lib/dbt-catalogue-results.js';
import {
  addDays,
  commitOf,
  compact,
  ingestFromSandbox,
  lakeFigures,
  round,
  runTransform,
  timeTransform,
  venvVersions,
} from './lib/dbt-runs.js';
import { writeUpdatedDays } from './lib/updated-days.js';

const GAMES = Number(process.env.BENCH_GAMES ?? 900_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 365);
const SEED = 1;
const SNAPSHOT_DAY = '2024-01-01';
const firstDay = SNAPSHOT_DAY;
const lastDay = addDays(firstDay, DAYS - 1);
const newDay = addDays(lastDay, 1);
const resultsPath = join(repoRoot, 'bench', 'results', 'dbt-catalogue.json');

/** The cached lake depends on these and on what the ingest reads of config/endpoints.json. */
function lakeKey(): string {
  const config = JSON.parse(readFileSync(join(repoRoot, 'config', 'endpoints.json'), 'utf8')) as {
    source: unknown;
    endpoints: unknown;
  };
  const parameters = { GAMES, DAYS, SEED, SNAPSHOT_DAY, source: config.source, endpoints: config.endpoints };
  return createHash('sha256').update(JSON.stringify(parameters)).digest('hex').slice(0, 12);
}
const workDir = join(repoRoot, 'bench', '.work', 'dbt-catalogue', `games-${GAMES}-days-${DAYS}`);
const cachedLake = join(workDir, `lake-${lakeKey()}`);
const lake = join(workDir, 'lake');
const warehouse = join(workDir, 'catalogue.duckdb');
const catalogue = { games: GAMES, seed: SEED };

const startedAt = new Date().toISOString();
const loadAverageAtStart = loadavg()[0]!;
const say = (line: string) => process.stderr.write(`${line}\n`);

let lakeBuildS: number | undefined;
if (!existsSync(`${cachedLake}.done`)) {
  mkdirSync(cachedLake, { recursive: true });
  const started = performance.now();
  say(`ingesting the ${SNAPSHOT_DAY} snapshot of every endpoint (${GAMES.toLocaleString('en')} games)`);
  await ingestFromSandbox(cachedLake, { ...catalogue, today: SNAPSHOT_DAY }, [
    '--all',
    '--mode',
    'snapshot',
    '--date',
    SNAPSHOT_DAY,
  ]);
  say(`writing ${DAYS} daily updated partitions ${firstDay}..${lastDay}`);
  const days = Array.from({ length: DAYS }, (_, i) => addDays(firstDay, i));
  await writeUpdatedDays(cachedLake, catalogue, days);
  lakeBuildS = round((performance.now() - started) / 1000);
  writeFileSync(`${cachedLake}.done`, `${new Date().toISOString()} made in ${lakeBuildS.toFixed(0)} s\n`);
} else {
  say(`reusing the lake ${cachedLake}`);
}
// Compacted in place once (a rerun finds every marker and writes nothing); the copies share the parts.
say('gmp compact');
const compactS = await compact(cachedLake);
const figures = await lakeFigures(cachedLake);
if (process.argv.includes('--lake-only')) {
  say(`lake ready: ${figures.partitions} partitions, ${figures.pages} pages`);
  process.exit(0);
}

rmSync(lake, { recursive: true, force: true });
const copied = spawnSync('cp', ['-al', cachedLake, lake]);
if (copied.status !== 0) throw new Error(`could not copy the lake: ${copied.stderr}`);
rmSync(warehouse, { force: true });

say(`full build of ${figures.partitions} partitions (${figures.pages} pages)`);
const full = await timeTransform(lake, warehouse, true);
say(`one more day: ${newDay}`);
await ingestFromSandbox(lake, { ...catalogue, today: addDays(newDay, 1) }, [
  '--endpoint',
  'games',
  '--mode',
  'updated',
  '--date',
  newDay,
]);
const newDayCompactS = await compact(lake);
const day = await timeTransform(lake, warehouse, false);
say('nothing new');
const noop = await runTransform(lake, warehouse, false);

const result = dbtCatalogueResultSchema.parse({
  startedAt,
  ...commitOf(),
  lake: {
    ...catalogue,
    snapshot: SNAPSHOT_DAY,
    updatedDays: DAYS,
    firstDay,
    lastDay,
    newDay,
    ...figures,
    written:
      'snapshot by gmp ingest from the sandbox; daily updated partitions written directly from the sandbox (bench/lib/updated-days.ts)',
    ...(lakeBuildS === undefined ? {} : { buildS: lakeBuildS }),
    compactS,
    newDayCompactS,
  },
  builds: { full, day, noop },
  threads: Number(process.env.DBT_THREADS ?? 2),
  versions: venvVersions(),
  machine: { cpus: cpus().length, loadAverageAtStart, loadAverageAtEnd: loadavg()[0]! },
});
mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
writeFileSync(`${resultsPath}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
renameSync(`${resultsPath}.tmp`, resultsPath);

const mb = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(0));
const rows = [
  ['build', 'wall (s)', 'CPU (s)', 'dbt build (s)', 'dbt peak RSS (MB)', 'models', 'tests', 'load avg'],
  ...(
    [
      ['full', full],
      [`day ${newDay}`, day],
      ['noop', noop],
    ] as const
  ).map(([name, b]) => [
    name,
    b.wallS.toFixed(1),
    b.cpuS.toFixed(1),
    'dbtBuildLoggedS' in b ? b.dbtBuildLoggedS.toFixed(1) : '-',
    mb(b.dbtPeakRssMb),
    'nodesByKind' in b ? String((b.nodesByKind as Record<string, number>).model ?? 0) : '-',
    'nodesByKind' in b ? String((b.nodesByKind as Record<string, number>).test ?? 0) : '-',
    `${b.loadAverageAtStart.toFixed(1)}-${b.loadAverageAtEnd.toFixed(1)}`,
  ]),
];
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
process.stdout.write(
  `${GAMES.toLocaleString('en')} games; snapshot ${SNAPSHOT_DAY}; ${DAYS} daily updated partitions ${firstDay}..${lastDay}: ` +
    `${figures.partitions} partitions, ${figures.pages} pages, ${(figures.bytes / 1e9).toFixed(2)} GB\n`,
);
for (const row of rows)
  process.stdout.write(
    `${row.map((cell, i) => (i ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ')}\n`,
  );
for (const { aim, measured, met } of dbtCatalogueAims(result))
  process.stdout.write(`${met ? 'aim met   ' : 'aim missed'}  ${aim}: ${measured}\n`);
process.stdout.write(`results  ${resultsPath}\n`);
