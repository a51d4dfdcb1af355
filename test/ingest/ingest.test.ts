import { beforeAll, describe, expect, it } from 'vitest';
import { redactUrl } from '../../src/source/redact.js';
import { jsonLines, runGmp, spawnGmp, type GmpResult } from '../support/gmp.js';
import { freshLake, lakeContents, lakePages, LAKE_KINDS, type TestLake } from '../support/lakes.js';
import { API_KEY, DAY, gmpEnv, useServers, waitFor } from './support.js';

const servers = useServers();
const outputs: GmpResult[] = [];
const lakes: TestLake[] = [];

async function gmp(args: string[], env: Record<string, string>): Promise<GmpResult> {
  const result = await runGmp(args, env);
  outputs.push(result);
  return result;
}

/** What the sandbox serves for a page, with the key taken out of next/previous. */
async function servedPage(path: string, page: number, params: Record<string, string> = {}): Promise<unknown> {
  const url = new URL(`${servers.sandbox.url}/${path}`);
  for (const [name, value] of Object.entries({ ...params, page: String(page), page_size: '40', key: API_KEY }))
    url.searchParams.set(name, value);
  const body = (await (await fetch(url)).json()) as { next: string | null; previous: string | null };
  return { ...body, next: body.next && redactUrl(body.next), previous: body.previous && redactUrl(body.previous) };
}

