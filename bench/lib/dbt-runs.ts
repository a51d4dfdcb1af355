/**
 * What the warehouse benchmarks share: running the CLI as its own process, `gmp compact`,
 * timing one `gmp transform` (with the peak resident memory of the dbt process it starts) and
 * reading where dbt spent the time, the lake's size, the versions and commit measured.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { lakeStatus } from '../../src/lake/status.js';
import { openLake } from '../../src/lake/open.js';
import { startSandbox } from '../../src/sandbox/server.js';
import { repoRoot } from '../../src/paths.js';
import type { BuildDetail } from './dbt-history-results.js';

export const cli = join(repoRoot, 'dist', 'cli.js');

export const round = (value: number) => Math.round(value * 100) / 100;

export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';

/** Runs a child to its end; its stderr (JSON lines off a terminal) is kept to name a failure. `onTick` sees its pid every 100 ms. */
export function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onTick?: (pid: number) => void,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-20_000)));
  const timer = onTick && child.pid !== undefined ? setInterval(() => onTick(child.pid!), 100) : undefined;
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ code, stderr });
    }),
  );
}

/** Local sandbox, no latency: the ingest is not what is measured here. */
const REQUESTS_PER_SECOND = 2000;

/** `gmp ingest` (its budget ignored) into `lake` against a sandbox of `games` whose clock reads `today`. */
export async function ingestFromSandbox(
  lake: string,
  sandboxOptions: { games: number; seed: number; today: string },
  args: string[],
): Promise<void> {
  const sandbox = await startSandbox(sandboxOptions);
  try {
    const env = { ...process.env, LAKE_URL: `file://${lake}`, RAWG_API_KEY: 'bench', RAWG_BASE_URL: sandbox.url };
    const flags = ['--requests-per-second', String(REQUESTS_PER_SECOND), '--ignore-budget'];
    const { code, stderr } = await run(process.execPath, [cli, 'ingest', ...args, ...flags], env);
    if (code !== 0)
      throw new Error(
        `gmp ingest ${args.join(' ')} (sandbox today ${sandboxOptions.today}) failed with exit ${code}: ${lastLine(stderr)}`,
      );
  } finally {
    await sandbox.close();
  }
}

/** `gmp compact` of every endpoint of `lake`, as the pipeline runs it before transform; its wall seconds. */
export async function compact(lake: string): Promise<number> {
  const started = performance.now();
  const { code, stderr } = await run(process.execPath, [cli, 'compact', '--json'], {
    ...process.env,
    LAKE_URL: `file://${lake}`,
  });
  if (code !== 0) throw new Error(`gmp compact of ${lake} failed with exit ${code}: ${lastLine(stderr)}`);
  return round((performance.now() - started) / 1000);
}

export interface LakeFigures {
  pages: number;
  bytes: number;
  partitions: number;
}

/** Raw pages and their bytes, and the closed partitions, of a local lake. */
export async function lakeFigures(lake: string): Promise<LakeFigures> {
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

/** The peak resident memory (VmHWM, MB) of every process below `pid`, by pid, read from /proc. */
export class DescendantPeaks {
  private readonly peaks = new Map<number, { command: string; peakMb: number }>();

  sample(pid: number): void {
    for (const child of children(pid)) {
      const status = readProc(`/proc/${child}/status`);
      const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status ?? '');
      const name = /^Name:\s+(\S+)/m.exec(status ?? '');
      if (hwm && name) {
        const peakMb = Math.round(Number(hwm[1]) / 102.4) / 10;
        const known = this.peaks.get(child);
        if (!known || peakMb > known.peakMb) this.peaks.set(child, { command: name[1]!, peakMb });
      }
      this.sample(child);
    }
  }

  /** The highest peak of a process whose name starts with `prefix` (dbt runs as `python…`); undefined when none ran. */
  peakOf(prefix: string): number | undefined {
    const peaks = [...this.peaks.values()]
      .filter(({ command }) => command.startsWith(prefix))
      .map(({ peakMb }) => peakMb);
    return peaks.length ? Math.max(...peaks) : undefined;
  }
}

function children(pid: number): number[] {
  const text = readProc(`/proc/${pid}/task/${pid}/children`);
  return text ? text.trim().split(/\s+/).filter(Boolean).map(Number) : [];
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process has just exited
  }
}

interface RunResults {
  elapsed_time: number;
  results: { unique_id: string; execution_time: number }[];
}
interface Manifest {
  nodes: Record<string, { fqn?: string[] }>;
}

