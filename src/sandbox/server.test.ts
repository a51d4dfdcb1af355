import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { countReleasedBetween, countUpdatedBetween, filteredGameAt, gameAt, positionOfId } from './catalogue.js';
import { GENRES, PARENT_PLATFORMS, PLATFORMS, STORES, TAGS } from './reference-data.js';
import { startSandbox, type Sandbox } from './server.js';

const TODAY = '2025-06-15';
const YESTERDAY = '2025-06-14';

interface Page {
  count: number;
  next: string | null;
  previous: string | null;
  results: Record<string, unknown>[];
  [extra: string]: unknown;
}

async function getJson(url: string): Promise<{ status: number; body: Page & Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Page & Record<string, unknown> };
}

/** The link the real API would write for a path and query under /api/. */
const publicLink = (pathAndQuery: string) => `https://api.rawg.io/api/${pathAndQuery}`;

/** The same request on the sandbox: links name the public host, the sandbox listens elsewhere. */
const onSandbox = (link: string, sandboxUrl: string) => link.replace('https://api.rawg.io/api', sandboxUrl);

/** Follows `next` (on the sandbox) from a first URL and returns every page. */
async function walk(firstUrl: string): Promise<Page[]> {
  const base = firstUrl.slice(0, firstUrl.indexOf('/api') + '/api'.length);
  const pages: Page[] = [];
  for (let url: string | null = firstUrl; url;) {
    const { status, body } = await getJson(url);
    expect(status).toBe(200);
    pages.push(body);
    url = body.next && onSandbox(body.next, base);
  }
  return pages;
}

