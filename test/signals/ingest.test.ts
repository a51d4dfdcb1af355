/**
 * Every stop signal during `gmp ingest` (SIGTERM, Ctrl-C, a closed terminal's SIGHUP, SIGQUIT):
 * the fetching stops, the pages in flight land, the run record says `interrupted` with the
 * requests spent, one line says so, and the next run fetches only what is missing. Real sandbox
 * with latency, real local lake, real signals.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { cursorShownAtEnd, drawnLines, runOnTerminal } from '../output/pty.js';
import { cleanEnv, cliPath, jsonLines, runGmp, spawnGmp } from '../support/gmp.js';
import { waitFor } from './processes.js';

const DAY = '2024-06-01';
/** 2,000 games at 40 a page. */
const PAGES = 50;
const work = mkdtempSync(join(tmpdir(), 'gmp-ingest-signals-'));
const env = cleanEnv({ RAWG_API_KEY: 'x' });
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ games: 2000, seed: 6, today: DAY });
});
afterAll(async () => {
  await sandbox.close();
  rmSync(work, { recursive: true, force: true });
});

const ingestArgs = (lakeDir: string) => [
  'ingest',
  '--endpoint',
  'games',
  '--date',
  DAY,
  '--lake',
  `file://${lakeDir}`,
  '--base-url',
  sandbox.url,
];
const INTERRUPTED = (signal: string) => `gmp: interrupted by ${signal}: the next run resumes where this one stopped`;

function runRecords(lakeDir: string): { outcome: string; apiRequests: number }[] {
  const dir = join(lakeDir, '_runs');
  return readdirSync(dir)
    .sort()
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as { outcome: string; apiRequests: number });
}

const pagesIn = (lakeDir: string) =>
  readdirSync(join(lakeDir, 'raw/games/load=snapshot', `date=${DAY}`), { recursive: true }).filter((name) =>
    /page=\d+\.json$/.test(String(name)),
  ).length;

describe.each([
  ['SIGTERM', 143],
  ['SIGINT', 130],
  ['SIGHUP', 129],
  ['SIGQUIT', 131],
] as const)('%s during gmp ingest', (signal, exitCode) => {
  it(`records the run as interrupted with its requests, exits ${exitCode} with one line, and the next run fetches only the rest`, async () => {
    const lakeDir = join(work, `lake-${signal}`);
    sandbox.control({ latencyMs: 60 });
    sandbox.resetStats();
    const run = spawnGmp(ingestArgs(lakeDir), env);
    await waitFor('ten API requests', () => (sandbox.stats().requests >= 10 ? true : undefined), 60_000);
    run.child.kill(signal);
    const result = await run.done;
    sandbox.control({ latencyMs: 0 });

    expect(result.code).toBe(exitCode);
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(INTERRUPTED(signal));
    const [record] = runRecords(lakeDir);
    expect(record).toMatchObject({ outcome: 'interrupted', apiRequests: sandbox.stats().requests });
    const kept = pagesIn(lakeDir);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(PAGES);

    sandbox.resetStats();
    const rerun = await runGmp([...ingestArgs(lakeDir), '--json'], env);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(jsonLines(rerun.stdout).at(-1)).toMatchObject({ complete: true });
    expect(pagesIn(lakeDir)).toBe(PAGES);
    // Every page already in the lake is kept; the manifest or the first page may cost one request more.
    expect(sandbox.stats().requests).toBeLessThanOrEqual(PAGES - kept + 1);
  }, 300_000);
});

it('Ctrl-C at a terminal during ingest: the cursor comes back and one line says what happened', async () => {
  sandbox.control({ latencyMs: 60 });
  sandbox.resetStats();
  const run = runOnTerminal([process.execPath, cliPath, ...ingestArgs(join(work, 'lake-terminal'))], env, 100);
  const pid = await run.pid;
  await waitFor('ten API requests', () => (sandbox.stats().requests >= 10 ? true : undefined), 60_000);
  process.kill(pid, 'SIGINT');
  const { exitCode, output } = await run.done;
  sandbox.control({ latencyMs: 0 });
  expect(exitCode).toBe(130);
  expect(cursorShownAtEnd(output)).toBe(true);
  expect(drawnLines(output).at(-1)).toBe(INTERRUPTED('SIGINT'));
}, 300_000);
