import { describe, expect, it } from 'vitest';
import { jsonLines, runGmp } from '../support/gmp.js';
import { configWith, freshLake, lakeContents, lakePages, LAKE_KINDS } from '../support/lakes.js';
import { DAY, gmpEnv, useServers } from './support.js';

const servers = useServers();

describe.each(LAKE_KINDS)('an unreliable API, on a %s lake', (kind) => {
  it('survives 5xx, 429 with Retry-After, timeouts and truncated bodies, and counts the retries', async () => {
    const clean = await freshLake(kind, servers.s3);
    expect((await runGmp(['ingest', '--endpoint', 'games', '--date', DAY], gmpEnv(clean, servers.sandbox))).code).toBe(0);

    const lake = await freshLake(kind, servers.s3);
    // Timeouts: spikes of at least 200 ms against a 150 ms request timeout.
    const env = gmpEnv(lake, servers.sandbox, { GMP_ENDPOINTS: configWith({ requestTimeoutMs: 150, retries: 8 }) });
    servers.sandbox.control({ errorRate: 0.1, rate429: 0.05, retryAfterSeconds: 1, truncateRate: 0.05, latencyMs: 5, latencySpikeRate: 0.05 });
    servers.sandbox.resetStats();
    try {
      const result = await runGmp(['ingest', '--endpoint', 'games', '--date', DAY, '--json'], env);
      expect(result.code, result.stderr).toBe(0);
      const [summary] = jsonLines(result.stdout);
      const stats = servers.sandbox.stats();
      expect(summary).toMatchObject({ complete: true, pagesFetched: 50 });
      expect(summary!.retries).toBeGreaterThan(0);
      expect(summary!.apiRequests).toBe(stats.requests);
      expect(summary!.apiRequests).toBe(50 + (summary!.retries as number));
      expect(stats.byStatus['429']).toBeGreaterThan(0);
      expect(Object.keys(stats.byStatus).some((status) => status.startsWith('5'))).toBe(true);
      const record = JSON.parse([...(await lakeContents(lake.store, '_runs/')).values()][0]!);
      expect(record.retries).toBe(summary!.retries);
      expect(result.stderr).toMatch(/"msg":"retrying"/);
    } finally {
      servers.sandbox.control({ errorRate: 0, rate429: 0, truncateRate: 0, latencyMs: 0, latencySpikeRate: 0 });
    }
    expect(await lakePages(lake.store)).toEqual(await lakePages(clean.store));
  });
});
