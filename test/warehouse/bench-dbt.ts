/**
 * `make bench-dbt`: times `dbt build --target dev` (models, data tests, unit tests) on a lake of
 * 100,000 sandbox games: a snapshot of every endpoint plus one updated window of games. The lake
 * is built once under bench/.work/dbt and reused (the sandbox is deterministic for a seed).
 *   BENCH_GAMES=N to change the catalogue size.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox } from '../../src/sandbox/server.js';
import { transform } from '../../src/transform/index.js';
import { repoRoot } from '../../src/transform/settings.js';

const GAMES = Number(process.env.BENCH_GAMES ?? 100_000);
const TODAY = '2024-06-01';
const GOAL_SECONDS = 60;
const workDir = join(repoRoot, 'bench', '.work', 'dbt', `games-${GAMES}`);
const lakeDir = join(workDir, 'lake');
const warehouse = join(workDir, 'game_market.duckdb');

/** Runs `gmp ingest` as a child process; the sandbox answers it from this process meanwhile. */
async function ingest(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'ingest', ...args], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const code = await new Promise((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`gmp ingest ${args.join(' ')} failed`);
}

async function buildLake(): Promise<number> {
  const started = performance.now();
  const sandbox = await startSandbox({ games: GAMES, seed: 1, today: TODAY });
  try {
    const env = { ...process.env, LAKE_URL: `file://${lakeDir}`, RAWG_API_KEY: 'bench', RAWG_BASE_URL: sandbox.url };
    await ingest(['--all', '--mode', 'snapshot', '--date', TODAY], env);
    await ingest(['--endpoint', 'games', '--mode', 'incremental', '--date', '2024-05-31'], env);
  } finally {
    await sandbox.close();
  }
  return (performance.now() - started) / 1000;
}

let lakeSeconds: number | undefined;
if (!existsSync(join(lakeDir, 'raw'))) {
  mkdirSync(workDir, { recursive: true });
  lakeSeconds = await buildLake();
}
rmSync(warehouse, { force: true });

let nodes = 0;
const started = performance.now();
await transform({
  target: 'dev',
  lakeUrl: `file://${lakeDir}`,
  warehousePath: warehouse,
  env: process.env,
  onProgress: (progress) => {
    if (progress.phase === 'dbt' && progress.node) nodes = progress.node.total;
  },
});
const dbtSeconds = (performance.now() - started) / 1000;

const rows: [string, string][] = [
  ['catalogue', `${GAMES.toLocaleString('en')} sandbox games`],
  ['lake', lakeSeconds === undefined ? `reused ${lakeDir}` : `ingested in ${lakeSeconds.toFixed(1)} s`],
  ['dbt build --target dev', `${dbtSeconds.toFixed(1)} s for ${nodes} nodes`],
  ['goal', `${GOAL_SECONDS} s (ratio ${(dbtSeconds / GOAL_SECONDS).toFixed(2)})`],
];
const width = Math.max(...rows.map(([name]) => name.length));
for (const [name, value] of rows) process.stdout.write(`${name.padEnd(width)}  ${value}\n`);
