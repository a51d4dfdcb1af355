import { describe, expect, it } from 'vitest';
import { FakeRawg, fakeItems, idsInPages, type FakeItem } from '../../test/support/fake-rawg.js';
import { MemoryStore } from '../../test/support/memory-store.js';
import { findEndpoint, loadEndpoints } from '../config/load.js';
import { ApiKeyError, BudgetExceededError } from '../errors.js';
import { cappedKey, manifestKey, pageKey, splitKey, successKey } from '../lake/layout.js';
import { fetchPartition, type FetchContext } from './fetch-partition.js';
import { spentInMonth } from '../lake/spend.js';
import { Ledger } from './ledger.js';
import { snapshotPartition, updatedPartition, type Partition } from './partition.js';
import { readPartition } from './listing-state.js';

const file = loadEndpoints();
const TODAY = '2026-12-01';
/** genres has no `updated` filter: a listing read whole. games has one: read in windows when deep. */
const genres = snapshotPartition(findEndpoint(file, 'genres'), '2026-11-30');
const games = snapshotPartition(findEndpoint(file, 'games'), '2026-11-30');

async function fetchOnce(store: MemoryStore, partition: Partition, client: FakeRawg, ctx: Partial<FetchContext> = {}) {
  const inLake = await readPartition(store, partition);
  return fetchPartition(inLake, {
    client,
    allowance: { remaining: Infinity },
    concurrency: 4,
    pageSize: 10,
    maxResults: 100,
    runId: 'run-1',
    today: TODAY,
    ...ctx,
  });
}

const json = (store: MemoryStore, key: string): Record<string, unknown> =>
  JSON.parse(store.contents().get(key) ?? 'null');
const pageKeys = (store: MemoryStore) => [...store.contents('raw/').keys()].filter((key) => key.includes('/page='));
const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('fetchPartition on a listing that fits (fake client, memory lake)', () => {
  it('fetches every page once, seals the listing, and a rerun asks the API nothing', async () => {
    const store = new MemoryStore();
    const api = new FakeRawg({ listings: { genres: fakeItems(25) } });
    const outcome = await fetchOnce(store, genres, api);
    expect(outcome).toMatchObject({ complete: true, pagesFetched: 3, pages: 3 });
    // Page 1 sizes the listing; the rest are read from the last to the first.
    expect(api.requests.map((r) => r.page)).toEqual([1, 3, 2]);
    expect(json(store, successKey({ partition: genres }))).toMatchObject({ pages: 3, count: 25 });
    expect(sorted(idsInPages(store.contents()))).toEqual(range(25));

    const again = new FakeRawg({ listings: { genres: fakeItems(25) } });
    expect(await fetchOnce(store, genres, again)).toMatchObject({ complete: true, pagesFetched: 0, pagesSkipped: 3 });
    expect(again.requests).toEqual([]);
  });

  it('reads every page again when the listing grew while it was read, and seals it once its pages agree', async () => {
    const store = new MemoryStore();
    const api = new FakeRawg({
      listings: { genres: fakeItems(25) },
      // 15 more items arrive while page 2 is being read: pages 1 and 3 then tell an older listing.
      onRequest: ({ page }, fake) => {
        if (page === 2 && fake.listings.genres!.length === 25) fake.listings.genres = fakeItems(40);
      },
    });
    const outcome = await fetchOnce(store, genres, api, { concurrency: 1 });
    expect(outcome).toMatchObject({ complete: true, pages: 4, resized: 'grew' });
    // Page 1 (25), 3 (25), 2 (40): counts differ, so pages 4 to 1 again, all at 40.
    expect(api.requests.map((r) => r.page)).toEqual([1, 3, 2, 4, 3, 2, 1]);
    expect(json(store, manifestKey({ partition: genres }))).toMatchObject({ count: 25, pages: 3 });
    expect(json(store, successKey({ partition: genres }))).toMatchObject({ pages: 4, count: 40, resized: 'grew' });
    expect(store.contents().has(pageKey({ partition: genres }, 2, 2))).toBe(true);
    expect(sorted([...new Set(idsInPages(store.contents()))])).toEqual(range(40));
  });

  it('reads the listing again when it shrank while it was read, and ends at the last page served', async () => {
    const store = new MemoryStore();
    const api = new FakeRawg({
      listings: { genres: fakeItems(25) },
      onRequest: ({ page }, fake) => {
        if (page === 2) fake.listings.genres = fakeItems(15);
      },
    });
    const outcome = await fetchOnce(store, genres, api, { concurrency: 1 });
    expect(outcome).toMatchObject({ complete: true, pages: 2, resized: 'shrank' });
    // Pages 1 (25), 3 (25), 2 (15); again from page 3, now refused, down to 1.
    expect(api.requests.map((r) => r.page)).toEqual([1, 3, 2, 3, 2, 1]);
    expect(json(store, successKey({ partition: genres }))).toMatchObject({ pages: 2, count: 15, resized: 'shrank' });
    expect(pageKeys(store)).toHaveLength(5);
  });
});

