import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptObjectError } from '../errors.js';
import { openLake } from './open.js';
import { indexKey, readParentItems } from './parent-items.js';
import { CountingStore, type ObjectStore } from './store.js';

const SNAPSHOT = 'raw/games/load=snapshot/date=2026-12-01/';
const DAY = 'raw/games/load=updated/date=2026-12-02/';
const page = (results: object[]) => JSON.stringify({ count: results.length, next: null, previous: null, results });
const game = (id: number, added: number, updated: string) => ({ id, added, updated, name: `Game ${id}` });

/** A sealed snapshot in two windows (game 2 edited between them) and a day not sealed yet that edits game 1. */
async function lakeOnDisk(): Promise<ObjectStore> {
  const store = openLake({ lakeUrl: `file://${mkdtempSync(join(tmpdir(), 'gmp-parent-'))}` });
  await store.putIfAbsent(
    `${SNAPSHOT}window=updated~2026-01-01~2026-06-30/page=00001.json`,
    page([game(1, 50, '2026-03-01T00:00:00'), game(2, 40, '2026-04-01T00:00:00')]),
  );
  await store.putIfAbsent(
    `${SNAPSHOT}window=updated~2026-07-01~2026-12-01/page=00001.json`,
    page([game(2, 41, '2026-08-01T00:00:00'), game(3, 30, '2026-09-01T00:00:00')]),
  );
  await store.putIfAbsent(`${SNAPSHOT}_SUCCESS`, '{}');
  await store.putIfAbsent(`${DAY}page=00001.json`, page([game(1, 55, '2026-12-02T09:00:00')]));
  return store;
}

const newest = {
  '1': { id: 1, added: 55, updated: '2026-12-02T09:00:00' },
  '2': { id: 2, added: 41, updated: '2026-08-01T00:00:00' },
  '3': { id: 3, added: 30, updated: '2026-09-01T00:00:00' },
};

describe('the parent items a per-item resource is chosen from (a lake on disk)', () => {
  it("reads a sealed partition's pages once, then its index: the same items, one GET in place of its pages", async () => {
    const lake = await lakeOnDisk();
    const first = new CountingStore(lake);
    expect(Object.fromEntries(await readParentItems(first, 'games'))).toEqual(newest);
    // Only the sealed snapshot is indexed: the open day may still change.
    expect(await lake.list('_index/')).toEqual([indexKey('games', 'snapshot', '2026-12-01')]);

    const again = new CountingStore(lake);
    expect(Object.fromEntries(await readParentItems(again, 'games'))).toEqual(newest);
    // Three LISTs (two loads, the index folder), the index and the open day's page; no write.
    expect(again.requests).toBe(5);
    expect(first.requests).toBe(3 + 3 + 1);
  });

  it('reads a lake it may not write (read-only credentials): the same items, no index', async () => {
    const lake = await lakeOnDisk();
    const readOnly = new (class extends CountingStore {
      override putIfAbsent(): Promise<boolean> {
        return Promise.reject(new Error('AccessDenied'));
      }
    })(lake);
    expect(Object.fromEntries(await readParentItems(readOnly, 'games'))).toEqual(newest);
    expect(await lake.list('_index/')).toEqual([]);
  });

  it('indexes no partition a page of which was listed but could not be read: the gap stays a gap of this read only', async () => {
    const lake = await lakeOnDisk();
    const lost = `${SNAPSHOT}window=updated~2026-07-01~2026-12-01/page=00001.json`;
    const losing = new (class extends CountingStore {
      override get(key: string): Promise<Uint8Array | undefined> {
        return key === lost ? Promise.resolve(undefined) : super.get(key);
      }
    })(lake);
    expect([...(await readParentItems(losing, 'games')).keys()].sort()).toEqual(['1', '2']);
    expect(await lake.list('_index/')).toEqual([]);
    expect(Object.fromEntries(await readParentItems(lake, 'games'))).toEqual(newest);
  });

  it('names a damaged index, to be deleted and written again, instead of reading wrong items', async () => {
    const lake = await lakeOnDisk();
    await lake.putIfAbsent(indexKey('games', 'snapshot', '2026-12-01'), '{"items":[[1,"fifty"]]}');
    const read = readParentItems(lake, 'games');
    await expect(read).rejects.toThrow(CorruptObjectError);
    await expect(read).rejects.toThrow(
      '_index/games/load=snapshot/date=2026-12-01.json is damaged: delete it (it is written again from its partition',
    );
  });
});