export interface TransformRun {
  /** Wall seconds of the `gmp transform` process. */
  wallS: number;
  /** CPU seconds (user + system) of gmp and the dbt it started. */
  cpuS: number;
  /** Peak RSS of the dbt process (MB); undefined when dbt was not started. */
  dbtPeakRssMb?: number;
  /** Peak RSS of the `gmp transform` Node process itself (MB). */
  gmpPeakRssMb: number;
  loadAverageAtStart: number;
  loadAverageAtEnd: number;
}

/**
 * One `gmp transform` of `lake` into `warehouse`, timed, with the peak memory of dbt (sampled
 * every 100 ms) and the CPU seconds of gmp and dbt together (GNU time's user + system of the
 * process and the children it waited for): on a shared machine the wall time follows the load,
 * the CPU time much less.
 */
export async function runTransform(lake: string, warehouse: string, fullRefresh: boolean): Promise<TransformRun> {
  const env = { ...process.env, LAKE_URL: `file://${lake}`, WAREHOUSE_PATH: warehouse };
  const peaks = new DescendantPeaks();
  const timeFile = `${warehouse}.time`;
  const loadAverageAtStart = loadavg()[0]!;
  const started = performance.now();
  const args = [
    '-f',
    '%U %S',
    '-o',
    timeFile,
    process.execPath,
    cli,
    'transform',
    ...(fullRefresh ? ['--full-refresh'] : []),
  ];
  const { code, stderr } = await run('/usr/bin/time', args, env, (pid) => peaks.sample(pid));
  const wallS = round((performance.now() - started) / 1000);
  if (code !== 0) throw new Error(`gmp transform failed (exit ${code}): ${lastLine(stderr)}`);
  const [user = 0, system = 0] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  const dbtPeakRssMb = peaks.peakOf('python');
  return {
    wallS,
    cpuS: round(user + system),
    ...(dbtPeakRssMb === undefined ? {} : { dbtPeakRssMb }),
    gmpPeakRssMb: peaks.peakOf('node') ?? 0,
    loadAverageAtStart,
    loadAverageAtEnd: loadavg()[0]!,
  };
}

/** Times one `gmp transform` of `lake` into `warehouse` that starts dbt, and reads where dbt spent it. */
export async function timeTransform(
  lake: string,
  warehouse: string,
  fullRefresh: boolean,
): Promise<BuildDetail & TransformRun> {
  const measured = await runTransform(lake, warehouse, fullRefresh);
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
  const nodesByKind: Record<string, number> = {};
  for (const { unique_id: id } of results.results)
    nodesByKind[id.split('.')[0]!] = (nodesByKind[id.split('.')[0]!] ?? 0) + 1;
  const slowestNodes = [...results.results]
    .sort((a, b) => b.execution_time - a.execution_time)
    .slice(0, 8)
    .map(({ unique_id: id, execution_time: seconds }) => ({
      node: id.split('.').slice(0, 1).concat(id.split('.').slice(2)).join('.'),
      seconds: round(seconds),
    }));
  const build = logTimes(join(targetDir, 'dbt-build.log'));
  return {
    ...measured,
    dbtBuildLoggedS: build.buildS,
    parse: build.fullParse ? 'full' : 'partial',
    parseS: build.parseS,
    dbtElapsedS: round(results.elapsed_time),
    freshnessLoggedS: build.freshnessS,
    nodes: results.results.length,
    nodesByKind,
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

export function venvVersions() {
  const python = join(repoRoot, '.venv', 'bin', 'python');
  const script =
    "import importlib.metadata as m; print(m.version('dbt-core'), m.version('dbt-duckdb'), m.version('duckdb'))";
  const [dbtCore = '?', dbtDuckdb = '?', duckdb = '?'] = spawnSync(python, ['-c', script], { encoding: 'utf8' })
    .stdout.trim()
    .split(' ');
  return { dbtCore, dbtDuckdb, duckdb, node: process.version };
}

/** The commit measured, and whether the warehouse's code (dbt/, src/transform/) differed from it. */
export function commitOf(): { commit: string; uncommittedWarehouseCode: boolean } {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).stdout.trim();
  return {
    commit: git('rev-parse', 'HEAD'),
    uncommittedWarehouseCode: git('status', '--porcelain', '--', 'dbt', 'src/transform') !== '',
  };
}
