/**
 * Many runs, one lake, one budget: `gmp ingest` processes at once on one lake (local and S3)
 * against the sandbox. Leases keep them off each other's pages, the ledger keeps them together
 * within the month's budget, each request is charged to the month it was sent in, and every
 * reader of the spend reads the ledger. Real sandbox, real S3 server, real child processes.
 */
import { loadEndpoints } from '../../src/config/load.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEDGER_BLOCK } from '../../src/ingest/ledger.js';
import { spentInMonth } from '../../src/lake/spend.js';
import { apiOrigin } from '../../src/lake/origin.js';
import { runsSince } from '../../src/lake/run-record.js';
import { readLakePanel } from '../../src/report/lake-panel.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { jsonLines, runGmp, spawnGmp, type GmpResult } from '../support/gmp.js';
import { configWith, freshLake, LAKE_KINDS, type TestLake } from '../support/lakes.js';
import { askedTwice, atOnce, distinctRequests, leasedUnits, storedPages } from '../support/shared-lake.js';
import { startS3Server, type S3Server } from '../support/s3-server.js';
import { DAY, gmpEnv, waitFor } from './support.js';

/** 4,000 games under a depth cap of 400 results: a snapshot read in windows, each sized by its page 1. */
const MAX_RESULTS = 400;
const BUDGET = 60;
const games = ['--endpoint', 'games', '--date', DAY];

let s3: S3Server;
let windowed: Sandbox;
beforeAll(async () => {
  s3 = await startS3Server();
  windowed = await startSandbox({ games: 4000, seed: 7, today: '2026-11-21', maxResults: MAX_RESULTS });
});
afterAll(async () => {
  await windowed?.close();
  await s3?.close();
});

const envOf = (
  lake: TestLake,
  sandbox: Sandbox,
  source: Record<string, unknown> = {},
  extra: Record<string, string> = {},
) => gmpEnv(lake, sandbox, { GMP_ENDPOINTS: configWith({ maxResults: MAX_RESULTS, ...source }), ...extra });

