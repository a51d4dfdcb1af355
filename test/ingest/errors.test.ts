import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadEndpoints } from '../../src/config/load.js';
import { startSandbox } from '../../src/sandbox/server.js';
import { cleanEnv, runGmp, type GmpResult } from '../support/gmp.js';
import { configWith, freshLake, lakeContents, LAKE_KINDS } from '../support/lakes.js';
import { freePort } from '../support/s3-server.js';
import { API_KEY, DAY, gmpEnv, useServers } from './support.js';

const servers = useServers();

/** A failure is one line on stderr (beside the JSON event log), naming the problem. */
function expectOneLine(result: GmpResult, code: number, pattern: RegExp): void {
  expect(result.code, result.stderr).toBe(code);
  const lines = result.stderr
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith('{'));
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toContain(API_KEY);
}

describe('bad input', () => {
  it('lists the valid endpoints when one is unknown (exit 2)', async () => {
    const result = await runGmp(['ingest', '--endpoint', 'gamez'], cleanEnv({ RAWG_API_KEY: API_KEY }));
    expectOneLine(
      result,
      2,
      /^gmp: unknown endpoint "gamez": valid endpoints are games, genres, platforms, parent_platforms, stores, publishers, developers, tags, game_details$/,
    );
  });

  it('names the invalid field of endpoints.json (exit 2)', async () => {
    const result = await runGmp(['config', 'check'], cleanEnv({ GMP_ENDPOINTS: configWith({ pageSize: 100 }) }));
    expectOneLine(result, 2, /endpoints\.json: source\.pageSize: .*40/);
  });

  it('refuses updated mode for an endpoint without an `updated` filter (exit 2)', async () => {
    const result = await runGmp(
      ['ingest', '--endpoint', 'genres', '--mode', 'updated'],
      cleanEnv({ RAWG_API_KEY: API_KEY }),
    );
    expectOneLine(result, 2, /endpoint "genres" has no `updated` filter/);
  });

  it('names the new word for the renamed --mode incremental (exit 2)', async () => {
    const result = await runGmp(
      ['ingest', '--endpoint', 'games', '--mode', 'incremental'],
      cleanEnv({ RAWG_API_KEY: API_KEY }),
    );
    expectOneLine(result, 2, /^gmp: --mode incremental is now --mode updated$/);
  });

  it('rejects a malformed date (exit 2)', async () => {
    const result = await runGmp(
      ['ingest', '--endpoint', 'games', '--date', '2026-02-30'],
      cleanEnv({ RAWG_API_KEY: API_KEY }),
    );
    expectOneLine(result, 2, /--date "2026-02-30" is not a date/);
  });

  it('asks for a key when RAWG_API_KEY is unset (exit 2)', async () => {
    const result = await runGmp(['ingest', '--endpoint', 'games'], cleanEnv());
    expectOneLine(result, 2, /RAWG_API_KEY is not set/);
  });

  it('rejects a LAKE_URL that is not a lake (exit 2)', async () => {
    const result = await runGmp(
      ['ingest', '--endpoint', 'games'],
      cleanEnv({ RAWG_API_KEY: API_KEY, LAKE_URL: 'ftp://somewhere' }),
    );
    expectOneLine(result, 2, /LAKE_URL "ftp:\/\/somewhere" is not a lake: use file:\/\/DIR or s3:\/\/BUCKET/);
  });

  it('says the store is unreachable, naming the partition and the endpoint tried (exit 1)', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const env = cleanEnv({
      RAWG_API_KEY: API_KEY,
      RAWG_BASE_URL: servers.sandbox.url,
      LAKE_URL: 's3://lake',
      S3_ENDPOINT: endpoint,
      AWS_ACCESS_KEY_ID: 'a',
      AWS_SECRET_ACCESS_KEY: 'b',
    });
    const result = await runGmp(['ingest', '--endpoint', 'games'], env);
    expectOneLine(result, 1, new RegExp(`object store s3://lake at ${endpoint} is unreachable \\(ECONNREFUSED\\)`));
  });

  it('names a missing bucket and how to create it (exit 1)', async () => {
    const env = cleanEnv({
      ...servers.s3.env,
      RAWG_API_KEY: API_KEY,
      RAWG_BASE_URL: servers.sandbox.url,
      LAKE_URL: 's3://never-created',
    });
    const result = await runGmp(['ingest', '--endpoint', 'games'], env);
    expectOneLine(result, 1, /bucket "never-created" does not exist .*: create it with "gmp lake init"/);
    const init = await runGmp(['lake', 'init'], env);
    expect(init.code).toBe(0);
    expect((await runGmp(['ingest', '--endpoint', 'genres'], env)).code).toBe(0);
  });

  it('says when the API refuses the key, without retrying (exit 1)', async () => {
    const sandbox = await startSandbox({ keys: ['another-key'] });
    try {
      const lake = await freshLake('local');
      const result = await runGmp(['ingest', '--endpoint', 'genres'], gmpEnv(lake, sandbox));
      expectOneLine(result, 1, /the API does not know this key: check RAWG_API_KEY/);
      expect(sandbox.stats().requests).toBe(1);
    } finally {
      await sandbox.close();
    }
  });
});

describe.each(LAKE_KINDS)('a spent quota, on a %s lake', (kind) => {
  it('fails in under a second with the quota message and exit 1, leaving nothing partial', async () => {
    const sandbox = await startSandbox({ games: 2000, quota: 5 });
    try {
      const lake = await freshLake(kind, servers.s3);
      const result = await runGmp(['ingest', '--endpoint', 'games', '--date', DAY], gmpEnv(lake, sandbox));
      expectOneLine(result, 1, /^gmp: games\/snapshot\/2026-11-20: the RAWG monthly request quota is spent/);
      // Never retried: at most the requests already in flight (the concurrency) saw the 401.
      expect(sandbox.stats().byStatus['401']).toBeGreaterThanOrEqual(1);
      expect(sandbox.stats().byStatus['401']).toBeLessThanOrEqual(loadEndpoints().source.concurrency);
      for (const [key, body] of await lakeContents(lake.store)) expect(() => JSON.parse(body), key).not.toThrow();
      const runs = [...(await lakeContents(lake.store, '_runs/')).values()].map((body) => JSON.parse(body));
      expect(runs).toMatchObject([{ outcome: 'failed', apiRequests: sandbox.stats().requests }]);
      // Typically ~0.1 s; a retried 401 would add at least 7.75 s of backoff (0.25 s doubling, 5 retries).
      expect(Date.parse(runs[0].finishedAt) - Date.parse(runs[0].startedAt)).toBeLessThan(2_000);
      if (kind === 'local') {
        expect(readdirSync(join(fileURLToPath(lake.url), '.staging'))).toEqual([]);
      }
    } finally {
      await sandbox.close();
    }
  });
});
