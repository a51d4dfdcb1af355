import { describe, expect, it } from 'vitest';
import { LEDGER_BLOCK } from '../../src/ingest/ledger.js';
import { startSandbox } from '../../src/sandbox/server.js';
import { jsonLines, runGmp, spawnGmp } from '../support/gmp.js';
import { configWith, freshLake, LAKE_KINDS } from '../support/lakes.js';
import { DAY, gmpEnv, useServers, waitFor } from './support.js';

const servers = useServers();
const games = ['--endpoint', 'games', '--date', DAY];

async function planOf(env: Record<string, string>, args = games) {
  const plan = await runGmp(['plan', ...args, '--json'], env);
  expect(plan.code, plan.stderr).toBe(0);
  return JSON.parse(plan.stdout);
}

describe.each(LAKE_KINDS)("the month's request budget, on a %s lake", (kind) => {
  it('is kept in the ledger, shown by plan, spent to the last request and never past it', async () => {
    const lake = await freshLake(kind, servers.s3);
    const env = gmpEnv(lake, servers.sandbox, { GMP_ENDPOINTS: configWith({ monthlyRequestBudget: 10 }) });

    const first = await runGmp(['ingest', ...games, '--max-pages', '8', '--json'], env);
    expect(jsonLines(first.stdout)[0]).toMatchObject({ apiRequests: 8, complete: false });

    expect(await planOf(env)).toMatchObject({
      budget: { monthly: 10, spent: 8, left: 2 },
      units: [{ id: `games/snapshot/${DAY}`, state: 'resume', pages: 50, apiRequestsKnown: 42 }],
      apiRequestsExpected: 42,
      monthsNeeded: 5,
    });

    // What is left is spent, then the run stops: resumable, not failed.
    servers.sandbox.resetStats();
    const rest = await runGmp(['ingest', ...games, '--json'], env);
    expect(rest.code, rest.stderr).toBe(0);
    expect(jsonLines(rest.stdout)[0]).toMatchObject({
      apiRequests: 2,
      complete: false,
      note: expect.stringMatching(/budget is spent/),
    });
    expect(servers.sandbox.stats().requests).toBe(2);

    servers.sandbox.resetStats();
    const refused = await runGmp(['ingest', ...games], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/this run needs at least 40 API requests but the month's 10 are spent/);
    expect(servers.sandbox.stats().requests).toBe(0);

    const forced = await runGmp(['ingest', ...games, '--ignore-budget', '--json'], env);
    expect(jsonLines(forced.stdout)[0]).toMatchObject({ apiRequests: 40, complete: true });
  });
});

describe('counting every request against the budget', () => {
  it('counts retries: a run with a budget of 10 sends at most 10 requests to a failing API', async () => {
    const sandbox = await startSandbox({ games: 2000, errorRate: 0.5, seed: 3 });
    try {
      const lake = await freshLake('local');
      const env = gmpEnv(lake, sandbox, { GMP_ENDPOINTS: configWith({ monthlyRequestBudget: 10, retries: 20 }) });
      await runGmp(['ingest', ...games, '--json'], env);
      expect(sandbox.stats().requests).toBeGreaterThan(0);
      expect(sandbox.stats().requests).toBeLessThanOrEqual(10);
      expect((await planOf(env)).budget.spent).toBe(sandbox.stats().requests);
    } finally {
      await sandbox.close();
    }
  });

  it('counts the requests of runs killed with SIGKILL, at most one ledger block more', async () => {
    const lake = await freshLake('local');
    const env = gmpEnv(lake, servers.sandbox);
    servers.sandbox.control({ latencyMs: 20 });
    servers.sandbox.resetStats();
    try {
      for (let kill = 0; kill < 3; kill++) {
        // A partition each: a killed run's lease keeps other runs off its unit until it expires.
        const { child, done } = spawnGmp(['ingest', '--endpoint', 'games', '--date', `2026-11-1${kill}`], env);
        const before = servers.sandbox.stats().requests;
        await waitFor(() => servers.sandbox.stats().requests >= before + 10);
        child.kill('SIGKILL');
        await done;
      }
      await new Promise((resolve) => setTimeout(resolve, 200)); // answers to requests already sent
      const served = servers.sandbox.stats().requests;
      const { spent } = (await planOf(env)).budget;
      expect(spent).toBeGreaterThanOrEqual(served);
      expect(spent).toBeLessThanOrEqual(served + 3 * LEDGER_BLOCK);
    } finally {
      servers.sandbox.control({ latencyMs: 0 });
    }
  });

  it('keys the budget on the API, not on how its URL is spelled', async () => {
    const lake = await freshLake('local');
    const env = gmpEnv(lake, servers.sandbox);
    await runGmp(['ingest', ...games, '--max-pages', '3'], env);
    const spelled = servers.sandbox.url.replace('127.0.0.1', 'localhost').replace(/\/api$/, '/api/');
    expect((await planOf(env, [...games, '--base-url', spelled])).budget.spent).toBe(3);
  });
});
