/**
 * Stop signals to `gmp transform` while dbt builds: dbt and everything it started are stopped
 * before gmp exits, so the DuckDB lock is free and the next build succeeds at once. A gmp killed
 * outright takes dbt with it all the same; a warehouse another live process holds gets one line.
 * Real sandbox lake, real dbt, real signals; processes are read from /proc.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/server.js';
import { cursorShownAtEnd, drawnLines, runOnTerminal } from '../output/pty.js';
import { cleanEnv, cliPath, runGmp, spawnGmp } from '../support/gmp.js';
import { venvPython } from '../../src/transform/venv.js';
import { childrenOf, groupMembers, processes, waitFor } from './processes.js';

const work = mkdtempSync(join(tmpdir(), 'gmp-signals-'));
const lake = `file://${join(work, 'lake')}`;
const env = cleanEnv();

beforeAll(async () => {
  const sandbox = await startSandbox({ games: 400, seed: 3, today: '2024-06-01' });
  try {
    const ingest = await runGmp(
      ['ingest', '--all', '--date', '2024-06-01', '--lake', lake, '--base-url', sandbox.url],
      { ...env, RAWG_API_KEY: 'x' },
    );
    expect(ingest.code, ingest.stderr).toBe(0);
  } finally {
    await sandbox.close();
  }
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Starts a build and waits until dbt has finished a node: it has the warehouse open. */
async function buildUnderWay(warehouse: string) {
  const run = spawnGmp(['transform', '--lake', lake, '--warehouse', warehouse], env);
  let stderr = '';
  run.child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const dbt = await waitFor('dbt to start', () => childrenOf(run.child.pid!).find((p) => /\/dbt\b/.test(p.command)));
  await waitFor('dbt to finish a node', () => (/"phase":"dbt".*"done":/.test(stderr) ? true : undefined));
  return { ...run, dbtGroup: dbt.pid };
}

describe.each([
  ['SIGTERM', 143],
  ['SIGINT', 130],
  ['SIGHUP', 129],
] as const)('%s to gmp transform while dbt builds', (signal, exitCode) => {
  it(`stops dbt and its children, exits ${exitCode} with one line, and the next build succeeds`, async () => {
    const warehouse = join(work, `${signal}.duckdb`);
    const build = await buildUnderWay(warehouse);
    expect(groupMembers(build.dbtGroup).length).toBeGreaterThan(0);
    build.child.kill(signal);
    const result = await build.done;

    expect(result.code).toBe(exitCode);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines.at(-1)).toBe(
      `gmp: interrupted by ${signal}: dbt was stopped; the next gmp transform builds the warehouse again`,
    );
    expect(groupMembers(build.dbtGroup)).toEqual([]);

    const again = await runGmp(['transform', '--lake', lake, '--warehouse', warehouse], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(`warehouse: ${warehouse}\n`);
  }, 600_000);
});

it('a second signal ends gmp at once, and dbt goes with it', async () => {
  const build = await buildUnderWay(join(work, 'twice.duckdb'));
  // dbt gets SIGTERM and a grace period; the second signal does not wait for it.
  build.child.kill('SIGTERM');
  build.child.kill('SIGTERM');
  const result = await build.done;
  expect(result.code).toBe(143);
  await waitFor('dbt to be gone', () => (groupMembers(build.dbtGroup).length === 0 ? true : undefined), 5_000);
}, 600_000);

it('SIGKILL to gmp while dbt builds: dbt goes with it, no python is left, and the next build succeeds', async () => {
  const warehouse = join(work, 'killed.duckdb');
  const build = await buildUnderWay(warehouse);
  build.child.kill('SIGKILL');
  const result = await build.done;
  expect(result.signal).toBe('SIGKILL');
  await waitFor('dbt to be gone', () => (groupMembers(build.dbtGroup).length === 0 ? true : undefined), 15_000);
  expect(
    processes().filter((p) => p.command.includes('build_then_freshness.py') && p.command.includes(warehouse)),
  ).toEqual([]);

  const again = await runGmp(['transform', '--lake', lake, '--warehouse', warehouse], env);
  expect(again.code, again.stderr).toBe(0);
  expect(again.stdout).toBe(`warehouse: ${warehouse}\n`);
}, 600_000);

it('a warehouse another live process holds: one line names it and what to do', async () => {
  const warehouse = join(work, 'held.duckdb');
  const holder = spawn(
    venvPython,
    [
      '-c',
      'import duckdb, sys, time; held = duckdb.connect(sys.argv[1]); print("open", flush=True); time.sleep(600)',
      warehouse,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    await once(holder.stdout!, 'data');
    const result = await runGmp(['transform', '--lake', lake, '--warehouse', warehouse], env);
    expect(result.code).toBe(1);
    const line = result.stderr.trimEnd().split('\n').at(-1)!;
    expect(line.startsWith(`gmp: the warehouse ${warehouse} is open in `), line).toBe(true);
    expect(line).toContain(
      `(PID ${holder.pid}): let it finish, or stop it (kill ${holder.pid}), then run gmp transform again`,
    );
  } finally {
    holder.kill('SIGKILL');
  }
}, 600_000);

it('Ctrl-C at a terminal while dbt builds: the cursor comes back and one line says what happened', async () => {
  const run = runOnTerminal(
    [process.execPath, cliPath, 'transform', '--lake', lake, '--warehouse', join(work, 'terminal.duckdb')],
    env,
    80,
  );
  const pid = await run.pid;
  await waitFor('the dbt bar', () => (/dbt build \|.*\| [1-9]\d*\/\d+/.test(run.output()) ? true : undefined));
  process.kill(pid, 'SIGINT');
  const { exitCode, output } = await run.done;
  expect(exitCode).toBe(130);
  expect(cursorShownAtEnd(output)).toBe(true);
  expect(drawnLines(output).at(-1)).toBe(
    'gmp: interrupted by SIGINT: dbt was stopped; the next gmp transform builds the warehouse again',
  );
}, 600_000);