describe('fetchPartition reconciling a past listing that loses items while it is read (fake client, memory lake)', () => {
  const day = updatedPartition(findEndpoint(file, 'games'), '2026-11-20');
  /** 25 games of the day; once page 1 was read, game 3 is edited (its `updated` moves to today) and leaves the day. */
  const losing = () =>
    new FakeRawg({
      listings: { games: fakeItems(25, day.date, day.date) },
      onRequest: ({ page }, fake) => {
        if (page !== 1 && fake.listings.games!.some((item) => item.id === 3)) {
          fake.listings.games = fake.listings.games!.map((item) =>
            item.id === 3 ? { ...item, updated: TODAY } : item,
          );
        }
      },
    });

  it('reads page 1 again once later pages saw fewer items, and seals with every game that stayed stored', async () => {
    const store = new MemoryStore();
    const api = losing();
    const outcome = await fetchOnce(store, day, api, { concurrency: 1 });
    expect(outcome).toMatchObject({ complete: true, pages: 3, resized: 'shrank' });
    // Pages 3 and 2 read from the last, after game 3 left: game 11 moved up to page 1, read again.
    expect(api.requests.map((r) => r.page)).toEqual([1, 3, 2, 1]);
    expect(json(store, successKey({ partition: day }))).toMatchObject({ count: 24 });
    const stored = new Set(idsInPages(store.contents()));
    expect(range(25).filter((id) => id !== 3 && !stored.has(id))).toEqual([]);
  });

  it('switched off, seals the same listing with game 11 never stored', async () => {
    const store = new MemoryStore();
    const outcome = await fetchOnce(store, day, losing(), { concurrency: 1, reconcile: false });
    expect(outcome).toMatchObject({ complete: true });
    expect(new Set(idsInPages(store.contents())).has(11)).toBe(false);
  });

  it('leaves a listing open, with a note, when it keeps changing on every pass', async () => {
    const store = new MemoryStore();
    let next = 100;
    // Every answer: one game leaves, one arrives (a listing that can gain items: no `updated` range).
    const api = new FakeRawg({
      listings: { genres: fakeItems(25) },
      onRequest: (_, fake) => {
        fake.listings.genres = [...fake.listings.genres!.slice(1), { id: next++, updated: '2026-11-01' }];
        if (next % 2) fake.listings.genres.push({ id: next++, updated: '2026-11-01' });
      },
    });
    const outcome = await fetchOnce(store, genres, api, { concurrency: 1 });
    expect(outcome.complete).toBe(false);
    expect(outcome.note).toMatch(/kept changing while it was read .* after 4 passes/);
    expect(store.contents().has(successKey({ partition: genres }))).toBe(false);
  });
});

