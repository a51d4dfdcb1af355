import { describe, expect, it } from 'vitest';
import { FakeRawg, fakeItems, idsInPages } from '../../test/support/fake-rawg.js';
import { MemoryStore } from '../../test/support/memory-store.js';
import { findEndpoint, loadEndpoints } from '../config/load.js';
import { parseLakeKey } from '../lake/layout.js';
import { fetchPartition } from './fetch-partition.js';
import { snapshotPartition } from './partition.js';
import { readPartition } from './listing-state.js';
import { lakeStatus } from '../lake/status.js';

const games = snapshotPartition(findEndpoint(loadEndpoints(), 'games'), '2026-11-30');

/** The keys of the listings that were read whole (no `_split.json`): where the partition's data is. */
function leafPages(contents: Map<string, string>): Map<string, string> {
  const splitFolders = [...contents.keys()]
    .filter((key) => key.endsWith('/_split.json'))
    .map((key) => key.slice(0, -'_split.json'.length));
  return new Map(
    [...contents].filter(
      ([key]) => /\/page=\d+\.json$/.test(key) && !splitFolders.includes(key.slice(0, key.lastIndexOf('/') + 1)),
    ),
  );
}

describe('lake status of a snapshot read in windows (fake client, memory lake)', () => {
  it('gives the pages and windows the lake reading gives: those of the windows read whole, not of listings split after some pages', async () => {
    const store = new MemoryStore();
    // The config assumes 1,000 results a listing; the API serves 100, which page 11 shows. By then
    // pages 1-10 of the whole listing are stored; its windows replace it, and some split again.
    const api = new FakeRawg({ listings: { games: fakeItems(300, '2000-01-01', '2026-11-29') }, maxResults: 100 });
    const ctx = {
      client: api,
      allowance: { remaining: Infinity },
      concurrency: 4,
      pageSize: 10,
      maxResults: 1000,
      runId: 'run-1',
      today: '2026-12-01',
    };
    const outcome = await fetchPartition(await readPartition(store, games), ctx);
    expect(outcome.complete).toBe(true);

    const contents = store.contents('raw/');
    const leaves = leafPages(contents);
    // The fault this guards against really is in the lake: pages of split listings, and windows split further.
    expect([...contents.keys()].filter((key) => /\/page=\d+\.json$/.test(key)).length).toBeGreaterThan(leaves.size);
    const windowsSeen = new Set([...contents.keys()].map((key) => parseLakeKey(key)?.window).filter(Boolean));
    const leafWindows = new Set([...leaves.keys()].map((key) => parseLakeKey(key)?.window));
    expect(windowsSeen.size).toBeGreaterThan(leafWindows.size);
    // The leaf windows hold every game exactly once.
    expect(idsInPages(leaves).sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));

    const inLake = await readPartition(store, games);
    expect(inLake.root.state).toMatchObject({
      status: 'complete',
      pages: leaves.size,
      success: { windows: leafWindows.size },
    });
    expect(await lakeStatus(store)).toEqual([
      {
        endpoint: 'games',
        load: 'snapshot',
        date: '2026-11-30',
        pages: leaves.size,
        windows: leafWindows.size,
        complete: true,
        capped: false,
      },
    ]);
  });
});
