/**
 * What the lake holds of the items a per-item resource is fetched for (the games behind a game's
 * detail): per item, its newest `updated` and its `added`. Reading that from every stored page
 * took 78 s on a 900,000-game lake, on every run that plans details, so each complete partition's
 * items are also kept in one index object:
 *
 *   _index/{endpoint}/load={snapshot|updated}/date={YYYY-MM-DD}.json   {"items": [[id, added, updated], ...]}
 *
 * written by the first reader that finds the partition sealed (`_SUCCESS`) and unindexed. A sealed
 * partition's pages never change, so its index never goes stale; an open partition (a backfill,
 * a day not sealed yet, a capped one) is read from its pages every time.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import { CorruptObjectError } from '../errors.js';
import { isPageName, LOADS, loadPrefix, parseLakeKey, type Load } from './layout.js';
import type { ObjectStore } from './store.js';

export const INDEX_PREFIX = '_index/';

export const indexKey = (endpoint: string, load: Load, date: string): string =>
  `${INDEX_PREFIX}${endpoint}/load=${load}/date=${date}.json`;

/** An item of the parent listing as the lake holds it newest: its popularity and version. */
export interface ParentItem {
  id: number;
  added: number;
  updated: string;
}

/** Store requests at once: enough to hide a store's latency, few enough to keep memory flat. */
const READS_IN_FLIGHT = 16;

/** Every item of the endpoint's partitions, the newest `updated` of each winning (with its `added`). */
export async function readParentItems(store: ObjectStore, endpoint: string): Promise<Map<string, ParentItem>> {
  const [listed, indexed] = await Promise.all([
    Promise.all(LOADS.map((load) => store.list(loadPrefix(endpoint, load)))),
    store.list(`${INDEX_PREFIX}${endpoint}/`),
  ]);
  const indexes = new Set(indexed);
  const limit = pLimit(READS_IN_FLIGHT);
  const items = new Map<string, ParentItem>();
  await Promise.all(
    [...partitionsOf(listed.flat())].map(async ({ load, date, pages, sealed }) => {
      const key = indexKey(endpoint, load, date);
      let read: ParentItem[];
      if (indexes.has(key)) read = await limit(() => readIndex(store, key));
      else {
        const fromPages = await readPages(store, pages, limit);
        read = fromPages.items;
        // A page listed but not read (gone since) must not leave a gap that an index would keep.
        if (sealed && fromPages.whole) await limit(() => writeIndex(store, key, read));
      }
      for (const item of read) keepNewest(items, item);
    }),
  );
  return items;
}

interface StoredPartition {
  load: Load;
  date: string;
  pages: string[];
  sealed: boolean;
}

/** The partitions among the listed keys, with their page keys and whether the partition's own `_SUCCESS` is written. */
function partitionsOf(keys: string[]): Iterable<StoredPartition> {
  const partitions = new Map<string, StoredPartition>();
  for (const key of keys) {
    const parsed = parseLakeKey(key);
    if (!parsed) continue;
    const id = `${parsed.load}/${parsed.date}`;
    const partition = partitions.get(id) ?? { load: parsed.load, date: parsed.date, pages: [], sealed: false };
    partitions.set(id, partition);
    if (isPageName(parsed.name)) partition.pages.push(key);
    else if (parsed.name === '_SUCCESS' && parsed.window === undefined) partition.sealed = true;
  }
  return partitions.values();
}

/** A partition's items from its pages, the newest `updated` of each; `whole` when every page was there to read. */
async function readPages(
  store: ObjectStore,
  keys: string[],
  limit: LimitFunction,
): Promise<{ items: ParentItem[]; whole: boolean }> {
  const items = new Map<string, ParentItem>();
  let whole = true;
  await Promise.all(
    keys.map((key) =>
      limit(async () => {
        const body = await store.get(key);
        if (!body) {
          whole = false;
          return;
        }
        const page = JSON.parse(new TextDecoder().decode(body)) as {
          results?: { id?: unknown; added?: unknown; updated?: unknown }[];
        };
        for (const item of page.results ?? []) {
          if (typeof item.id !== 'number' || typeof item.updated !== 'string') continue;
          keepNewest(items, { id: item.id, added: Number(item.added) || 0, updated: item.updated });
        }
      }),
    ),
  );
  return { items: [...items.values()], whole };
}

function keepNewest(items: Map<string, ParentItem>, item: ParentItem): void {
  const seen = items.get(String(item.id));
  if (!seen || seen.updated < item.updated) items.set(String(item.id), item);
}

/**
 * Writes a sealed partition's index. It only saves later readers time, so a lake that refuses the
 * write (read-only credentials for `gmp plan`) costs this reader nothing: the next one tries again.
 */
async function writeIndex(store: ObjectStore, key: string, items: ParentItem[]): Promise<void> {
  const rows = items.map((item) => [item.id, item.added, item.updated]);
  await store.putIfAbsent(key, JSON.stringify({ items: rows })).catch(() => false);
}

/** An index's items; a damaged one is named, to be deleted (the next reader writes it again from the pages). */
async function readIndex(store: ObjectStore, key: string): Promise<ParentItem[]> {
  const damaged = () =>
    new CorruptObjectError(`${key} is damaged: delete it (it is written again from its partition's pages) and rerun`);
  let rows: unknown;
  try {
    rows = (JSON.parse(new TextDecoder().decode(await store.get(key))) as { items?: unknown }).items;
  } catch {
    throw damaged();
  }
  if (!Array.isArray(rows)) throw damaged();
  return rows.map((row: unknown) => {
    if (!Array.isArray(row) || typeof row[0] !== 'number' || typeof row[1] !== 'number' || typeof row[2] !== 'string')
      throw damaged();
    return { id: row[0], added: row[1], updated: row[2] };
  });
}
