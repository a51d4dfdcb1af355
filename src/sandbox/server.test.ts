import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { countUpdatedBetween, filteredGameAt, gameAt, positionOfId } from './catalogue.js';
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

/** Follows `next` from a first URL and returns every page. */
async function walk(firstUrl: string): Promise<Page[]> {
  const pages: Page[] = [];
  for (let url: string | null = firstUrl; url; ) {
    const { status, body } = await getJson(url);
    expect(status).toBe(200);
    pages.push(body);
    url = body.next;
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
    sandbox.control({ games: 2_000, quota: null, errorRate: 0, rate429: 0, truncateRate: 0, latencyMs: 0, latencySpikeRate: 0, retryAfterSeconds: 1 });
    sandbox.resetStats();
  });

  it('serves /games pages of the catalogue in order, with the extra top-level keys', async () => {
    const { status, body } = await getJson(api('games?key=k&page_size=40&page=3'));
    expect(status).toBe(200);
    expect(body.count).toBe(2_000);
    expect(body.results.map((game) => game.id)).toEqual(Array.from({ length: 40 }, (_, i) => gameAt(1, 80 + i, TODAY).id));
    expect(body.results[0]).toEqual(JSON.parse(JSON.stringify(gameAt(1, 80, TODAY))));
    for (const key of ['seo_title', 'seo_description', 'seo_keywords', 'seo_h1', 'noindex', 'nofollow', 'description', 'filters', 'nofollow_collections']) {
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

  it('links next and previous as absolute URLs that carry every parameter, key included', async () => {
    const first = await getJson(api('games?key=secret&page_size=40'));
    expect(first.body.previous).toBeNull();
    expect(first.body.next).toBe(api('games?key=secret&page=2&page_size=40'));
    const second = await getJson(first.body.next!);
    expect(second.body.previous).toBe(api('games?key=secret&page_size=40'));
    expect(second.body.next).toBe(api('games?key=secret&page=3&page_size=40'));
    const last = await getJson(api('games?page=50&key=secret&page_size=40'));
    expect(last.body.next).toBeNull();
    expect(last.body.previous).toBe(api('games?key=secret&page=49&page_size=40'));
    const pages = await walk(api('games?key=secret&page_size=40'));
    expect(pages).toHaveLength(50);
    expect(new Set(pages.flatMap((page) => page.results.map((game) => game.id))).size).toBe(2_000);
  });

  it('builds links from the Host header of the request', async () => {
    const { port } = new URL(sandbox.url);
    const body = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/api/genres?key=k&page_size=5', headers: { Host: 'rawg.example:8443' } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject).end();
    });
    expect((JSON.parse(body) as Page).next).toBe('http://rawg.example:8443/api/genres?key=k&page=2&page_size=5');
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
    expect(await getJson(api('games?key='))).toEqual({ status: 401, body: { error: 'The key parameter is not provided' } });
    const strict = await startSandbox({ keys: ['good'], today: TODAY });
    try {
      expect(await getJson(`${strict.url}/genres?key=bad`)).toEqual({ status: 401, body: { error: 'The API key is not found' } });
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

  it('filters updated=D,D to the games updated that day, in the thin shape, over several pages', async () => {
    const expected = countUpdatedBetween(1, TODAY, 2_000, YESTERDAY, YESTERDAY);
    const pages = await walk(api(`games?key=k&page_size=40&updated=${YESTERDAY},${YESTERDAY}`));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages[0]!.count).toBe(expected);
    const results = pages.flatMap((page) => page.results);
    expect(results).toHaveLength(expected);
    expect(results.every((game) => String(game.updated).startsWith(YESTERDAY))).toBe(true);
    const game = results[0]!;
    expect(game.score).toBeNull();
    expect(Object.keys((game.platforms as { platform: object }[])[0]!.platform)).toEqual(['id', 'name', 'slug']);
    expect(game).toEqual(JSON.parse(JSON.stringify(filteredGameAt(1, positionOfId(game.id as number), TODAY))));
    const twoDays = await getJson(api(`games?key=k&updated=2025-06-13,${YESTERDAY}`));
    expect(twoDays.body.count).toBe(expected + countUpdatedBetween(1, TODAY, 2_000, '2025-06-13', '2025-06-13'));
    for (const bad of ['2025-06-14', '2025-13-01,2025-13-02', 'yesterday,today', '2025-06-14,2025-06-14,2025-06-15']) {
      const { status, body } = await getJson(api(`games?key=k&updated=${bad}`));
      expect(status, bad).toBe(400);
      expect(body.error, bad).toMatch(/updated/);
    }
  });

  it('is deterministic: same seed, same bytes; another seed, other bytes', async () => {
    const twin = await startSandbox({ games: 2_000, seed: 1, today: TODAY });
    const other = await startSandbox({ games: 2_000, seed: 2, today: TODAY });
    try {
      const path = 'games?key=k&page_size=40&page=7';
      const bytes = async (base: string) => (await fetch(`${base}/${path}`)).text();
      const [mine, twins, others] = await Promise.all([bytes(sandbox.url), bytes(twin.url), bytes(other.url)]);
      const withoutPort = (text: string) => text.replaceAll(/127\.0\.0\.1:\d+/g, 'host');
      expect(withoutPort(twins)).toBe(withoutPort(mine));
      expect(withoutPort(others)).not.toBe(withoutPort(mine));
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
    expect(grown.body.next).toBe(api('games?key=k&page=51&page_size=40'));
    expect((await getJson(grown.body.next!)).body.results).toHaveLength(10);

    const control = async (body: string) =>
      fetch(`${sandbox.url.replace(/\/api$/, '')}/__control`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    const shrunk = await control(JSON.stringify({ games: 1_950 }));
    expect(shrunk.status).toBe(200);
    expect(await shrunk.json()).toMatchObject({ games: 1_950 });
    expect(await getJson(lastPage)).toEqual({ status: 404, body: { detail: 'Invalid page.' } });
    const newLast = await getJson(api('games?key=k&page_size=40&page=49'));
    expect(newLast.body.next).toBeNull();
    expect(newLast.body.results).toHaveLength(30);

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
    const statuses = await Promise.all(Array.from({ length: 12 }, async () => (await fetch(api('genres?key=k'))).status));
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
      inFlight: 0,
      maxInFlight: 1,
    });
    expect(sandbox.stats()).toEqual(stats);
    expect((await fetch(`${admin}/__stats/reset`, { method: 'POST' })).status).toBe(204);
    expect(sandbox.stats()).toMatchObject({ requests: 0, byEndpoint: {}, byStatus: {} });
  });

  it('refuses bad options with a one-line ConfigError', async () => {
    await expect(startSandbox({ games: -1 })).rejects.toThrow(ConfigError);
    await expect(startSandbox({ today: '2025-02-30' })).rejects.toThrow(/today/);
    await expect(startSandbox({ errorRate: 1.5 })).rejects.toThrow(/errorRate/);
  });

  it('serves deep pages of a 400,000-game catalogue at once', async () => {
    const started = performance.now();
    const large = await startSandbox({ games: 400_000, today: TODAY });
    try {
      const startup = performance.now() - started;
      const pageStart = performance.now();
      const { status, body } = await getJson(`${large.url}/games?key=k&page_size=40&page=10000`);
      const page = performance.now() - pageStart;
      expect(status).toBe(200);
      expect(body.results).toHaveLength(40);
      expect(body.next).toBeNull();
      expect(body.results[39]!.id).toBe(gameAt(1, 399_999, TODAY).id);
      const windowStart = performance.now();
      const window = await getJson(`${large.url}/games?key=k&page_size=40&updated=${YESTERDAY},${YESTERDAY}&page=100`);
      const windowTime = performance.now() - windowStart;
      expect(window.status).toBe(200);
      // The client runs in another process, so this process's CPU time is the server's.
      const pages = 50;
      const cpuBefore = process.cpuUsage();
      const statuses = await fetchInChildProcess(Array.from({ length: pages }, (_, i) => `${large.url}/games?key=k&page_size=40&page=${1 + i * 197}`));
      const cpu = process.cpuUsage(cpuBefore);
      expect(statuses.every((s) => s === 200)).toBe(true);
      console.log(
        `400,000 games: start ${startup.toFixed(1)} ms, page 10,000 ${page.toFixed(1)} ms, ` +
          `first updated-window page 100 of ${window.body.count} games ${windowTime.toFixed(1)} ms, ` +
          `server CPU per page of 40 games (in this test worker) ${((cpu.user + cpu.system) / 1000 / pages).toFixed(2)} ms`,
      );
    } finally {
      await large.close();
    }
  });
});

/** Fetches the URLs one by one from a separate Node process and returns the statuses. */
async function fetchInChildProcess(urls: string[]): Promise<number[]> {
  const script = `const urls = JSON.parse(process.argv[1]); const statuses = [];
    for (const url of urls) { const r = await fetch(url); await r.arrayBuffer(); statuses.push(r.status); }
    process.stdout.write(JSON.stringify(statuses));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(urls)]);
  return JSON.parse(stdout) as number[];
}
