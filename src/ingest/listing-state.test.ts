import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../test/support/memory-store.js';
import { findEndpoint, loadEndpoints } from '../config/load.js';
import { CorruptObjectError } from '../errors.js';
import { listingPrefix, manifestKey, pageKey, splitKey, successKey, cappedKey } from '../lake/layout.js';
import { snapshotPartition } from './partition.js';
import { isClosed, knownApiRequests, openListings, readPartition } from './listing-state.js';

const file = loadEndpoints();
const games = snapshotPartition(findEndpoint(file, 'games'), '2026-11-30');
const root = { partition: games };
const halves = [
  { from: '1970-01-01', to: '1998-06-15' },
  { from: '1998-06-16', to: '2026-11-30' },
];
const [older, newer] = halves.map((window) => ({ partition: games, window })) as [
  { partition: typeof games; window: { from: string; to: string } },
  { partition: typeof games; window: { from: string; to: string } },
];
const manifest = (pages: number) =>
  JSON.stringify({
    endpoint: 'games',
    path: 'games',
    load: 'snapshot',
    date: games.date,
    params: {},
    pageSize: 40,
    count: pages * 40,
    pages,
    createdAt: 'x',
  });

async function lake(objects: [string, string][]) {
  const store = new MemoryStore();
  for (const [key, body] of objects) await store.putIfAbsent(key, body);
  return store;
}

describe('planning a partition (memory lake)', () => {
  it('costs one GET when the partition is complete', async () => {
    const inLake = await readPartition(
      await lake([[successKey(root), JSON.stringify({ pages: 7, count: 280, runId: 'r', completedAt: 'x' })]]),
      games,
    );
    expect(inLake.root.state).toMatchObject({ status: 'complete', pages: 7 });
    expect(inLake.store.requests).toBe(1);
    expect(isClosed(inLake.root)).toBe(true);
    expect(openListings(inLake.root)).toEqual([]);
  });

  it('is new, after one GET and one LIST, when the lake has nothing of it', async () => {
    const inLake = await readPartition(new MemoryStore(), games);
    expect(inLake.root.state.status).toBe('new');
    expect(inLake.store.requests).toBe(2);
    expect(knownApiRequests(inLake.root)).toBe(1);
  });

  it('resumes a started listing with the pages it lacks', async () => {
    const inLake = await readPartition(
      await lake([
        [manifestKey(root), manifest(5)],
        [pageKey(root, 1), '{}'],
        [pageKey(root, 4), '{}'],
      ]),
      games,
    );
    expect(inLake.root.state).toMatchObject({ status: 'resume', present: new Set([1, 4]) });
    expect(knownApiRequests(inLake.root)).toBe(3);
    // GET of the marker, LIST of the partition, GET of the manifest.
    expect(inLake.store.requests).toBe(3);
  });

  it('walks a split into its windows: open ones are the units, closed ones cost nothing', async () => {
    const split = JSON.stringify({ count: 800, maxResults: 400, windows: halves, createdAt: 'x' });
    const inLake = await readPartition(
      await lake([
        [splitKey(root), split],
        [manifestKey(older), manifest(3)],
        [pageKey(older, 1), '{}'],
        [pageKey(older, 2), '{}'],
        [pageKey(older, 3), '{}'],
        [successKey(older), JSON.stringify({ pages: 3, count: 120, runId: 'r', completedAt: 'x' })],
      ]),
      games,
    );
    expect(inLake.root.state.status).toBe('split');
    expect(openListings(inLake.root).map((listing) => listingPrefix(listing.listing))).toEqual([listingPrefix(newer)]);
    expect(knownApiRequests(inLake.root)).toBe(1);
    expect(isClosed(inLake.root)).toBe(false);
  });

  it('counts a capped listing as closed though not complete', async () => {
    const inLake = await readPartition(
      await lake([
        [manifestKey(root), manifest(300)],
        [pageKey(root, 1), '{}'],
        [cappedKey(root), JSON.stringify({ count: 12_000, maxResults: 10_000, pages: 250, createdAt: 'x' })],
      ]),
      games,
    );
    expect(inLake.root.state).toMatchObject({ status: 'capped', pages: 1 });
    expect(isClosed(inLake.root)).toBe(true);
    expect(knownApiRequests(inLake.root)).toBe(0);
  });

  it('names the key of a damaged record', async () => {
    await expect(readPartition(await lake([[manifestKey(root), '{"endpoint":']]), games)).rejects.toThrow(
      CorruptObjectError,
    );
    await expect(readPartition(await lake([[manifestKey(root), 'x']]), games)).rejects.toThrow(manifestKey(root));
  });
});
