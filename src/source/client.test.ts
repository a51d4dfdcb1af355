import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, ApiKeyError, QuotaExhaustedError } from '../errors.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';
import type { PageResult } from './bodies.js';
import { RawgClient, type RawgClientOptions } from './client.js';

const KEY = 'fedcba9876543210fedcba9876543210';
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ games: 100, keys: [KEY], seed: 3 });
});
afterAll(() => sandbox.close());

const client = (options: Partial<RawgClientOptions> = {}) =>
  new RawgClient({
    baseUrl: sandbox.url,
    apiKey: KEY,
    pageSize: 40,
    requestsPerSecond: 1000,
    requestTimeoutMs: 2000,
    retries: 3,
    minRetryDelayMs: 1,
    ...options,
  });

describe('RawgClient against the sandbox', () => {
  it('stores the bytes the API sent, with only the key taken out of next and previous', async () => {
    const served = await (await fetch(`${sandbox.url}/games?page=2&page_size=40&key=${KEY}`)).text();
    const result = await client().fetchPage('games', 2);
    if (result.status !== 'page') throw new Error('expected a page');
    const stored = Buffer.from(result.body).toString('utf8');
    expect(served).toContain(`key=${KEY}`);
    expect(stored).not.toContain(KEY);
    expect(stored.length).toBe(served.length - 2 * `key=${KEY}&`.length);
    expect(JSON.parse(stored).results).toEqual(JSON.parse(served).results);
    expect(result.envelope.next).toBe(JSON.parse(stored).next);
  });

  it('pages fetched side by side keep their bytes while released ones serve the next pages', async () => {
    const api = client();
    const copyOf = (result: PageResult) => {
      if (result.status !== 'page') throw new Error('expected a page');
      return Buffer.from(result.body);
    };
    const expected = await Promise.all([1, 2, 3].map(async (page) => copyOf(await api.fetchPage('games', page))));
    // Two rounds: the second reuses the first round's buffers once they are released.
    for (let round = 0; round < 2; round++) {
      const results = await Promise.all([1, 2, 3].map((page) => api.fetchPage('games', page)));
      results.forEach((result, i) => expect(copyOf(result).equals(expected[i]!)).toBe(true));
      for (const result of results) if (result.status === 'page') result.release?.();
    }
  });

  it('treats 404 "Invalid page." as the end of the data', async () => {
    expect(await client().fetchPage('games', 4)).toEqual({ status: 'end' });
  });

  it('fails at once, without retrying, on an unknown key', async () => {
    const rawg = client({ apiKey: 'not-the-key' });
    await expect(rawg.fetchPage('games', 1)).rejects.toThrow(ApiKeyError);
    expect(rawg.requests).toBe(1);
    expect(rawg.retries).toBe(0);
  });

  it('fails at once with the quota message when the quota is spent', async () => {
    sandbox.control({ quota: 0 });
    try {
      const rawg = client();
      await expect(rawg.fetchPage('games', 1)).rejects.toThrow(QuotaExhaustedError);
      await expect(rawg.fetchPage('games', 1)).rejects.toThrow(/monthly request quota is spent/);
      expect(rawg.retries).toBe(0);
    } finally {
      sandbox.control({ quota: null });
    }
  });

  it('retries a 5xx a bounded number of times, then says so without the key', async () => {
    sandbox.control({ errorRate: 1 });
    try {
      const rawg = client({ retries: 2 });
      const failure = rawg.fetchPage('games', 1);
      await expect(failure).rejects.toThrow(ApiError);
      await expect(failure).rejects.toThrow(/still failing after 2 retries \(HTTP 50\d\)/);
      await expect(failure).rejects.not.toThrow(KEY);
      expect(rawg.requests).toBe(3);
    } finally {
      sandbox.control({ errorRate: 0 });
    }
  });

  it('waits as long as Retry-After says before retrying a 429', async () => {
    sandbox.control({ rate429: 1, retryAfterSeconds: 1 });
    const rawg = client({ retries: 1 });
    const started = Date.now();
    const attempt = rawg.fetchPage('games', 1);
    setTimeout(() => sandbox.control({ rate429: 0 }), 200);
    expect((await attempt).status).toBe('page');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(rawg.retries).toBe(1);
  });

  it('holds every concurrent fetch to one shared request-rate cap', async () => {
    const rawg = client({ requestsPerSecond: 20 });
    const started = Date.now();
    await Promise.all(Array.from({ length: 21 }, () => rawg.fetchPage('genres', 1)));
    // 21 requests at 20 a second: the last one cannot start before a second has passed.
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });
});

describe('RawgClient reading pages the sandbox never serves', () => {
  /** One canned answer for every request, from a real HTTP server on loopback. */
  async function serving(
    body: string,
    options: { cutAfter?: number } = {},
  ): Promise<{ url: string; close: () => Promise<void> }> {
    const server = createServer((_req, res) => {
      const bytes = Buffer.from(body);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': bytes.length });
      if (options.cutAfter === undefined) return res.end(bytes);
      // Headers promise the whole body; the connection closes after part of it.
      res.write(bytes.subarray(0, options.cutAfter), () => res.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/api`,
      close: () => new Promise((resolve) => server.close(() => resolve())),
    };
  }
  const link = (page: number, name: string) => `http://127.0.0.1/api/games?key=${KEY}&page=${page}&search=${name}`;

  it('takes the key out of links that are not plain ASCII, and keeps every other byte', async () => {
    const page = {
      count: 80,
      next: link(3, 'pokémon'),
      previous: link(1, 'ゼルダ'),
      results: [{ id: 1, name: 'Pokémon Légendes', tags: ['日本語'] }],
    };
    const api = await serving(JSON.stringify(page));
    try {
      const result = await client({ baseUrl: api.url, retries: 0 }).fetchPage('games', 2);
      if (result.status !== 'page') throw new Error('expected a page');
      const stored = JSON.parse(Buffer.from(result.body).toString('utf8'));
      expect(Buffer.from(result.body).includes(KEY)).toBe(false);
      expect(stored.results).toEqual(page.results);
      expect(stored.next).toBe(result.envelope.next);
      expect(new URL(result.envelope.next!).searchParams.get('search')).toBe('pokémon');
      expect(new URL(result.envelope.previous!).searchParams.get('search')).toBe('ゼルダ');
    } finally {
      await api.close();
    }
  });

  it('retries a body cut short by a closed connection, then fails saying so', async () => {
    const api = await serving(JSON.stringify({ count: 1, next: null, previous: null, results: [{ id: 1 }] }), {
      cutAfter: 20,
    });
    try {
      const rawg = client({ baseUrl: api.url, retries: 1 });
      await expect(rawg.fetchPage('games', 1)).rejects.toThrow(
        /still failing after 1 retries \(ECONNRESET from 127\.0\.0\.1:\d+\)/,
      );
      expect(rawg.requests).toBe(2);
    } finally {
      await api.close();
    }
  });
});