async function jsonOf(args: string[], env: Record<string, string>) {
  const result = await runGmp([...args, '--json'], env);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

const planSpent = async (env: Record<string, string>): Promise<number> =>
  (await jsonOf(['plan', ...games], env)).budget.spent;
const statusSpent = async (env: Record<string, string>): Promise<number> => {
  const spend = (await jsonOf(['lake', 'status'], env)).spend as { spent: number }[];
  return spend.reduce((sum, api) => sum + api.spent, 0);
};

describe.each(LAKE_KINDS)('four gmp ingest at once on one %s lake', (kind) => {
  it('never ask the same page twice, spend together at most the budget and one block each, and store every page once', async () => {
    // What one run alone asks for the same work: the four together must ask exactly that.
    const alone = await freshLake(kind, s3);
    windowed.resetStats();
    expect((await runGmp(['ingest', ...games], envOf(alone, windowed))).code).toBe(0);
    const needed = windowed.stats().requests;
    expect(needed).toBeGreaterThan(BUDGET);

    const lake = await freshLake(kind, s3);
    const env = envOf(lake, windowed, { monthlyRequestBudget: BUDGET });
    windowed.resetStats();
    const first = await atOnce(4, ['ingest', ...games, '--json'], env);
    // A run that starts once the others have spent the month is refused before its first request,
    // in one line and with no run record; the others end resumable.
    const refused = first.filter((run) => run.code !== 0);
    for (const run of refused)
      expect(run.stderr).toMatch(/^gmp: this run needs at least \d+ API requests but the month's \d+ are spent/);
    expect(refused.length).toBeLessThan(4);
    const served = windowed.stats().requests;
    expect(askedTwice(windowed)).toEqual({});
    expect(served).toBeLessThanOrEqual(BUDGET + 4 * LEDGER_BLOCK);
    const spent = await planSpent(env);
    expect(spent).toBeGreaterThanOrEqual(served);
    expect(spent).toBeLessThanOrEqual(BUDGET + 4 * LEDGER_BLOCK);
    expect(await statusSpent(env)).toBe(spent);
    // Runs that met a unit another run held said so, in their output and their record, and ended resumable.
    const skipped = first.filter((run) => run.code === 0 && leasedUnits(run).length > 0);
    // (Two or more runs at work meet each other's leases.)
    if (refused.length < 3) expect(skipped.length).toBeGreaterThan(0);
    for (const run of skipped)
      expect(jsonLines(run.stdout)[0]!.note, run.stdout).toMatch(/leased by runs? .*: skipped/);
    const records = await runsSince(lake.store);
    expect(records.map((record) => record.outcome)).toEqual(Array(4 - refused.length).fill('incomplete'));
    expect(records.some((record) => record.partitions.some((partition) => partition.leased?.length))).toBe(true);

    // The rest, four at a time with the budget ignored, until the snapshot is complete.
    for (let round = 0; round < 5; round++) {
      const results = await atOnce(4, ['ingest', ...games, '--json', '--ignore-budget'], env);
      if (results.some((run: GmpResult) => jsonLines(run.stdout)[0]?.complete === true)) break;
    }
    const [partition] = (await jsonOf(['lake', 'status'], env)).partitions as { complete: boolean; pages: number }[];
    expect(partition!.complete).toBe(true);
    expect(askedTwice(windowed)).toEqual({});
    expect(windowed.stats().requests).toBe(needed);
    expect(distinctRequests(windowed)).toBe(needed);
    expect(await storedPages(lake.store)).toBe(partition!.pages);
    expect(await storedPages(lake.store)).toBe(await storedPages(alone.store));
  }, 240_000);
});

describe('the lease of a run that stops', () => {
  const sandboxFor = () => startSandbox({ games: 2000, seed: 7, today: '2026-11-21' });

  it('killed on this machine: the next run takes the unit over at once, asking again only the pages in flight', async () => {
    const sandbox = await sandboxFor();
    try {
      const lake = await freshLake('local');
      const env = gmpEnv(lake, sandbox);
      sandbox.control({ latencyMs: 40 });
      const killed = spawnGmp(['ingest', ...games], env);
      await waitFor(() => sandbox.stats().requests >= 10);
      killed.child.kill('SIGKILL');
      await killed.done;
      sandbox.control({ latencyMs: 0 });

      const rerun = await runGmp(['ingest', ...games, '--json'], env);
      expect(jsonLines(rerun.stdout)[0]).toMatchObject({ complete: true });
      expect(leasedUnits(rerun)).toEqual([]);
      const again = Object.keys(askedTwice(sandbox));
      expect(again.length).toBeLessThanOrEqual(16); // the concurrency: at most the pages in flight at the kill
      expect(sandbox.stats().requests).toBe(distinctRequests(sandbox) + again.length);
    } finally {
      await sandbox.close();
    }
  }, 60_000);

  it('stalled (alive, not renewing): skipped while its lease lives, taken over once it expires; the stalled run then stops', async () => {
    const sandbox = await sandboxFor();
    try {
      const lake = await freshLake('local');
      // Long enough for the next run to start while it lives, on a busy machine too.
      const env = gmpEnv(lake, sandbox, { GMP_LEASE_SECONDS: '15' });
      sandbox.control({ latencyMs: 40 });
      const stalled = spawnGmp(['ingest', ...games, '--json'], env);
      await waitFor(() => sandbox.stats().requests >= 10);
      stalled.child.kill('SIGSTOP');
      sandbox.control({ latencyMs: 0 });
      await new Promise((resolve) => setTimeout(resolve, 300)); // requests it wrote just before the stop arrive

      const before = sandbox.stats().requests;
      const blocked = await runGmp(['ingest', ...games, '--json'], env);
      expect(blocked.code, blocked.stderr).toBe(0);
      expect(leasedUnits(blocked)).toEqual([`games/snapshot/${DAY}`]);
      expect(jsonLines(blocked.stdout)[0]).toMatchObject({ complete: false, apiRequests: 0 });
      expect(sandbox.stats().requests).toBe(before);

      // Until the stalled run's newest lease has expired.
      const newest = (await lake.store.list('_leases/')).at(-1)!;
      const { expiresAt } = JSON.parse(new TextDecoder().decode(await lake.store.get(newest))) as { expiresAt: string };
      await new Promise((resolve) => setTimeout(resolve, Date.parse(expiresAt) - Date.now() + 200));
      const takeOver = await runGmp(['ingest', ...games, '--json'], env);
      expect(jsonLines(takeOver.stdout)[0]).toMatchObject({ complete: true });

      stalled.child.kill('SIGCONT');
      const resumed = await stalled.done;
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(jsonLines(resumed.stdout)[0]).toMatchObject({ complete: false });
      const again = Object.keys(askedTwice(sandbox));
      expect(again.length).toBeLessThanOrEqual(16); // at most the pages it had in flight when it stalled
      expect(sandbox.stats().requests).toBe(distinctRequests(sandbox) + again.length);
    } finally {
      await sandbox.close();
    }
  }, 90_000);
});

describe('a run across a month end', () => {
  it('charges each month the requests sent in it, as the sandbox counted them, once', async () => {
    const sandbox = await startSandbox({ games: 2000, seed: 7, today: '2026-11-21' });
    const clock = join(mkdtempSync(join(tmpdir(), 'gmp-clock-')), 'now');
    writeFileSync(clock, '2026-12-31T23:59:58.000Z');
    process.env.GMP_CLOCK_FILE = clock; // the sandbox counts by the same clock
    try {
      const lake = await freshLake('local');
      const env = gmpEnv(lake, sandbox, { GMP_CLOCK_FILE: clock, GMP_ENDPOINTS: configWith({ concurrency: 1 }) });
      // One request at a time, each answered slowly: the clock moves while an answer is awaited, never between a charge and its send.
      sandbox.control({ latencyMs: 150 });
      const run = spawnGmp(['ingest', ...games, '--max-pages', '12', '--json'], env);
      await waitFor(() => sandbox.stats().requests >= 5);
      writeFileSync(clock, '2027-01-01T00:00:03.000Z');
      const result = await run.done;
      expect(result.code, result.stderr).toBe(0);

      const { byMonth } = sandbox.stats();
      expect(byMonth).toEqual({ '2026-12': 5, '2027-01': 7 });
      const api = apiOrigin(sandbox.url);
      expect(await spentInMonth(lake.store, api, '2026-12')).toBe(5);
      expect(await spentInMonth(lake.store, api, '2027-01')).toBe(7);
      const [record] = await runsSince(lake.store);
      expect(record).toMatchObject({
        apiRequests: 12,
        charged: { '2026-12': 5, '2027-01': 7 },
        month: { month: '2027-01', spent: 7 },
      });
      // In January, plan and lake status read January's spend, and agree.
      expect(await planSpent(env)).toBe(7);
      expect(await statusSpent(env)).toBe(7);
    } finally {
      delete process.env.GMP_CLOCK_FILE;
      await sandbox.close();
    }
  }, 60_000);
});

describe('the spend after runs at once, one of them killed', () => {
  it("is the ledger's in lake status, plan, the run summary and the report panel", async () => {
    const sandbox = await startSandbox({ games: 2000, seed: 7, today: '2026-11-21' });
    try {
      const lake = await freshLake('local');
      const env = gmpEnv(lake, sandbox, { GMP_LEASE_SECONDS: '2' });
      sandbox.control({ latencyMs: 30 });
      const genres = runGmp(['ingest', '--endpoint', 'genres', '--endpoint', 'tags', '--date', DAY], env);
      const killed = spawnGmp(['ingest', ...games], env);
      await waitFor(() => (sandbox.stats().byEndpoint.games ?? 0) >= 5);
      killed.child.kill('SIGKILL');
      await Promise.all([killed.done, genres]);
      sandbox.control({ latencyMs: 0 });
      await new Promise((resolve) => setTimeout(resolve, 2_500)); // the killed run's lease expires

      const last = await runGmp(['ingest', ...games], env);
      expect(last.code, last.stderr).toBe(0);
      const summary = /^(\d{4}-\d{2}): (\d+) of (\d+) API requests spent by all runs/m.exec(last.stdout);
      expect(summary, last.stdout).not.toBeNull();
      const spent = Number(summary![2]);
      const served = sandbox.stats().requests;
      // The killed run is charged its reserved block: at most one block more than the API served.
      expect(spent).toBeGreaterThanOrEqual(served);
      expect(spent).toBeLessThanOrEqual(served + LEDGER_BLOCK);
      expect(await planSpent(env)).toBe(spent);
      expect(await statusSpent(env)).toBe(spent);
      expect((await readLakePanel(lake.store, loadEndpoints())).sandboxRequestsThisMonth).toBe(spent); // the sandbox, on its own line of the panel
    } finally {
      await sandbox.close();
    }
  }, 60_000);
});
