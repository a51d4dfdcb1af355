import { beforeAll, describe, expect, it } from 'vitest';
import type { SandboxFaults, SandboxStats } from '../../src/sandbox/server.js';
import { jsonLines, runGmp } from '../support/gmp.js';
import { configWith, freshLake, lakeContents, lakePages, LAKE_KINDS } from '../support/lakes.js';
import { DAY, gmpEnv, useServers } from './support.js';

const servers = useServers();
const NO_FAULTS: SandboxFaults = {
  errorRate: 0,
  rate429: 0,
  retryAfterSeconds: 1,
  truncateRate: 0,
  latencyMs: 0,
  latencySpikeRate: 0,
};

// Each fault alone, at a rate that makes it certain to occur and (with 8 retries) certain to be
// survived; each test checks in the sandbox's counters that its fault really fired.
const FAULTS: [string, Partial<SandboxFaults>, (stats: SandboxStats) => number][] = [
  [
    '5xx answers',
    { errorRate: 0.3 },
    (s) => Object.entries(s.byStatus).reduce((sum, [status, n]) => sum + (status.startsWith('5') ? n : 0), 0),
  ],
  ['429 with Retry-After', { rate429: 0.3, retryAfterSeconds: 1 }, (s) => s.byStatus['429'] ?? 0],
  ['truncated bodies', { truncateRate: 0.3 }, (s) => s.injected.truncated],
  // Spikes of 100 ms + 1 s against the 500 ms request timeout of this test's config.
  ['timeouts', { latencyMs: 100, latencySpikeRate: 0.3 }, (s) => s.injected.latencySpike],
];

describe.each(LAKE_KINDS)('an unreliable API, on a %s lake', (kind) => {
  let clean: Map<string, string>;
  beforeAll(async () => {
    const lake = await freshLake(kind, servers.s3);
    expect((await runGmp(['ingest', '--endpoint', 'games', '--date', DAY], gmpEnv(lake, servers.sandbox))).code).toBe(
      0,
    );
    clean = await lakePages(lake.store);
  });

  it.each(FAULTS)(
    'survives %s, counting the retries in the summary and the run record',
    async (_, faults, firedFaults) => {
      const lake = await freshLake(kind, servers.s3);
      const env = gmpEnv(lake, servers.sandbox, { GMP_ENDPOINTS: configWith({ requestTimeoutMs: 500, retries: 8 }) });
      servers.sandbox.control({ ...NO_FAULTS, ...faults });
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
        // The fault really fired (a loaded machine may add timeouts of its own to the retries).
        expect(firedFaults(stats)).toBeGreaterThan(0);
        const record = JSON.parse([...(await lakeContents(lake.store, '_runs/')).values()][0]!);
        expect(record.retries).toBe(summary!.retries);
        expect(result.stderr).toMatch(/"msg":"retrying"/);
      } finally {
        servers.sandbox.control(NO_FAULTS);
      }
      expect(await lakePages(lake.store)).toEqual(clean);
    },
  );
});