describe('sandbox server', () => {
  let sandbox: Sandbox;
  const api = (path: string) => `${sandbox.url}/${path}`;

  beforeAll(async () => {
    sandbox = await startSandbox({ games: 2_000, seed: 1, today: TODAY });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => {
    sandbox.control({
      games: 2_000,
      quota: null,
      errorRate: 0,
      rate429: 0,
      truncateRate: 0,
      latencyMs: 0,
      latencySpikeRate: 0,
      retryAfterSeconds: 1,
    });
    sandbox.resetStats();
  });

  it('serves /games pages of the catalogue in order, with the extra top-level keys', async () => {
    const { status, body } = await getJson(api('games?key=k&page_size=40&page=3'));
    expect(status).toBe(200);
    expect(body.count).toBe(2_000);
    expect(body.results.map((game) => game.id)).toEqual(
      Array.from({ length: 40 }, (_, i) => gameAt(1, 80 + i, TODAY).id),
    );
    expect(body.results[0]).toEqual(JSON.parse(JSON.stringify(gameAt(1, 80, TODAY))));
    for (const key of [
      'seo_title',
      'seo_description',
      'seo_keywords',
      'seo_h1',
      'noindex',
      'nofollow',
      'description',
      'filters',
      'nofollow_collections',
    ]) {
      expect(body, key).toHaveProperty(key);
    }
    const defaults = await getJson(api('games/?key=k'));
    expect(defaults.body.results).toHaveLength(20);
  });

  it('pages every list endpoint: default sizes, the cap of 40, and counts that add up', async () => {
    const cases: [path: string, count: number, defaultSize: number][] = [
      ['genres', GENRES.length, 40],
      ['platforms', PLATFORMS.length, 50],
      ['platforms/lists/parents', PARENT_PLATFORMS.length, 10],
      ['stores', STORES.length, 20],
      ['tags', TAGS.length, 10],
      ['publishers', 100, 10],
      ['developers', 200, 10],
      ['creators', 50, 10],
      ['creator-roles', 12, 10],
    ];
    for (const [path, count, defaultSize] of cases) {
      const first = await getJson(api(`${path}?key=k`));
      expect(first.status, path).toBe(200);
      expect(first.body.count, path).toBe(count);
      expect(first.body.results, path).toHaveLength(Math.min(count, defaultSize));
      const capped = await getJson(api(`${path}/?key=k&page_size=1000`));
      expect(capped.body.results, path).toHaveLength(Math.min(count, 40));
    }
    const publishers = (await walk(api('publishers?key=k&page_size=40'))).flatMap((page) => page.results);
    expect(publishers).toHaveLength(100);
    expect(new Set(publishers.map((p) => p.id)).size).toBe(100);
    const platforms = await walk(api('platforms?key=k&page_size=40'));
    expect(platforms.map((page) => page.results.length)).toEqual([40, PLATFORMS.length - 40]);
  });

  it('links next and previous as absolute URLs on the public host that carry every parameter, key included', async () => {
    const first = await getJson(api('games?key=secret&page_size=40'));
    expect(first.body.previous).toBeNull();
    expect(first.body.next).toBe(publicLink('games?key=secret&page=2&page_size=40'));
    const second = await getJson(api('games?page_size=40&key=secret&page=2'));
    expect(second.body.previous).toBe(publicLink('games?key=secret&page_size=40'));
    expect(second.body.next).toBe(publicLink('games?key=secret&page=3&page_size=40'));
    const last = await getJson(api('games?page=50&key=secret&page_size=40'));
    expect(last.body.next).toBeNull();
    expect(last.body.previous).toBe(publicLink('games?key=secret&page=49&page_size=40'));
    const slashed = await getJson(api('platforms/lists/parents/?page_size=5&key=k'));
    expect(slashed.body.next).toBe(publicLink('platforms/lists/parents/?key=k&page=2&page_size=5'));
    // The page numbers of the links walk the whole listing once.
    const pages = await walk(api('games?key=secret&page_size=40'));
    expect(pages).toHaveLength(50);
    expect(new Set(pages.flatMap((page) => page.results.map((game) => game.id))).size).toBe(2_000);
  });

  it('names the public host in links whatever host the request was sent to', async () => {
    const { port } = new URL(sandbox.url);
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/api/genres?key=k&page_size=5', headers: { Host: 'rawg.example:8443' } },
        (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve(text));
        },
      );
      req.on('error', reject).end();
    });
    expect((JSON.parse(body) as Page).next).toBe(publicLink('genres?key=k&page=2&page_size=5'));
  });

  it('answers 404 Invalid page for page 0, a non-number and past the end; page 1 of nothing is empty', async () => {
    for (const page of ['0', 'abc', '-1', '1.5', '51', '99999999999']) {
      const { status, body } = await getJson(api(`games?key=k&page_size=40&page=${page}`));
      expect(status, page).toBe(404);
      expect(body, page).toEqual({ detail: 'Invalid page.' });
    }
    const empty = await getJson(api(`games?key=k&updated=${TODAY},${TODAY}`));
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ count: 0, next: null, previous: null, results: [] });
    expect((await getJson(api(`games?key=k&updated=${TODAY},${TODAY}&page=2`))).status).toBe(404);
    const unknown = await getJson(api('games/lists/main?key=k'));
    expect(unknown).toEqual({ status: 404, body: { detail: 'Not found.' } });
  });

  it('refuses a missing, empty or unknown key with 401', async () => {
    expect(await getJson(api('games'))).toEqual({ status: 401, body: { error: 'The key parameter is not provided' } });
    expect(await getJson(api('games?key='))).toEqual({
      status: 401,
      body: { error: 'The key parameter is not provided' },
    });
    const strict = await startSandbox({ keys: ['good'], today: TODAY });
    try {
      expect(await getJson(`${strict.url}/genres?key=bad`)).toEqual({
        status: 401,
        body: { error: 'The API key is not found' },
      });
      expect((await getJson(`${strict.url}/genres?key=good`)).status).toBe(200);
    } finally {
      await strict.close();
    }
  });

  it('runs out of quota after N requests, before checking the key, until the quota is lifted', async () => {
    sandbox.control({ quota: 3 });
    for (let i = 0; i < 3; i++) expect((await getJson(api('genres?key=k'))).status).toBe(200);
    const spent = { status: 401, body: { error: 'The monthly API limit reached' } };
    expect(await getJson(api('genres?key=k'))).toEqual(spent);
    expect(await getJson(api('genres'))).toEqual(spent);
    expect((await fetch(`${sandbox.url.replace(/\/api$/, '')}/__stats`)).status).toBe(200); // never limited
    sandbox.control({ quota: null });
    expect((await getJson(api('genres?key=k'))).status).toBe(200);
    const limited = await startSandbox({ quota: 1, today: TODAY });
    try {
      expect((await getJson(`${limited.url}/genres?key=k`)).status).toBe(200);
      expect(await getJson(`${limited.url}/genres?key=k`)).toEqual(spent);
    } finally {
      await limited.close();
    }
  });

  it('filters updated=A,B to the games updated those days, in the thin shape, by day then position, over several pages', async () => {
    const yesterday = await getJson(api(`games?key=k&page_size=40&updated=${YESTERDAY},${YESTERDAY}`));
    expect(yesterday.body.count).toBe(countUpdatedBetween(1, TODAY, 2_000, YESTERDAY, YESTERDAY));
    expect(yesterday.body.count).toBeGreaterThanOrEqual(1);
    expect(yesterday.body.results.every((game) => String(game.updated).startsWith(YESTERDAY))).toBe(true);

    const [from, to] = ['2025-01-01', YESTERDAY];
    const expected = countUpdatedBetween(1, TODAY, 2_000, from, to);
    const pages = await walk(api(`games?key=k&page_size=40&updated=${from},${to}`));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.every((page) => page.count === expected)).toBe(true);
    const results = pages.flatMap((page) => page.results);
    expect(results).toHaveLength(expected);
    expect(
      results.every((game) => String(game.updated).slice(0, 10) >= from && String(game.updated).slice(0, 10) <= to),
    ).toBe(true);
    const order = results.map((game) => [String(game.updated).slice(0, 10), positionOfId(game.id as number)] as const);
    expect(order).toEqual(
      [...order].sort(([dayA, posA], [dayB, posB]) => (dayA === dayB ? posA - posB : dayA < dayB ? -1 : 1)),
    );
    const game = results[0]!;
    expect(game.score).toBeNull();
    expect(Object.keys((game.platforms as { platform: object }[])[0]!.platform)).toEqual(['id', 'name', 'slug']);
    expect(game).toEqual(JSON.parse(JSON.stringify(filteredGameAt(1, positionOfId(game.id as number), TODAY))));
    // Asked again, the same window is served in the same order.
    expect((await getJson(api(`games?key=k&page_size=40&updated=${from},${to}&page=2`))).body.results).toEqual(
      pages[1]!.results,
    );
    for (const bad of ['2025-06-14', '2025-13-01,2025-13-02', 'yesterday,today', '2025-06-14,2025-06-14,2025-06-15']) {
      const { status, body } = await getJson(api(`games?key=k&updated=${bad}`));
      expect(status, bad).toBe(400);
      expect(body.error, bad).toMatch(/updated/);
    }
  });

  it('filters dates=A,B[.C,D] by release date, never matching a game without one, and ANDs it with updated', async () => {
    const catalogue = Array.from({ length: 2_000 }, (_, position) => gameAt(1, position, TODAY));
    const released = (game: (typeof catalogue)[number], from: string, to: string) =>
      game.released !== null && game.released >= from && game.released <= to;
    const ids = (pages: Page[]) => pages.flatMap((page) => page.results.map((game) => game.id as number));

    const year2020 = await walk(api('games?key=k&page_size=40&dates=2020-01-01,2020-12-31'));
    expect(year2020[0]!.count).toBe(countReleasedBetween(1, TODAY, 2_000, '2020-01-01', '2020-12-31'));
    expect(new Set(ids(year2020))).toEqual(
      new Set(catalogue.filter((g) => released(g, '2020-01-01', '2020-12-31')).map((g) => g.id)),
    );
    const order = year2020
      .flatMap((page) => page.results)
      .map((game) => [String(game.released), positionOfId(game.id as number)] as const);
    expect(order).toEqual(
      [...order].sort(([dayA, posA], [dayB, posB]) => (dayA === dayB ? posA - posB : dayA < dayB ? -1 : 1)),
    );

    const twoYears = await getJson(api('games?key=k&dates=2010-01-01,2010-12-31.2020-01-01,2020-12-31'));
    expect(twoYears.body.count).toBe(
      year2020[0]!.count + countReleasedBetween(1, TODAY, 2_000, '2010-01-01', '2010-12-31'),
    );
    const overlapping = await getJson(api('games?key=k&dates=2020-01-01,2020-08-31.2020-03-01,2020-12-31'));
    expect(overlapping.body.count).toBe(year2020[0]!.count);
    const everything = await getJson(api('games?key=k&dates=1900-01-01,2999-12-31'));
    expect(everything.body.count).toBe(catalogue.filter((g) => g.released !== null).length);
    expect(everything.body.count).toBeLessThan(2_000);

    const both = await walk(
      api(`games?key=k&page_size=40&dates=2015-01-01,2020-12-31&updated=2024-01-01,${YESTERDAY}`),
    );
    const matching = catalogue.filter(
      (g) =>
        released(g, '2015-01-01', '2020-12-31') &&
        g.updated.slice(0, 10) >= '2024-01-01' &&
        g.updated.slice(0, 10) <= YESTERDAY,
    );
    expect(matching.length).toBeGreaterThan(40);
    expect(both[0]!.count).toBe(matching.length);
    expect(ids(both).sort()).toEqual(matching.map((g) => g.id).sort());
    expect(both[0]!.results[0]).toHaveProperty('score', null);

    for (const bad of ['2020-01-01', '2020-01-01,2020-12-31.', '2020-01-01,2020-02-30', '2020']) {
      const { status, body } = await getJson(api(`games?key=k&dates=${bad}`));
      expect(status, bad).toBe(400);
      expect(body.error, bad).toMatch(/dates/);
    }
  });

  it('serves only the first maxResults results of any listing: deeper pages are Invalid page while count and next say more', async () => {
    const capped = await startSandbox({ games: 2_000, today: TODAY, maxResults: 100 });
    try {
      const at = (path: string) => getJson(`${capped.url}/${path}`);
      const second = await at('games?key=k&page_size=40&page=2');
      expect(second.status).toBe(200);
      expect(second.body.count).toBe(2_000);
      expect(second.body.next).toBe(publicLink('games?key=k&page=3&page_size=40'));
      // Page 3 would reach result 120: past the window of 100, although it exists.
      expect(await at('games?key=k&page_size=40&page=3')).toEqual({ status: 404, body: { detail: 'Invalid page.' } });
      expect((await at('games?key=k&page_size=20&page=5')).status).toBe(200);
      expect((await at('games?key=k&page_size=20&page=6')).status).toBe(404);
      expect((await at('games?key=k&page=5')).status).toBe(200); // the default page size is 20
      expect((await at('games?key=k&page=6')).status).toBe(404);

      const window = `updated=2015-01-01,${YESTERDAY}`;
      const filtered = await at(`games?key=k&page_size=40&page=2&${window}`);
      expect(filtered.body.count).toBeGreaterThan(120);
      expect(filtered.body.next).not.toBeNull();
      expect((await at(`games?key=k&page_size=40&page=3&${window}`)).status).toBe(404);

      const publishers = await at('publishers?key=k&page_size=40&page=2');
      expect(publishers.body).toMatchObject({ count: 100, next: publicLink('publishers?key=k&page=3&page_size=40') });
      expect((await at('publishers?key=k&page_size=40&page=3')).status).toBe(404);
      expect((await at('genres?key=k')).status).toBe(200);
    } finally {
      await capped.close();
    }
    // The default window is 10,000 results: 250 pages of 40, 500 of 20.
    sandbox.control({ games: 12_000 });
    expect((await getJson(api('games?key=k&page_size=40&page=250'))).status).toBe(200);
    expect((await getJson(api('games?key=k&page_size=40&page=251'))).body).toEqual({ detail: 'Invalid page.' });
    expect((await getJson(api('games?key=k&page=500'))).status).toBe(200);
    expect((await getJson(api('games?key=k&page=501'))).status).toBe(404);
  });

  it('is deterministic: same seed, same bytes; another seed, other bytes', async () => {
    const twin = await startSandbox({ games: 2_000, seed: 1, today: TODAY });
    const other = await startSandbox({ games: 2_000, seed: 2, today: TODAY });
    try {
      const path = 'games?key=k&page_size=40&page=7';
      const bytes = async (base: string) => (await fetch(`${base}/${path}`)).text();
      const [mine, twins, others] = await Promise.all([bytes(sandbox.url), bytes(twin.url), bytes(other.url)]);
      expect(twins).toBe(mine);
      expect(others).not.toBe(mine);
    } finally {
      await Promise.all([twin.close(), other.close()]);
    }
  });

  it('grows and shrinks the catalogue at run time, through control() and POST /__control', async () => {
    const lastPage = api('games?key=k&page_size=40&page=50');
    expect((await getJson(lastPage)).body.next).toBeNull();
    sandbox.control({ games: 2_010 });
    const grown = await getJson(lastPage);
    expect(grown.body.count).toBe(2_010);
    expect(grown.body.next).toBe(publicLink('games?key=k&page=51&page_size=40'));
    expect((await getJson(onSandbox(grown.body.next!, sandbox.url))).body.results).toHaveLength(10);

    const control = async (body: string) =>
      fetch(`${sandbox.url.replace(/\/api$/, '')}/__control`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      });
    const shrunk = await control(JSON.stringify({ games: 1_950 }));
    expect(shrunk.status).toBe(200);
    expect(await shrunk.json()).toMatchObject({ games: 1_950 });
    expect(await getJson(lastPage)).toEqual({ status: 404, body: { detail: 'Invalid page.' } });
    const newLast = await getJson(api('games?key=k&page_size=40&page=49'));
    expect(newLast.body.next).toBeNull();
    expect(newLast.body.results).toHaveLength(30);
    // Filtered listings hide the dropped tail too, and show it again when it comes back.
    for (const games of [1_950, 2_010]) {
      sandbox.control({ games });
      const window = (await walk(api(`games?key=k&page_size=40&updated=2024-06-01,${YESTERDAY}`))).flatMap(
        (page) => page.results,
      );
      expect(window.length, String(games)).toBe(countUpdatedBetween(1, TODAY, games, '2024-06-01', YESTERDAY));
      expect(Math.max(...window.map((game) => positionOfId(game.id as number)))).toBeLessThan(games);
    }

    for (const bad of ['{"games":-1}', '{"games":"many"}', '{"errorRate":2}', '{"gamez":5}', 'not json']) {
      const response = await control(bad);
      expect(response.status, bad).toBe(400);
      expect(((await response.json()) as { error: string }).error, bad).toBeTruthy();
    }
    expect(() => sandbox.control({ games: -5 })).toThrow(ConfigError);
  });

  it('injects 429 with Retry-After, 5xx, truncated bodies and latency, on API routes only', async () => {
    sandbox.control({ rate429: 1, retryAfterSeconds: 7 });
    const throttled = await fetch(api('genres?key=k'));
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('7');
    await throttled.arrayBuffer();

    sandbox.control({ rate429: 0, errorRate: 1 });
    const statuses = await Promise.all(
      Array.from({ length: 12 }, async () => (await fetch(api('genres?key=k'))).status),
    );
    expect(statuses.every((status) => [500, 502, 503].includes(status))).toBe(true);
    expect((await fetch(`${sandbox.url.replace(/\/api$/, '')}/__stats`)).status).toBe(200);

    sandbox.control({ errorRate: 0, truncateRate: 1 });
    const truncated = await fetch(api('games?key=k&page_size=40'));
    expect(truncated.status).toBe(200);
    const bytes = Buffer.from(await truncated.arrayBuffer());
    expect(Number(truncated.headers.get('content-length'))).toBe(bytes.length);
    expect(() => JSON.parse(bytes.toString('utf8'))).toThrow();

    sandbox.control({ truncateRate: 0, latencyMs: 300 });
    const started = performance.now();
    const slow = await Promise.all(Array.from({ length: 6 }, async () => (await fetch(api('genres?key=k'))).status));
    const elapsed = performance.now() - started;
    expect(slow.every((status) => status === 200)).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(6 * 300); // waits overlap: latency does not block other requests
    expect(sandbox.stats().maxInFlight).toBeGreaterThanOrEqual(2);

    sandbox.control({ latencyMs: 0, latencySpikeRate: 1 });
    const spikeStart = performance.now();
    await (await fetch(api('genres?key=k'))).arrayBuffer();
    expect(performance.now() - spikeStart).toBeGreaterThanOrEqual(190);
  });

  it('counts API requests by endpoint and status in /__stats, and resets them', async () => {
    await fetch(api('games?key=k'));
    await fetch(api('games?key=k&page=999'));
    await fetch(api('platforms/lists/parents?key=k'));
    await fetch(api('genres'));
    const admin = sandbox.url.replace(/\/api$/, '');
    const stats = (await (await fetch(`${admin}/__stats`)).json()) as ReturnType<Sandbox['stats']>;
    expect(stats).toEqual({
      requests: 4,
      byEndpoint: { games: 2, parent_platforms: 1, genres: 1 },
      byStatus: { '200': 2, '404': 1, '401': 1 },
      // The key is left out: the same page asked with two keys is one page asked twice.
      byRequest: { '/api/games?': 1, '/api/games?page=999': 1, '/api/platforms/lists/parents?': 1, '/api/genres?': 1 },
      byMonth: { [new Date().toISOString().slice(0, 7)]: 4 },
      inFlight: 0,
      maxInFlight: 1,
      injected: { truncated: 0, latencySpike: 0 },
    });
    expect(sandbox.stats()).toEqual(stats);
    expect((await fetch(`${admin}/__stats/reset`, { method: 'POST' })).status).toBe(204);
    expect(sandbox.stats()).toMatchObject({ requests: 0, byEndpoint: {}, byStatus: {}, byRequest: {}, byMonth: {} });
  });

  it('counts the faults no status shows: bodies cut short and latency spikes', async () => {
    sandbox.resetStats();
    sandbox.control({ truncateRate: 1, latencyMs: 1, latencySpikeRate: 1 });
    try {
      await (await fetch(api('genres?key=k'))).arrayBuffer();
      await (await fetch(api('genres?key=k'))).arrayBuffer();
    } finally {
      sandbox.control({ truncateRate: 0, latencyMs: 0, latencySpikeRate: 0 });
    }
    expect(sandbox.stats()).toMatchObject({ byStatus: { '200': 2 }, injected: { truncated: 2, latencySpike: 2 } });
  });

  it('lives when asked: edits, deletions and additions between answers, offsets into the listing as it stands, and the truth in /__stats and /__served', async () => {
    const living = await startSandbox({
      games: 2_000,
      seed: 3,
      today: TODAY,
      editRate: 1,
      deleteRate: 0.5,
      addRate: 0.5,
    });
    try {
      const window = `games?key=k&page_size=40&updated=2000-01-01,${YESTERDAY}`;
      const first = await getJson(`${living.url}/${window}`);
      const second = await getJson(`${living.url}/${window}&page=2`);
      // One page answered: one game edited out of the window (to today), none deleted yet (half a deletion owed).
      expect(second.body.count).toBe(first.body.count - 1);
      const origin = new URL(living.url).origin;
      const stats = (await getJson(`${origin}/__stats`)).body as unknown as {
        changes: { edited: number[]; deleted: number[]; added: number[] };
      };
      expect(stats.changes.edited).toHaveLength(2);
      expect(stats.changes.deleted).toHaveLength(1);
      expect(stats.changes.added).toHaveLength(1);
      const served = (await (await fetch(`${origin}/__served`)).json()) as { id: number; updated: string }[];
      expect(served).toEqual(living.served());
      expect(served).toHaveLength(2_000 - 1 + 1);
      const today = (await (await fetch(`${origin}/__served?updated=${TODAY},${TODAY}`)).json()) as {
        id: number;
        updated: string;
      }[];
      expect(today.map((game) => game.id).sort()).toEqual([...stats.changes.edited, ...stats.changes.added].sort());
      // The same request answered now shows today's listing as the API serves it.
      const page = await getJson(`${living.url}/games?key=k&page_size=40&updated=${TODAY},${TODAY}`);
      expect(page.body.results.map((game) => game.id)).toEqual(today.map((game) => game.id));
      // Switched off at run time: the catalogue stands still.
      living.control({ editRate: 0, deleteRate: 0, addRate: 0 });
      const still = (await getJson(`${living.url}/${window}`)).body.count;
      expect((await getJson(`${living.url}/${window}`)).body.count).toBe(still);
    } finally {
      await living.close();
    }
  });

  it('answers updated= windows with nothing, or with everything, when told to', async () => {
    const broken = await startSandbox({ games: 2_000, seed: 3, today: TODAY, updatedFilter: 'empty' });
    try {
      expect((await getJson(`${broken.url}/games?key=k&updated=2000-01-01,${YESTERDAY}`)).body).toMatchObject({
        count: 0,
        results: [],
      });
      broken.control({ updatedFilter: 'ignored' });
      expect((await getJson(`${broken.url}/games?key=k&updated=2000-01-01,2000-01-02`)).body.count).toBe(2_000);
    } finally {
      await broken.close();
    }
  });

  it('refuses bad options with a one-line ConfigError', async () => {
    await expect(startSandbox({ games: -1 })).rejects.toThrow(ConfigError);
    await expect(startSandbox({ today: '2025-02-30' })).rejects.toThrow(/today/);
    await expect(startSandbox({ errorRate: 1.5 })).rejects.toThrow(/errorRate/);
    for (const maxResults of [0, -40, 2.5, Number.NaN])
      await expect(startSandbox({ maxResults }), String(maxResults)).rejects.toThrow(/maxResults/);
  });

  it('serves a 900,000-game catalogue: deep pages at once, and hundreds of window probes fast after one index build', async () => {
    const started = performance.now();
    const large = await startSandbox({ games: 900_000, today: TODAY, maxResults: 900_000 });
    try {
      const startup = performance.now() - started;
      const timed = async (path: string) => {
        const begin = performance.now();
        const reply = await getJson(`${large.url}/${path}`);
        return { ...reply, ms: performance.now() - begin };
      };
      const deep = await timed('games?key=k&page_size=40&page=22500');
      expect(deep.status).toBe(200);
      expect(deep.body.next).toBeNull();
      expect(deep.body.results[39]!.id).toBe(gameAt(1, 899_999, TODAY).id);

      // Resident memory: an upper bound on what the index costs, whatever the garbage collector did.
      const rssBefore = process.memoryUsage().rss;
      const first = await timed(`games?key=k&page_size=40&updated=${YESTERDAY},${YESTERDAY}`);
      expect(first.status).toBe(200);
      expect(first.body.count).toBe(countUpdatedBetween(1, TODAY, 900_000, YESTERDAY, YESTERDAY));
      const extraMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;

      // Distinct ranges, as a planner splitting the catalogue would probe them: updated windows of
      // 1 to 400 days, release ranges, and both together.
      const probes = Array.from({ length: 300 }, (_, i) => {
        const end = 20_253 - ((i * 37) % 6_000); // day numbers: 20,253 is 2025-06-14
        const from = isoDay(end - ((i * 13) % 400));
        if (i % 3 === 0) return `games?key=k&page_size=40&updated=${from},${isoDay(end)}`;
        if (i % 3 === 1) return `games?key=k&page_size=40&dates=${from},${isoDay(end)}`;
        return `games?key=k&page_size=40&dates=1990-01-01,${isoDay(end)}&updated=${from},${YESTERDAY}`;
      });
      // The client runs in another process, so this process's CPU time is the server's.
      const cpuBefore = process.cpuUsage();
      const replies = await fetchInChildProcess(probes.map((probe) => `${large.url}/${probe}`));
      const cpu = process.cpuUsage(cpuBefore);
      expect(replies.filter((reply) => reply.status !== 200)).toEqual([]);
      const times = replies.map((reply) => reply.ms).sort((a, b) => a - b);
      const [median, worst] = [times[times.length >> 1]!, times.at(-1)!];
      const serverCpu = (cpu.user + cpu.system) / 1000 / probes.length;
      console.log(
        `900,000 games: start ${startup.toFixed(1)} ms, page 22,500 ${deep.ms.toFixed(1)} ms, ` +
          `first filtered request (builds the index) ${first.ms.toFixed(0)} ms and ${extraMb.toFixed(0)} MB, ` +
          `${probes.length} distinct window probes of 40 games: median ${median.toFixed(1)} ms, worst ${worst.toFixed(1)} ms, ` +
          `server CPU ${serverCpu.toFixed(2)} ms each`,
      );
      expect(first.ms).toBeLessThan(2_000);
      expect(extraMb).toBeLessThan(100);
      expect(median).toBeLessThan(50);
      expect(serverCpu).toBeLessThan(50);

      // A window under the default cap pages to its end with each game once.
      const window = `updated=2025-06-01,${YESTERDAY}`;
      const ids = new Set<number>();
      let pages = 0;
      for (let url: string | null = `${large.url}/games?key=k&page_size=40&${window}`; url; pages++) {
        const { body } = await getJson(url);
        for (const game of body.results) ids.add(game.id as number);
        url = body.next && onSandbox(body.next, large.url);
      }
      expect(ids.size).toBe(countUpdatedBetween(1, TODAY, 900_000, '2025-06-01', YESTERDAY));
      expect(pages).toBe(Math.ceil(ids.size / 40));
    } finally {
      await large.close();
    }
  });
});

