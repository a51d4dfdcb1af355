import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findEndpoint, loadEndpoints } from '../config/load.js';
import { itemGoneKey, itemKey, itemsManifestKey, itemsSuccessKey } from '../lake/items.js';
import { openLake } from '../lake/open.js';
import { readBatches, type ItemsBatch } from '../lake/items.js';
import { readParentItems, type ParentItem } from '../lake/parent-items.js';
import { costOfNextPoints, knowledgeOf } from './items.js';
import { ITEMS_SHARE, itemsUnitOf, planWork, type ItemsWork } from './planner.js';

const file = loadEndpoints();
const details = findEndpoint(file, 'game_details');
const TODAY = '2026-12-21';
const now = new Date(`${TODAY}T06:00:00Z`); // 11 days left in the month, today included

const game = (id: number, added: number, updated = '2026-12-01T00:00:00'): ParentItem => ({ id, added, updated });
/** Ten games, id 1 the most added (1,000) down to id 10 (100). */
const games = new Map(Array.from({ length: 10 }, (_, i) => [String(i + 1), game(i + 1, 1_000 - 100 * i)]));
const batch = (
  date: string,
  items: { id: number; updated: string }[],
  stored: number[],
  gone: number[] = [],
  sealed = false,
): ItemsBatch => ({
  date,
  manifest: { endpoint: 'game_details', path: 'games/{id}', date, items, createdAt: 'x' },
  stored: new Set(stored),
  gone: new Set(gone),
  sealed,
});
const work = (batches: ItemsBatch[], explicit = false, parent = games): ItemsWork => ({
  endpoint: details,
  date: TODAY,
  batches,
  knowledge: knowledgeOf(parent, batches),
  explicit,
});
const v1 = '2026-12-01T00:00:00';

describe('the planner of resources fetched per item (no API, no server)', () => {
  it('counts a game as known only at its newest version, leaves gone games out, and offers the rest most added first', () => {
    const changed = new Map(games);
    changed.set('2', game(2, 900, '2026-12-10T00:00:00'));
    const batches = [
      batch(
        '2026-12-05',
        [1, 2, 3].map((id) => ({ id, updated: v1 })),
        [1, 2],
        [3],
        true,
      ),
    ];
    const { coverage, candidates } = knowledgeOf(changed, batches);
    expect(coverage).toEqual({ items: 9, known: 1, weight: 5_500 - 800, knownWeight: 1_000 });
    expect(candidates.map((item) => item.id)).toEqual([2, 4, 5, 6, 7, 8, 9, 10]);
    // The next 10 points (470 of 4,700 added): game 2 alone (900).
    expect(costOfNextPoints({ coverage, candidates }, 10)).toEqual({ requests: 1, points: (100 * 900) / 4_700 });
  });

  it('pins a new batch of the most added games, as many as the allowance and --max-pages allow', () => {
    const unit = itemsUnitOf(work([]), 4, 3);
    expect(unit).toMatchObject({ id: `game_details/items/${TODAY}`, state: 'new', apiRequestsExpected: 3 });
    expect(unit.chosen.map((item) => item.id)).toEqual([1, 2, 3]);
    expect(itemsUnitOf(work([]), 0).state).toBe('complete');
  });

  it('resumes a pinned batch with exactly its missing items, whatever the allowance', () => {
    const open = batch(
      '2026-12-20',
      [1, 2, 3, 4].map((id) => ({ id, updated: v1 })),
      [1],
      [3],
    );
    const unit = itemsUnitOf(work([open]), 100);
    expect(unit).toMatchObject({
      id: 'game_details/items/2026-12-20',
      state: 'resume',
      apiRequestsExpected: 2,
      chosen: [],
    });
  });

  it('fetches nothing more once today’s batch is sealed: a rerun costs no request', () => {
    const sealed = batch(
      TODAY,
      [1, 2].map((id) => ({ id, updated: v1 })),
      [1, 2],
      [],
      true,
    );
    expect(itemsUnitOf(work([sealed]), 100)).toMatchObject({ state: 'complete', apiRequestsExpected: 0 });
  });

  it('gives a daily run its share of the day after the daily days, and a named endpoint what the budget has left', () => {
    const budget = { monthly: 20_000, spent: 20_000 - 1_100, left: 1_100 };
    const options = { api: 'https://api.rawg.io/api', pageSize: 40, requestsPerSecond: 100, now, budget };
    const many = new Map(Array.from({ length: 500 }, (_, i) => [String(i + 1), game(i + 1, 10_000 - i)]));
    // No daily work: the day's share is 1,100 / 11 days = 100, a quarter of it for the details.
    expect(planWork([], options, [work([], false, many)]).items[0]!.apiRequestsExpected).toBe(
      Math.floor(100 * ITEMS_SHARE),
    );
    expect(planWork([], options, [work([], true, many)]).items[0]!.apiRequestsExpected).toBe(500);
    expect(planWork([], { ...options, maxPages: 7 }, [work([], true, many)]).items[0]!.apiRequestsExpected).toBe(7);
  });

  it('reads batches and the parent’s newest versions from a lake on disk', async () => {
    const store = openLake({ lakeUrl: `file://${mkdtempSync(join(tmpdir(), 'gmp-items-'))}` });
    const page = (results: object[]) => JSON.stringify({ count: results.length, next: null, previous: null, results });
    await store.putIfAbsent(
      'raw/games/load=snapshot/date=2026-12-01/page=00001.json',
      page([
        { id: 1, added: 5, updated: v1 },
        { id: 2, added: 4, updated: v1 },
      ]),
    );
    await store.putIfAbsent(
      'raw/games/load=updated/date=2026-12-02/page=00001.json',
      page([{ id: 2, added: 6, updated: '2026-12-02T10:00:00' }]),
    );
    const manifest = {
      endpoint: 'game_details',
      path: 'games/{id}',
      date: TODAY,
      items: [
        { id: 1, updated: v1 },
        { id: 2, updated: v1 },
      ],
      createdAt: 'x',
    };
    await store.putIfAbsent(itemsManifestKey('game_details', TODAY), JSON.stringify(manifest));
    await store.putIfAbsent(itemKey('game_details', TODAY, 1), '{"id":1}');
    await store.putIfAbsent(itemGoneKey('game_details', TODAY, 2), '');
    await store.putIfAbsent(itemsSuccessKey('game_details', TODAY), '{}');
    const parent = await readParentItems(store, 'games');
    expect([...parent.values()].sort((a, b) => a.id - b.id)).toEqual(
      [game(1, 5, v1), game(2, 6, '2026-12-02T10:00:00')].sort((a, b) => a.id - b.id),
    );
    const [read] = await readBatches(store, 'game_details');
    expect(read).toMatchObject({ date: TODAY, sealed: true, stored: new Set([1]), gone: new Set([2]), manifest });
  });
});
