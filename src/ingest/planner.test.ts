import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEndpoints } from '../config/load.js';
import { openLake } from '../lake/open.js';
import { planWork } from './planner.js';
import { selectWork } from './select.js';

const file = loadEndpoints();
const now = new Date('2026-12-21T06:00:00Z'); // 11 days left in the month, today included
const D = '2026-11-03';
const root = `raw/games/load=snapshot/date=${D}/`;
const windows = [
  { from: '1970-01-01', to: '1998-06-17' },
  { from: '1998-06-18', to: D },
];
const split = { count: 30_000, maxResults: 10_000, windows, createdAt: 'x' };
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

/** A lake with a games backfill: split in two windows, the first started (4 of 10 pages), the second not. */
async function backfillLake() {
  const store = openLake({ lakeUrl: `file://${mkdtempSync(join(tmpdir(), 'gmp-planner-'))}` });
  await store.putIfAbsent(`${root}_split.json`, JSON.stringify(split));
  const first = `${root}window=updated~1970-01-01~1998-06-17/`;
  await store.putIfAbsent(`${first}_manifest.json`, JSON.stringify(manifest));
  for (const page of [1, 2, 3, 4]) await store.putIfAbsent(`${first}page=0000${page}.json`, '{}');
  return store;
}

const budget = (left: number) => ({ monthly: 20_000, spent: 20_000 - left, left });
const options = { api: 'https://api.rawg.io/api', pageSize: 40, requestsPerSecond: 100, now };

describe('the planner (a lake on disk, no API)', () => {
  it('lists the open windows of a backfill with what each is known and expected to cost', async () => {
    const work = await selectWork(file, { endpoints: ['games'], mode: 'snapshot' }, await backfillLake(), now);
    const plan = planWork(work, { ...options, budget: budget(20_000) });
    expect(plan.units).toEqual([
      expect.objectContaining({
        id: `games/snapshot/${D}/updated~1970-01-01~1998-06-17`,
        state: 'resume',
        pages: 10,
        apiRequestsKnown: 6,
        apiRequestsExpected: 6,
      }),
      // The split's count less its started sibling's: 29,600 games, 740 pages.
      expect.objectContaining({
        id: `games/snapshot/${D}/updated~1998-06-18~${D}`,
        state: 'new',
        pages: null,
        apiRequestsKnown: 1,
        apiRequestsExpected: 740,
      }),
    ]);
    expect(plan).toMatchObject({ apiRequestsExpected: 746, runsNeeded: 1, monthsNeeded: 1, backfillPages: 0 });
  });

  it('deals open units into shards, each with its share of the rate cap', async () => {
    const work = await selectWork(file, { endpoints: ['games'], mode: 'snapshot' }, await backfillLake(), now);
    const plan = planWork(work, { ...options, budget: budget(20_000), shards: 2, maxPages: 100 });
    expect(plan.shards).toEqual([
      {
        units: [`games/snapshot/${D}/updated~1970-01-01~1998-06-17`],
        maxPages: 50,
        args: [
          'ingest',
          '--unit',
          `games/snapshot/${D}/updated~1970-01-01~1998-06-17`,
          '--max-pages',
          '50',
          '--requests-per-second',
          '50',
          '--json',
        ],
      },
      {
        units: [`games/snapshot/${D}/updated~1998-06-18~${D}`],
        maxPages: 50,
        args: [
          'ingest',
          '--unit',
          `games/snapshot/${D}/updated~1998-06-18~${D}`,
          '--max-pages',
          '50',
          '--requests-per-second',
          '50',
          '--json',
        ],
      },
    ]);
    expect(plan.runsNeeded).toBe(8); // 746 requests at 100 pages a run
  });

  it("gives a daily run's backfill what is left once every remaining day keeps its own needs", async () => {
    const store = await backfillLake();
    // The day before yesterday's `updated` partition held 73 pages: yesterday's is expected to cost as much.
    // Every day since the backfill opened is sealed but yesterday, so yesterday's is all the daily run owes.
    for (
      let day = new Date(`${D}T00:00:00Z`);
      day < new Date('2026-12-20T00:00:00Z');
      day.setUTCDate(day.getUTCDate() + 1)
    ) {
      await store.putIfAbsent(
        `raw/games/load=updated/date=${day.toISOString().slice(0, 10)}/_SUCCESS`,
        JSON.stringify({ pages: 73, count: 2900, runId: 'r', completedAt: 'x' }),
      );
    }
    const work = await selectWork(file, { endpoints: ['games'], mode: 'daily' }, store, now);
    const plan = planWork(work, { ...options, budget: budget(1_100) });
    expect(plan.units.find((unit) => unit.id === 'games/updated/2026-12-20')).toMatchObject({
      apiRequestsKnown: 1,
      apiRequestsExpected: 73,
    });
    // 11 days left, today included: today's 73, and 73 for each of the 10 to come, first.
    expect(plan.backfillPages).toBe(Math.floor((1_100 - 73 - 73 * 10) / 11));
    const backfill = plan.shards.filter((shard) => shard.units.some((id) => id.startsWith('games/snapshot/')));
    expect(backfill.map((shard) => shard.maxPages)).toEqual([plan.backfillPages]);
    expect(planWork(work, { ...options, budget: budget(10) }).shards.flatMap((shard) => shard.units)).toEqual([
      'games/updated/2026-12-20',
    ]);
  });

  it('needs months when the work is more than the budget has left', async () => {
    const work = await selectWork(file, { endpoints: ['games'], mode: 'snapshot' }, await backfillLake(), now);
    expect(planWork(work, { ...options, budget: budget(100) })).toMatchObject({
      apiRequestsExpected: 746,
      monthsNeeded: 2,
    });
  });
});