describe('fetchPartition on a listing deeper than the API serves (fake client, memory lake)', () => {
  it('keeps the pages up to the configured cap of an endpoint it cannot split, closes it capped and never asks past it', async () => {
    const store = new MemoryStore();
    const api = new FakeRawg({ listings: { genres: fakeItems(150) }, maxResults: 100 });
    const outcome = await fetchOnce(store, genres, api);
    expect(outcome.complete).toBe(false);
    expect(outcome.note).toMatch(/serves 100 of its 150 items/);
    expect(api.requests.map((r) => r.page)).toEqual([1, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
    expect(json(store, cappedKey({ partition: genres }))).toMatchObject({ count: 150, maxResults: 100, pages: 10 });
    expect(store.contents().has(successKey({ partition: genres }))).toBe(false);

    const again = new FakeRawg({ listings: { genres: fakeItems(150) }, maxResults: 100 });
    expect(await fetchOnce(store, genres, again)).toMatchObject({ complete: false, pagesFetched: 0 });
    expect(again.requests).toEqual([]);
  });

  it('finds a cap lower than configured from the first refused page, and caps there', async () => {
    const store = new MemoryStore();
    const api = new FakeRawg({ listings: { genres: fakeItems(150) }, maxResults: 50 });
    const outcome = await fetchOnce(store, genres, api, { maxResults: 1000, concurrency: 1 });
    expect(outcome.complete).toBe(false);
    expect(json(store, cappedKey({ partition: genres }))).toMatchObject({ count: 150, maxResults: 50, pages: 5 });
    // 15 pages planned: 15 refused, page 1 again says 150 (the cap, not a shrink); the cap found
    // halving between 1 and 15 (8 refused, 4 served, 6 refused, 5 served); then 3 and 2.
    expect(api.requests.map((r) => r.page)).toEqual([1, 15, 1, 8, 4, 6, 5, 3, 2]);
    expect(pageKeys(store)).toHaveLength(5);
  });

  it('reads a deep snapshot in windows of updated days, every item once, and seals it when every window is complete', async () => {
    const store = new MemoryStore();
    const items = fakeItems(350, '2010-01-01', '2026-11-29');
    const api = new FakeRawg({ listings: { games: items }, maxResults: 100 });
    const outcome = await fetchOnce(store, games, api);
    expect(outcome.complete).toBe(true);
    const split = json(store, splitKey({ partition: games })) as {
      count: number;
      windows: { from: string; to: string }[];
    };
    expect(split).toMatchObject({ count: 350, windows: [{ from: '1970-01-01' }, { to: '2026-11-29' }] });
    expect(sorted(idsInPages(store.contents()))).toEqual(range(350));
    const success = json(store, successKey({ partition: games })) as { windows: number; count: number };
    expect(success.count).toBe(350);
    const sealedWindows = [...store.contents().keys()].filter(
      (key) => key.includes('/window=') && key.endsWith('/_SUCCESS'),
    );
    expect(sealedWindows).toHaveLength(success.windows);
    // No page was refused: each window was sized by its page 1 before it was read.
    expect(api.requests.every((r) => Number(r.params.page_size) === 10)).toBe(true);

    const again = new FakeRawg({ listings: { games: items }, maxResults: 100 });
    expect(await fetchOnce(store, games, again)).toMatchObject({ complete: true, pagesFetched: 0 });
    expect(again.requests).toEqual([]);
  });
});

describe('fetchPartition against a cap lower than configured (fake client, memory lake)', () => {
  it('learns the cap once: one page refused, a few halving requests, then every window read is sized to it', async () => {
    const store = new MemoryStore();
    const items = fakeItems(600, '2010-01-01', '2026-11-29');
    // The config says 100 results a listing; the API serves 80.
    const api = new FakeRawg({ listings: { games: items }, maxResults: 80 });
    const outcome = await fetchOnce(store, games, api, { maxResults: 100 });
    expect(outcome.complete).toBe(true);
    expect(sorted([...new Set(idsInPages(store.contents()))])).toEqual(range(600));
    const refused = api.requests.filter((r) => r.page * 10 > 80);
    // The deepest page of the first window deeper than 80, then the halving between 1 and 10: 9 refused.
    expect(refused.map((r) => r.page)).toEqual([10, 9]);
    const splits = [...store.contents().keys()]
      .filter((key) => key.endsWith('_split.json'))
      .map((key) => json(store, key));
    expect(splits.some((split) => split.maxResults === 80)).toBe(true);
  });
});

describe('fetchPartition beside another run (fake client, memory lake)', () => {
  it('leaves a page another run wrote first as it is, and still seals the listing', async () => {
    const store = new MemoryStore();
    const inLake = await readPartition(store, genres);
    const theirs = JSON.stringify({
      count: 25,
      next: null,
      previous: null,
      results: [{ id: 11, updated: '2001-01-01', by: 'the other run' }],
    });
    await store.putIfAbsent(pageKey({ partition: genres }, 2), theirs);
    const outcome = await fetchPartition(inLake, {
      client: new FakeRawg({ listings: { genres: fakeItems(25) } }),
      allowance: { remaining: Infinity },
      concurrency: 1,
      pageSize: 10,
      maxResults: 100,
      runId: 'run-1',
      today: TODAY,
    });
    expect(outcome).toMatchObject({ complete: true, pages: 3 });
    expect(store.contents().get(pageKey({ partition: genres }, 2))).toBe(theirs);
  });

  it('follows the manifest of a run that started the listing a moment before, its page size included', async () => {
    const store = new MemoryStore();
    const inLake = await readPartition(store, genres);
    expect(inLake.root.state.status).toBe('new');
    const other = {
      endpoint: 'genres',
      path: 'genres',
      load: 'snapshot',
      date: genres.date,
      params: {},
      pageSize: 20,
      count: 25,
      pages: 2,
      createdAt: 'x',
    };
    await store.putIfAbsent(manifestKey({ partition: genres }), JSON.stringify(other));
    const api = new FakeRawg({ listings: { genres: fakeItems(25) } });
    const ctx = {
      client: api,
      allowance: { remaining: Infinity },
      concurrency: 1,
      pageSize: 10,
      maxResults: 100,
      runId: 'run-1',
      today: TODAY,
    };
    expect(await fetchPartition(inLake, ctx)).toMatchObject({ complete: true, pages: 2 });
    // Our page 1 at size 10 is not stored: the listing is read at 20 a page, as the manifest says.
    expect(api.requests.map((r) => [r.page, r.params.page_size])).toEqual([
      [1, '10'],
      [2, '20'],
      [1, '20'],
    ]);
    expect(sorted(idsInPages(store.contents()))).toEqual(range(25));
  });

  it('two runs racing on one new listing store each page once, and both end complete', async () => {
    const store = new MemoryStore();
    const [a, b] = [
      new FakeRawg({ listings: { genres: fakeItems(55) } }),
      new FakeRawg({ listings: { genres: fakeItems(55) } }),
    ];
    const plans = await Promise.all([readPartition(store, genres), readPartition(store, genres)]);
    const ctx = { allowance: { remaining: Infinity }, concurrency: 2, pageSize: 10, maxResults: 100, today: TODAY };
    const outcomes = await Promise.all([
      fetchPartition(plans[0], { ...ctx, client: a, runId: 'run-a' }),
      fetchPartition(plans[1], { ...ctx, client: b, runId: 'run-b', allowance: { remaining: Infinity } }),
    ]);
    expect(outcomes.map((o) => o.complete)).toEqual([true, true]);
    expect(pageKeys(store)).toHaveLength(6);
    expect(sorted(idsInPages(store.contents()))).toEqual(range(55));
  });
});

describe('fetchPartition stopping part-way (fake client, memory lake)', () => {
  it('a fatal error mid-listing fails the fetch, seals nothing, and the next run fetches only what is missing', async () => {
    const store = new MemoryStore();
    const failing = new FakeRawg({
      listings: { genres: fakeItems(60) },
      onRequest: ({ page }) => {
        if (page === 4) throw new ApiKeyError('the API does not know this key: check RAWG_API_KEY');
      },
    });
    await expect(fetchOnce(store, genres, failing, { concurrency: 1 })).rejects.toThrow(ApiKeyError);
    // Pages 1, 6 and 5 are kept, the 4th failed, and no request followed it.
    expect(failing.requests.map((r) => r.page)).toEqual([1, 6, 5, 4]);
    expect(pageKeys(store)).toHaveLength(3);
    expect(store.contents().has(successKey({ partition: genres }))).toBe(false);

    const healthy = new FakeRawg({ listings: { genres: fakeItems(60) } });
    expect(await fetchOnce(store, genres, healthy)).toMatchObject({
      complete: true,
      pagesFetched: 3,
      pagesSkipped: 3,
      pages: 6,
    });
    expect(sorted(healthy.requests.map((r) => r.page))).toEqual([2, 3, 4]);
  });

  it('a fatal error while the windows are sized stops every probe still queued; the next run completes the snapshot', async () => {
    const store = new MemoryStore();
    const items = fakeItems(350, '2010-01-01', '2026-11-29');
    const failing = new FakeRawg({
      listings: { games: items },
      maxResults: 100,
      onRequest: (_, fake) => {
        if (fake.requests.length === 2) throw new ApiKeyError('the API does not know this key: check RAWG_API_KEY');
      },
    });
    await expect(fetchOnce(store, games, failing)).rejects.toThrow(ApiKeyError);
    // Page 1 of the snapshot, then its two halves side by side: the first failed, so the second, split, has its windows left unasked.
    expect(failing.requests).toHaveLength(3);
    expect(store.contents().has(successKey({ partition: games }))).toBe(false);

    const healthy = new FakeRawg({ listings: { games: items }, maxResults: 100 });
    expect(await fetchOnce(store, games, healthy)).toMatchObject({ complete: true });
    expect(sorted(idsInPages(store.contents()))).toEqual(range(350));
  });

  it('a store that refuses a write mid-listing fails the fetch; the pages already written stay and resume', async () => {
    const store = new MemoryStore();
    store.beforePut = (key) => {
      if (key.endsWith('page=00003.json')) throw new Error('the lake refused the write');
    };
    await expect(
      fetchOnce(store, genres, new FakeRawg({ listings: { genres: fakeItems(50) } }), { concurrency: 1 }),
    ).rejects.toThrow('refused');
    expect(store.contents().has(successKey({ partition: genres }))).toBe(false);
    store.beforePut = undefined;
    const next = new FakeRawg({ listings: { genres: fakeItems(50) } });
    expect(await fetchOnce(store, genres, next)).toMatchObject({ complete: true, pages: 5 });
    expect(next.requests.map((r) => r.page)).not.toContain(1);
  });

  it('the page allowance running out mid-listing stops it resumable; a later run fetches exactly the rest', async () => {
    const store = new MemoryStore();
    const allowance = { remaining: 2 };
    const first = new FakeRawg({ listings: { genres: fakeItems(50) } });
    expect(await fetchOnce(store, genres, first, { allowance })).toMatchObject({ complete: false, pagesFetched: 2 });
    expect(allowance.remaining).toBe(0);
    expect(first.requests).toHaveLength(2);
    expect(store.contents().has(successKey({ partition: genres }))).toBe(false);

    const rest = new FakeRawg({ listings: { genres: fakeItems(50) } });
    expect(await fetchOnce(store, genres, rest)).toMatchObject({ complete: true, pagesFetched: 3, pages: 5 });
    expect(rest.requests).toHaveLength(3);
  });

  it('the page allowance also stops a listing read again as it grows', async () => {
    const store = new MemoryStore();
    const growing = new FakeRawg({
      listings: { genres: fakeItems(25) },
      onRequest: ({ page }, fake) => {
        if (page === 2) fake.listings.genres = fakeItems(40);
      },
    });
    expect(await fetchOnce(store, genres, growing, { concurrency: 1, allowance: { remaining: 3 } })).toMatchObject({
      complete: false,
      pagesFetched: 3,
    });
    expect(growing.requests.map((r) => r.page)).toEqual([1, 3, 2]);
    expect(store.contents().has(successKey({ partition: genres }))).toBe(false);
  });

  it('a window allowance running out leaves the windows not yet read for the next run, and the snapshot unsealed', async () => {
    const store = new MemoryStore();
    const items = fakeItems(350, '2010-01-01', '2026-11-29');
    const partial = await fetchOnce(store, games, new FakeRawg({ listings: { games: items }, maxResults: 100 }), {
      allowance: { remaining: 12 },
    });
    expect(partial.complete).toBe(false);
    expect(store.contents().has(successKey({ partition: games }))).toBe(false);
    const rest = await fetchOnce(store, games, new FakeRawg({ listings: { games: items }, maxResults: 100 }));
    expect(rest.complete).toBe(true);
    expect(sorted(idsInPages(store.contents()))).toEqual(range(350));
  });

  it("the month's budget running out mid-listing throws before the next request; the ledger counts what was sent", async () => {
    const store = new MemoryStore();
    const api = 'api.rawg.io_api';
    const ledger = new Ledger(store, api, 'run-1', 3, () => new Date(`${TODAY}T06:00:00Z`));
    const client = new FakeRawg({ listings: { genres: fakeItems(50) }, beforeAttempt: () => ledger.reserve() });
    await expect(fetchOnce(store, genres, client, { concurrency: 1 })).rejects.toThrow(BudgetExceededError);
    expect(client.requests).toHaveLength(3);
    // Reserved before sending: the month already counts the 3, before the run writes its total.
    expect(await spentInMonth(store, api, '2026-12')).toBe(3);
    await ledger.close();
    expect(await spentInMonth(store, api, '2026-12')).toBe(3);
    expect(store.contents().has(successKey({ partition: genres }))).toBe(false);
  });

  it('the ledger reserves in blocks: a run killed before its total counts at most one block more than it sent', async () => {
    const store = new MemoryStore();
    const api = 'api.rawg.io_api';
    const ledger = new Ledger(store, api, 'run-1', 1000, () => new Date(`${TODAY}T06:00:00Z`));
    const client = new FakeRawg({ listings: { genres: fakeItems(200) }, beforeAttempt: () => ledger.reserve() });
    await fetchOnce(store, genres, client);
    const sent = client.requests.length;
    const counted = await spentInMonth(store, api, '2026-12');
    expect(counted).toBeGreaterThanOrEqual(sent);
    expect(counted - sent).toBeLessThan(16);
    await ledger.close();
    expect(await spentInMonth(store, api, '2026-12')).toBe(sent);
  });

  it("keeps today's updated partition open: fetched, not sealed", async () => {
    const store = new MemoryStore();
    const today = updatedPartition(findEndpoint(file, 'games'), TODAY);
    const items: FakeItem[] = fakeItems(15, TODAY, TODAY);
    const outcome = await fetchOnce(store, today, new FakeRawg({ listings: { games: items } }));
    expect(outcome.complete).toBe(false);
    expect(outcome.note).toMatch(/stays open until its UTC day is over/);
    expect(pageKeys(store)).toHaveLength(2);
    expect(store.contents().has(successKey({ partition: today }))).toBe(false);
  });
});

describe('fetchPartition resuming a run killed part-way (fake client, memory lake)', () => {
  /** The lake as a run left it when its process died after `requests` API requests (the API stops answering; later writes are lost). */
  async function lakeKilledAfter(requests: number, partition: Partition, items: FakeItem[]): Promise<MemoryStore> {
    const store = new MemoryStore();
    let sent = 0;
    const dying = new FakeRawg({
      listings: { games: items },
      maxResults: 100,
      beforeAttempt: () => (++sent > requests ? new Promise<void>(() => undefined) : Promise.resolve()),
    });
    void fetchOnce(store, partition, dying);
    while (sent <= requests) await new Promise((resolve) => setImmediate(resolve));
    // The requests already answered finish their writes before the process dies.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    const survivor = new MemoryStore();
    for (const [key, text] of store.contents()) await survivor.putIfAbsent(key, text);
    return survivor;
  }

  it('a windowed snapshot killed half-way resumes with exactly one request per missing page', async () => {
    const items = fakeItems(350, '2010-01-01', '2026-11-29');
    const whole = new FakeRawg({ listings: { games: items }, maxResults: 100 });
    const reference = new MemoryStore();
    await fetchOnce(reference, games, whole);
    const pagesInAll = pageKeys(reference).length;

    const lake = await lakeKilledAfter(Math.floor(whole.requests.length / 2), games, items);
    const before = pageKeys(lake).length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(pagesInAll);
    const resume = new FakeRawg({ listings: { games: items }, maxResults: 100 });
    expect(await fetchOnce(lake, games, resume)).toMatchObject({ complete: true });
    expect(pageKeys(lake)).toHaveLength(pagesInAll);
    expect(resume.requests).toHaveLength(pagesInAll - before);
    expect(sorted(idsInPages(lake.contents()))).toEqual(range(350));
  });
});
