import { describe, expect, it } from 'vitest';
import { jsonLines, runGmp } from '../support/gmp.js';
import { configWith, freshLake, LAKE_KINDS } from '../support/lakes.js';
import { DAY, gmpEnv, useServers } from './support.js';

const servers = useServers();

describe.each(LAKE_KINDS)("the month's request budget, on a %s lake", (kind) => {
  it('is summed from _runs/, shown by plan, and refuses a run that needs more than is left', async () => {
    const lake = await freshLake(kind, servers.s3);
    const env = gmpEnv(lake, servers.sandbox, { GMP_ENDPOINTS: configWith({ monthlyRequestBudget: 10 }) });
    const games = ['--endpoint', 'games', '--date', DAY];

    const first = await runGmp(['ingest', ...games, '--max-pages', '8', '--json'], env);
    expect(jsonLines(first.stdout)[0]).toMatchObject({ apiRequests: 8, complete: false });

    const plan = await runGmp(['plan', ...games, '--json'], env);
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout)).toMatchObject({
      partitions: [{ endpoint: 'games', state: 'resume', pages: 50, apiRequests: 42 }],
      apiRequestsAtLeast: 42,
      budget: { monthlyRequestBudget: 10, spentThisMonth: 8, left: 2 },
    });

    servers.sandbox.resetStats();
    const refused = await runGmp(['ingest', ...games], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/this run needs at least 42 API requests but only 2 of the month's 10 are left \(8 spent/);
    expect(servers.sandbox.stats().requests).toBe(0);

    const forced = await runGmp(['ingest', ...games, '--ignore-budget', '--json'], env);
    expect(jsonLines(forced.stdout)[0]).toMatchObject({ apiRequests: 42, complete: true });
  });
});