describe.each(LAKE_KINDS)('ingest into a %s lake', (kind) => {
  let lake: TestLake;
  let env: Record<string, string>;
  beforeAll(async () => {
    lake = await freshLake(kind, servers.s3);
    lakes.push(lake);
    env = gmpEnv(lake, servers.sandbox);
  });

  it('stores every page of every endpoint as the API served it, minus the key', async () => {
    servers.sandbox.resetStats();
    const result = await gmp(['ingest', '--all', '--mode', 'snapshot', '--date', DAY, '--json'], env);
    expect(result.stderr.split('\n').filter((l) => l && !l.startsWith('{'))).toEqual([]);
    expect(result.code).toBe(0);
    const lines = jsonLines(result.stdout);
    const partitions = lines.slice(0, -1);
    const totals = lines.at(-1)!;
    expect(partitions).toHaveLength(8);
    expect(partitions.every((p) => p.complete === true && p.load === 'snapshot' && p.date === DAY)).toBe(true);
    expect(totals).toMatchObject({ totals: true, partitions: 8, complete: true, retries: 0 });
    expect(totals.apiRequests).toBe(servers.sandbox.stats().requests);

    const pages = await lakePages(lake.store);
    expect(pages.size).toBe(totals.pagesFetched);
    const games = [...pages.keys()].filter((key) => key.startsWith(`raw/games/load=snapshot/date=${DAY}/`));
    expect(games).toHaveLength(50); // 2,000 games at 40 a page
    for (const key of [
      games[0]!,
      games[1]!,
      games[49]!,
      `raw/parent_platforms/load=snapshot/date=${DAY}/page=00001.json`,
    ]) {
      const [, endpoint, page] = /^raw\/([^/]+)\/.*page=(\d+)\.json$/.exec(key)!;
      const path = endpoint === 'parent_platforms' ? 'platforms/lists/parents' : endpoint!;
      expect(JSON.parse(pages.get(key)!), key).toEqual(await servedPage(path, Number(page)));
    }
    const objects = await lake.store.list(`raw/games/load=snapshot/date=${DAY}/`);
    expect(objects).toContain(`raw/games/load=snapshot/date=${DAY}/_SUCCESS`);
    expect(objects).toContain(`raw/games/load=snapshot/date=${DAY}/_manifest.json`);
  });

  it('names each partition by one id in ingest lines, plan and lake status', async () => {
    const own = await freshLake(kind, servers.s3);
    lakes.push(own);
    const ownEnv = gmpEnv(own, servers.sandbox);
    const selection = ['--endpoint', 'genres', '--endpoint', 'tags', '--mode', 'snapshot', '--date', DAY];
    const ids = [`genres/snapshot/${DAY}`, `tags/snapshot/${DAY}`];
    const ingest = await gmp(['ingest', ...selection], ownEnv);
    expect(ingest.code, ingest.stderr).toBe(0);
    expect(
      ingest.stdout
        .split('\n')
        .filter((line) => line.includes(': complete;'))
        .map((line) => line.split(':')[0]),
    ).toEqual(ids);
    const plan = await gmp(['plan', ...selection, '--json'], ownEnv);
    expect((JSON.parse(plan.stdout) as { units: { id: string; state: string }[] }).units).toEqual(
      ids.map((id) => expect.objectContaining({ id, state: 'complete' })),
    );
    const status = await gmp(['lake', 'status', '--json'], ownEnv);
    expect((JSON.parse(status.stdout) as { partitions: { id: string }[] }).partitions.map((p) => p.id).sort()).toEqual(
      ids,
    );
    const text = await gmp(['lake', 'status'], ownEnv);
    for (const id of ids) expect(text.stdout).toContain(`  ${id}: complete,`);
  });

  it('reruns finished work for 0 API requests and 1 store request a partition', async () => {
    // A lake of its own, filled here: the test holds whichever other tests run, or fail, before it.
    const done = await freshLake(kind, servers.s3);
    lakes.push(done);
    const doneEnv = gmpEnv(done, servers.sandbox);
    expect((await gmp(['ingest', '--all', '--mode', 'snapshot', '--date', DAY, '--json'], doneEnv)).code).toBe(0);
    servers.sandbox.resetStats();
    const result = await gmp(['ingest', '--all', '--mode', 'snapshot', '--date', DAY, '--json'], doneEnv);
    expect(result.code).toBe(0);
    const partitions = jsonLines(result.stdout).slice(0, -1);
    expect(partitions.map((p) => [p.endpoint, p.apiRequests, p.storeRequests, p.pagesFetched, p.complete])).toEqual(
      partitions.map((p) => [p.endpoint, 0, 1, 0, true]),
    );
    expect(partitions.find((p) => p.endpoint === 'games')!.pagesSkipped).toBe(50);
    expect(servers.sandbox.stats().requests).toBe(0);
  }, 120_000);

  it('ingests the updated partitions of a range of days, one partition a day', async () => {
    servers.sandbox.resetStats();
    const result = await gmp(
      ['ingest', '--endpoint', 'games', '--mode', 'updated', '--from', '2026-11-18', '--to', '2026-11-19', '--json'],
      env,
    );
    expect(result.code).toBe(0);
    const partitions = jsonLines(result.stdout).slice(0, -1);
    expect(partitions.map((p) => [p.load, p.date, p.complete])).toEqual([
      ['updated', '2026-11-18', true],
      ['updated', '2026-11-19', true],
    ]);
    const page = JSON.parse(
      (await lakeContents(lake.store, 'raw/games/load=updated/date=2026-11-18/page=00001')).values().next().value!,
    );
    expect(page.results.length).toBeGreaterThan(0);
    expect(page.results.every((game: { updated: string }) => game.updated.startsWith('2026-11-18'))).toBe(true);
    const [manifest] = (await lakeContents(lake.store, 'raw/games/load=updated/date=2026-11-18/_manifest')).values();
    expect(JSON.parse(manifest!)).toMatchObject({ params: { updated: '2026-11-18,2026-11-18' }, count: page.count });
  });

  it('resumes after SIGKILL by fetching exactly the missing pages, ending identical to an uninterrupted run', async () => {
    const crashed = await freshLake(kind, servers.s3);
    const clean = await freshLake(kind, servers.s3);
    lakes.push(crashed, clean);
    const args = ['ingest', '--endpoint', 'games', '--date', DAY, '--json'];
    expect((await gmp(args, gmpEnv(clean, servers.sandbox))).code).toBe(0);

    servers.sandbox.control({ latencyMs: 40 });
    servers.sandbox.resetStats();
    const { child, done } = spawnGmp(args, gmpEnv(crashed, servers.sandbox));
    await waitFor(() => servers.sandbox.stats().requests >= 20);
    child.kill('SIGKILL');
    outputs.push(await done);
    servers.sandbox.control({ latencyMs: 0 });
    // An upload the killed process had fully sent may still be landing in the S3 server.
    await new Promise((resolve) => setTimeout(resolve, 500));

    const before = await lakePages(crashed.store);
    const missing = 50 - before.size;
    expect(before.size).toBeGreaterThan(0);
    expect(missing).toBeGreaterThan(0);

    servers.sandbox.resetStats();
    const rerun = await gmp([...args], gmpEnv(crashed, servers.sandbox));
    expect(rerun.code).toBe(0);
    const [summary] = jsonLines(rerun.stdout);
    expect(summary).toMatchObject({
      complete: true,
      apiRequests: missing,
      pagesFetched: missing,
      pagesSkipped: before.size,
    });
    expect(servers.sandbox.stats().requests).toBe(missing);
    expect(await lakePages(crashed.store)).toEqual(await lakePages(clean.store));
  });

  it('follows a catalogue that grows during the run, and stops cleanly at one that shrinks', async () => {
    for (const [games, pages, resized] of [
      [2200, 55, 'grew'],
      [1800, 45, 'shrank'],
    ] as const) {
      const target = await freshLake(kind, servers.s3);
      lakes.push(target);
      servers.sandbox.control({ latencyMs: 60, games: 2000 });
      servers.sandbox.resetStats();
      const { done } = spawnGmp(
        ['ingest', '--endpoint', 'games', '--date', DAY, '--json'],
        gmpEnv(target, servers.sandbox),
      );
      await waitFor(() => servers.sandbox.stats().requests >= 3);
      servers.sandbox.control({ games });
      const result = await done;
      outputs.push(result);
      servers.sandbox.control({ latencyMs: 0, games: 2000 });
      expect(result.code, result.stderr).toBe(0);
      expect(jsonLines(result.stdout)[0]).toMatchObject({ complete: true });
      const success = JSON.parse(
        (await lakeContents(target.store, `raw/games/load=snapshot/date=${DAY}/_SUCCESS`)).values().next().value!,
      );
      expect(success).toMatchObject({ pages, resized });
      const stored = [...(await lakePages(target.store)).keys()];
      expect(stored).toContain(`raw/games/load=snapshot/date=${DAY}/page=${String(pages).padStart(5, '0')}.json`);
      expect(stored).not.toContain(
        `raw/games/load=snapshot/date=${DAY}/page=${String(pages + 1).padStart(5, '0')}.json`,
      );
    }
  });

  it('caps a run with --max-pages, leaves the partition incomplete, and a later run completes it', async () => {
    const target = await freshLake(kind, servers.s3);
    lakes.push(target);
    const env = gmpEnv(target, servers.sandbox);
    const capped = await gmp(['ingest', '--endpoint', 'games', '--date', DAY, '--max-pages', '12', '--json'], env);
    expect(capped.code).toBe(0);
    expect(jsonLines(capped.stdout)[0]).toMatchObject({ complete: false, apiRequests: 12, pagesFetched: 12 });
    expect(await target.store.exists(`raw/games/load=snapshot/date=${DAY}/_SUCCESS`)).toBe(false);
    const rest = await gmp(['ingest', '--endpoint', 'games', '--date', DAY, '--json'], env);
    expect(jsonLines(rest.stdout)[0]).toMatchObject({ complete: true, apiRequests: 38, pagesSkipped: 12 });
  });
});

describe('the API key', () => {
  it('appears in no object, log line, error message or run record', async () => {
    expect(outputs.length).toBeGreaterThan(5);
    for (const output of outputs) {
      expect(output.stdout).not.toContain(API_KEY);
      expect(output.stderr).not.toContain(API_KEY);
    }
    let objects = 0;
    for (const lake of lakes) {
      for (const [key, body] of await lakeContents(lake.store)) {
        objects += 1;
        expect(key).not.toContain(API_KEY);
        expect(body, key).not.toContain(API_KEY);
        expect(body, key).not.toMatch(/[?&]key=/);
      }
    }
    expect(objects).toBeGreaterThan(100);
  });
});
