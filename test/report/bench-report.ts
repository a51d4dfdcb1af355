/**
 * `make bench-report`: times `gmp report` on the benchmark warehouse of `make bench-dbt` (100,000
 * sandbox games), building that first when it is missing. Three runs of the CLI, as a user runs it.
 *   BENCH_GAMES=N for another number of games (the same variable as bench-dbt).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../src/paths.js';

const GAMES = Number(process.env.BENCH_GAMES ?? 100_000);
const RUNS = 3;
const workDir = join(repoRoot, 'bench', '.work', 'dbt-history', `games-${GAMES}`);
const warehouse = join(workDir, 'history.duckdb');
const lake = `file://${join(workDir, 'history-lake')}`;

if (!existsSync(warehouse)) {
  process.stderr.write(`no benchmark warehouse at ${warehouse}: building it with bench-dbt first\n`);
  const built = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'bench/dbt-history.ts')], {
    stdio: 'inherit',
    env: process.env,
  });
  if (built.status !== 0) throw new Error('bench-dbt failed');
}

const outDir = mkdtempSync(join(tmpdir(), 'gmp-bench-report-'));
const out = join(outDir, 'market-report.html');
const seconds: number[] = [];
const inside: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    [join(repoRoot, 'dist/cli.js'), 'report', '--warehouse', warehouse, '--lake', lake, '--out', out],
    {
      encoding: 'utf8',
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    },
  );
  seconds.push((performance.now() - started) / 1000);
  if (result.status !== 0) throw new Error(`gmp report failed: ${result.stderr}`);
  inside.push(Number(/report written in (\d+) ms/.exec(result.stderr)?.[1]) / 1000);
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const rows: [string, string][] = [
  [
    'warehouse',
    `${warehouse} (${(statSync(warehouse).size / 1e6).toFixed(0)} MB, ${GAMES.toLocaleString('en')} sandbox games)`,
  ],
  [
    'gmp report, whole command',
    `median ${median(seconds).toFixed(2)} s of ${RUNS} runs (${seconds.map((s) => s.toFixed(2)).join(', ')})`,
  ],
  ['  of which writing the report', `median ${median(inside).toFixed(2)} s (queries, lake panel, 10 charts, HTML)`],
  ['page', `${(statSync(out).size / 1024).toFixed(0)} KiB`],
];
const width = Math.max(...rows.map(([name]) => name.length));
for (const [name, value] of rows) process.stdout.write(`${name.padEnd(width)}  ${value}\n`);
rmSync(outDir, { recursive: true });
