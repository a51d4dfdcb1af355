import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { todayUtc } from '../../src/dates.js';
import { jsonLines, runGmp } from '../support/gmp.js';
import { configWith, freshLake, lakePages } from '../support/lakes.js';
import { DAY, gmpEnv, useServers } from './support.js';

const servers = useServers();

/** The distinct game ids in a lake's pages. */
async function gameIds(lake: Awaited<ReturnType<typeof freshLake>>): Promise<Set<number>> {
  const ids = new Set<number>();
  for (const body of (await lakePages(lake.store)).values())
    for (const game of JSON.parse(body).results) ids.add(game.id);
  return ids;
}

describe('resume invariants', () => {
  it('resumes a partition with the page size its manifest recorded, whatever the config says now', async () => {
    const lake = await freshLake('local');
    const started = await runGmp(
      ['ingest', '--endpoint', 'games', '--date', DAY, '--max-pages', '10'],
      gmpEnv(lake, servers.sandbox, { GMP_ENDPOINTS: configWith({ pageSize: 20 }) }),
    );
    expect(started.code, started.stderr).toBe(0);
    const resumed = await runGmp(
      ['ingest', '--endpoint', 'games', '--date', DAY, '--json'],
      gmpEnv(lake, servers.sandbox),
    );
    expect(jsonLines(resumed.stdout)[0]).toMatchObject({ complete: true, apiRequests: 90 });
    expect((await gameIds(lake)).size).toBe(2000);
  });

  it('keeps an open snapshot open across days: later runs resume it under its own date', async () => {
    const lake = await freshLake('local');
    const env = gmpEnv(lake, servers.sandbox);
    await runGmp(['ingest', '--endpoint', 'games', '--date', DAY, '--max-pages', '5'], env);
    const resumed = await runGmp(['ingest', '--endpoint', 'games', '--mode', 'snapshot', '--json'], env);
    expect(jsonLines(resumed.stdout)[0]).toMatchObject({ date: DAY, complete: true, apiRequests: 45 });
    // Once complete, the next snapshot starts today.
    const next = await runGmp(
      ['ingest', '--endpoint', 'games', '--mode', 'snapshot', '--max-pages', '1', '--json'],
      env,
    );
    expect(jsonLines(next.stdout)[0]).toMatchObject({ date: todayUtc(), apiRequests: 1 });
  });

  it("does not seal today's updated partition: its pages are kept and the run ends incomplete", async () => {
    const lake = await freshLake('local');
    const result = await runGmp(
      ['ingest', '--endpoint', 'games', '--mode', 'updated', '--date', todayUtc(), '--json'],
      gmpEnv(lake, servers.sandbox),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(jsonLines(result.stdout)[0]).toMatchObject({
      complete: false,
      note: expect.stringMatching(/stays open until its UTC day is over/),
    });
    const prefix = join(fileURLToPath(lake.url), `raw/games/load=updated/date=${todayUtc()}`);
    expect(existsSync(join(prefix, '_manifest.json'))).toBe(true);
    expect(existsSync(join(prefix, '_SUCCESS'))).toBe(false);
  });

  it.each([
    [['--endpoint', 'games', '--date', '2099-01-01'], /--date 2099-01-01 is in the future/],
    [['--endpoint', 'games', '--mode', 'updated', '--date', '2099-01-01'], /--date 2099-01-01 is in the future/],
    [['--endpoint', 'games', '--max-pages', 'abc'], /--max-pages must be a positive whole number/],
    [['--endpoint', 'games', '--max-pages', '0'], /--max-pages must be a positive whole number/],
    [['--unit', 'games/snapshot'], /--unit "games\/snapshot" is not a unit id/],
    [
      ['--unit', `games/snapshot/${DAY}/updated~2000-01-01~2005-01-01`],
      /--unit games\/snapshot\/\S+ names no unit of the current plan .*`gmp plan --endpoint games` lists the units/,
    ],
  ])('refuses %j with exit 2 and no request', async (args, message) => {
    const lake = await freshLake('local');
    servers.sandbox.resetStats();
    const result = await runGmp(['ingest', ...args], gmpEnv(lake, servers.sandbox));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(servers.sandbox.stats().requests).toBe(0);
  });

  it('fetches an endpoint named twice once', async () => {
    const lake = await freshLake('local');
    const result = await runGmp(
      ['ingest', '--endpoint', 'genres', '--endpoint', 'genres', '--date', DAY, '--json'],
      gmpEnv(lake, servers.sandbox),
    );
    expect(jsonLines(result.stdout)).toHaveLength(1);
  });
});

describe('windows under the depth cap', () => {
  it('reads a listing deeper than the cap in windows, every game once with the updated partition of its date, and a rerun costs nothing', async () => {
    const lake = await freshLake('local');
    const env = gmpEnv(lake, servers.sandbox, { GMP_ENDPOINTS: configWith({ maxResults: 400 }) });
    servers.sandbox.resetStats();
    const result = await runGmp(['ingest', '--endpoint', 'games', '--date', DAY, '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(jsonLines(result.stdout)[0]).toMatchObject({ complete: true });
    // The windows end the day before the snapshot's date: the games of that day are its updated partition's.
    const windowed = (await gameIds(lake)).size;
    expect(windowed).toBeLessThan(2000);
    expect((await runGmp(['ingest', '--endpoint', 'games', '--mode', 'updated', '--date', DAY], env)).code).toBe(0);
    expect((await gameIds(lake)).size).toBe(2000);
    const plan = JSON.parse((await runGmp(['plan', '--endpoint', 'games', '--date', DAY, '--json'], env)).stdout);
    expect(plan).toMatchObject({ units: [{ state: 'complete' }], apiRequestsExpected: 0, shards: [] });

    servers.sandbox.resetStats();
    const rerun = await runGmp(['ingest', '--endpoint', 'games', '--date', DAY, '--json'], env);
    expect(jsonLines(rerun.stdout)[0]).toMatchObject({ complete: true, apiRequests: 0, storeRequests: 1 });
  });

  it('runs the units plan --json printed, shard by shard, to the same lake a single run makes', async () => {
    const env = (lake: Awaited<ReturnType<typeof freshLake>>) =>
      gmpEnv(lake, servers.sandbox, { GMP_ENDPOINTS: configWith({ maxResults: 400 }) });
    const single = await freshLake('local');
    await runGmp(['ingest', '--endpoint', 'games', '--date', DAY], env(single));

    const sharded = await freshLake('local');
    // A first capped run discovers the windows; the plan then deals the open ones into shards.
    await runGmp(['ingest', '--endpoint', 'games', '--date', DAY, '--max-pages', '4'], env(sharded));
    const plan = JSON.parse(
      (await runGmp(['plan', '--endpoint', 'games', '--date', DAY, '--json', '--shards', '3'], env(sharded))).stdout,
    );
    expect(plan.shards.length).toBeGreaterThan(1);
    expect(plan.units.filter((unit: { window: string | null }) => unit.window !== null).length).toBeGreaterThan(1);
    const results = await Promise.all(plan.shards.map((shard: { args: string[] }) => runGmp(shard.args, env(sharded))));
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    // Each shard did its own windows; the last to finish may not have seen the others' done,
    // so one more run seals the snapshot, with no API request.
    const seal = await runGmp(['ingest', '--endpoint', 'games', '--date', DAY, '--json'], env(sharded));
    expect(jsonLines(seal.stdout)[0]).toMatchObject({ complete: true, apiRequests: 0 });
    expect(await lakePages(sharded.store)).toEqual(await lakePages(single.store));
  });
});
