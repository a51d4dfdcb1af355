import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../test/support/memory-store.js';
import { loadEndpoints } from '../config/load.js';
import { catalogueGaps } from '../lake/catalogue-status.js';
import { catalogueStatus } from './catalogue.js';

const file = loadEndpoints();
const now = new Date('2026-12-21T06:00:00Z'); // 11 days left in the month, today included
const D = '2026-11-03';
const root = `raw/games/load=snapshot/date=${D}/`;
const split = {
  count: 30_000,
  maxResults: 10_000,
  windows: [
    { from: '1970-01-01', to: '1998-06-17' },
    { from: '1998-06-18', to: D },
  ],
  createdAt: 'x',
};
const manifest = {
  endpoint: 'games',
  path: 'games',
  load: 'snapshot',
  date: D,
  params: {},
  pageSize: 40,
  count: 400,
  pages: 10,
  createdAt: 'x',
};
const success = (pages: number, count: number) => JSON.stringify({ pages, count, runId: 'r', completedAt: 'x' });

/** Every day from `from` to `to`, inclusive. */
const daysFrom = (from: string, to: string): string[] => {
  const days: string[] = [];
  for (
    let day = new Date(`${from}T00:00:00Z`);
    day.toISOString().slice(0, 10) <= to;
    day.setUTCDate(day.getUTCDate() + 1)
  )
    days.push(day.toISOString().slice(0, 10));
  return days;
};

async function lakeWith(objects: Record<string, string>) {
  const store = new MemoryStore();
  for (const [key, body] of Object.entries(objects)) await store.putIfAbsent(key, body);
  return store;
}

describe('catalogue status (memory lake, no API)', () => {
  it('an empty lake: the backfill was never opened, and says how to open it', async () => {
    const [games, ...others] = await catalogueStatus(file, await lakeWith({}), { now });
    expect(others).toEqual([]);
    expect(games).toEqual({
      endpoint: 'games',
      backfill: { state: 'not-opened' },
      apiCount: null,
      backlog: ['2026-12-20'],
    });
    const gaps = catalogueGaps(games!);
    expect(gaps[0]).toMatch(
      /games catalogue backfill was never opened.*`gmp ingest --endpoint games --mode snapshot` opens it \(page 1, one request/,
    );
    expect(gaps[1]).toBe('games is 1 day behind: 2026-12-20');
  });

  it("an open backfill: the API's count, the requests left, and the daily runs until it closes at the budget the lake's origin has left", async () => {
    const store = await lakeWith({
      [`${root}_split.json`]: JSON.stringify(split),
      [`${root}window=updated~1970-01-01~1998-06-17/_manifest.json`]: JSON.stringify(manifest),
      ...Object.fromEntries(
        [1, 2, 3, 4].map((page) => [`${root}window=updated~1970-01-01~1998-06-17/page=0000${page}.json`, '{}']),
      ),
      // Every day since the backfill opened is sealed up to 12-17, the last of 73 pages.
      ...Object.fromEntries(
        daysFrom(D, '2026-12-17').map((day) => [`raw/games/load=updated/date=${day}/_SUCCESS`, success(73, 2900)]),
      ),
      // 18,900 of the month's 20,000 requests spent against this origin; another's spend does not count.
      '_ledger/2026-12/api.rawg.io_api/run1/final-18900': '18900\n',
      '_ledger/2026-12/127.0.0.1-9_api/run2/final-5000': '5000\n',
    });
    const [games] = await catalogueStatus(file, store, { origin: 'api.rawg.io_api', now });
    // 6 pages of the started window, 740 of the other (the split's count less its sibling's 400 games).
    // Each day's share: (1,100 left - 75 for today's three days - 75 for each of the 10 days to come) / 11 = 25 pages.
    expect(games).toEqual({
      endpoint: 'games',
      backfill: {
        state: 'open',
        date: D,
        apiRequestsLeft: 746,
        pagesPerDailyRun: 25,
        dailyRunsNeeded: 30,
        expectedDate: '2027-01-19',
        monthsNeeded: 1,
      },
      apiCount: 30_000,
      backlog: ['2026-12-18', '2026-12-19', '2026-12-20'],
    });
    expect(catalogueGaps(games!)).toEqual([
      'the games catalogue backfill of 2026-11-03 is open (the API last reported 30,000 in all): about 746 API requests left, about 30 daily runs at 25 pages each, until about 2027-01-19',
      'games is 3 days behind: 2026-12-18 … 2026-12-20',
    ]);
  });

  it('a closed snapshot and every day since sealed: complete and caught up, nothing to say', async () => {
    const store = await lakeWith({
      'raw/games/load=snapshot/date=2026-12-10/_SUCCESS': success(500, 20_000),
      ...Object.fromEntries(
        daysFrom('2026-12-10', '2026-12-20').map((day) => [
          `raw/games/load=updated/date=${day}/_SUCCESS`,
          success(1, 3),
        ]),
      ),
    });
    const [games] = await catalogueStatus(file, store, { now });
    expect(games).toEqual({
      endpoint: 'games',
      backfill: { state: 'closed', date: '2026-12-10', capped: false },
      apiCount: 20_000,
      backlog: [],
    });
    expect(catalogueGaps(games!)).toEqual([]);
  });
});