const isoDay = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);

/** Fetches the URLs one by one from a separate Node process: each answer's status and time. */
async function fetchInChildProcess(urls: string[]): Promise<{ status: number; ms: number }[]> {
  const script = `const urls = JSON.parse(process.argv[1]); const replies = [];
    for (const url of urls) {
      const begin = performance.now(); const r = await fetch(url); await r.arrayBuffer();
      replies.push({ status: r.status, ms: performance.now() - begin });
    }
    process.stdout.write(JSON.stringify(replies));`;
  const { stdout } = await promisify(execFile)(process.execPath, [
    '--input-type=module',
    '-e',
    script,
    JSON.stringify(urls),
  ]);
  return JSON.parse(stdout) as { status: number; ms: number }[];
}

describe('a game detail and its companies', () => {
  let sandbox: Sandbox;
  const key = 'key=k';
  beforeAll(async () => {
    sandbox = await startSandbox({ games: 3_000, seed: 5, today: TODAY });
  });
  afterAll(() => sandbox.close());

  it('serves the detail by id and by slug, with companies that their listings and filters agree with', async () => {
    const game = gameAt(5, 3, TODAY);
    const byId = await getJson(`${sandbox.url}/games/${game.id}?${key}`);
    const bySlug = await getJson(`${sandbox.url}/games/${game.slug}?${key}`);
    expect(byId.status).toBe(200);
    expect(bySlug.body).toEqual(byId.body);
    expect(byId.body).toMatchObject({ id: game.id, updated: game.updated, name_original: game.name });
    for (const kind of ['publishers', 'developers'] as const) {
      for (const company of byId.body[kind] as { id: number; games_count: number }[]) {
        const listing = await getJson(`${sandbox.url}/games?${kind}=${company.id}&page_size=40&${key}`);
        expect(listing.body.count).toBe(company.games_count);
        const ids: number[] = [];
        for (let page = 1; page <= Math.ceil(company.games_count / 40); page++) {
          const { body } = await getJson(`${sandbox.url}/games?${kind}=${company.id}&page_size=40&page=${page}&${key}`);
          ids.push(...body.results.map((item) => item.id as number));
        }
        expect(ids).toContain(game.id);
        // Every game the filter lists names the company in its own detail.
        for (const id of ids.slice(0, 5)) {
          const { body } = await getJson(`${sandbox.url}/games/${id}?${key}`);
          expect((body[kind] as { id: number }[]).map((c) => c.id)).toContain(company.id);
        }
      }
    }
  });

  it('answers 404 for an unknown game and a deleted one, and shows an edit’s new updated', async () => {
    expect((await getJson(`${sandbox.url}/games/123?${key}`)).status).toBe(404);
    expect((await getJson(`${sandbox.url}/games/no-such-game?${key}`)).body).toEqual({ detail: 'Not found.' });
    sandbox.control({ deleteRate: 1, editRate: 1 });
    await getJson(`${sandbox.url}/genres?${key}`);
    sandbox.control({ deleteRate: 0, editRate: 0 });
    const { deleted, edited } = sandbox.stats().changes!;
    expect((await getJson(`${sandbox.url}/games/${deleted[0]}?${key}`)).status).toBe(404);
    const served = sandbox.served().find((game) => game.id === edited[0])!;
    expect((await getJson(`${sandbox.url}/games/${edited[0]}?${key}`)).body.updated).toBe(served.updated);
  });
});
