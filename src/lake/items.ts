/**
 * The lake layout of a resource fetched per item of another (config `perItemOf`, e.g. a game's
 * detail `games/{id}`), and its only owner:
 *
 *   raw/{endpoint}/load=items/date={YYYY-MM-DD}/_manifest.json   the items the plan chose for this batch, pinned before the first request
 *   raw/{endpoint}/load=items/date={YYYY-MM-DD}/item={id}.json    one item: the API's answer as received (redacted)
 *   raw/{endpoint}/load=items/date={YYYY-MM-DD}/item={id}.gone    the API answered 404 (the item was deleted): recorded, never retried
 *   raw/{endpoint}/load=items/date={YYYY-MM-DD}/_SUCCESS          written last, once every chosen item is stored or gone
 *
 * `date` is the day the batch was pinned (one batch a day at most): a rerun of a sealed batch costs
 * nothing, and a killed run resumes exactly the chosen items not yet stored.
 */
import { z } from 'zod';
import { parseStored } from './markers.js';
import type { ObjectStore } from './store.js';

export const ITEMS_LOAD = 'items';

/** The folder of an endpoint's batches; its children are `date=YYYY-MM-DD`. */
export const itemsLoadPrefix = (endpoint: string): string => `raw/${endpoint}/load=${ITEMS_LOAD}/`;

export const itemsBatchPrefix = (endpoint: string, date: string): string => `${itemsLoadPrefix(endpoint)}date=${date}/`;
export const itemsManifestKey = (endpoint: string, date: string): string =>
  `${itemsBatchPrefix(endpoint, date)}_manifest.json`;
export const itemsSuccessKey = (endpoint: string, date: string): string =>
  `${itemsBatchPrefix(endpoint, date)}_SUCCESS`;
export const itemKey = (endpoint: string, date: string, id: number): string =>
  `${itemsBatchPrefix(endpoint, date)}item=${id}.json`;
export const itemGoneKey = (endpoint: string, date: string, id: number): string =>
  `${itemsBatchPrefix(endpoint, date)}item=${id}.gone`;

/** A batch's unit id, as `gmp plan` prints it: `game_details/items/2026-12-07`. */
export const itemsUnitId = (endpoint: string, date: string): string => `${endpoint}/${ITEMS_LOAD}/${date}`;

const ITEMS_KEY =
  /^raw\/([^/]+)\/load=items\/date=(\d{4}-\d{2}-\d{2})\/(?:item=(\d+)\.(json|gone)|(_manifest\.json|_SUCCESS))$/;

/** A key of an items batch, taken apart; undefined for any other key. */
export type ItemsKey =
  | { endpoint: string; date: string; kind: 'item' | 'gone'; id: number }
  | { endpoint: string; date: string; kind: 'manifest' | 'success' };

export function parseItemsKey(key: string): ItemsKey | undefined {
  const match = ITEMS_KEY.exec(key);
  if (!match) return undefined;
  const [, endpoint, date, id, ext, marker] = match as unknown as [
    string,
    string,
    string,
    string | undefined,
    string | undefined,
    string | undefined,
  ];
  if (marker) return { endpoint, date, kind: marker === '_SUCCESS' ? 'success' : 'manifest' };
  return { endpoint, date, kind: ext === 'gone' ? 'gone' : 'item', id: Number(id) };
}

/**
 * The item keys as one regular expression over a whole object path (any root before `raw/`), for
 * readers that match paths themselves, like Snowflake's external tables: items only, never a
 * batch's manifest, its marker or a `.gone` record.
 */
export const ITEM_PATH_PATTERN = `.*/load=${ITEMS_LOAD}/date=[0-9]{4}-[0-9]{2}-[0-9]{2}/item=[0-9]+[.]json`;

/** Every stored item of an endpoint under a lake root, as a DuckDB glob. */
export const itemsGlob = (root: string, endpoint: string): string =>
  `${root}/raw/${endpoint}/load=${ITEMS_LOAD}/date=*/item=*.json`;

/** The items a batch was pinned to, each with the version (`updated`) the plan saw. */
export const itemsManifestSchema = z.object({
  endpoint: z.string(),
  path: z.string(),
  date: z.string(),
  items: z.array(z.object({ id: z.int(), updated: z.string() })),
  createdAt: z.string(),
});
export type ItemsManifest = z.infer<typeof itemsManifestSchema>;

export const itemsSuccessSchema = z.object({
  stored: z.int().nonnegative(),
  gone: z.int().nonnegative(),
  runId: z.string(),
  completedAt: z.string(),
});

export interface ItemsBatch {
  date: string;
  manifest?: ItemsManifest;
  stored: Set<number>;
  gone: Set<number>;
  sealed: boolean;
}

/** Every batch of a per-item endpoint, oldest first: one LIST, and a GET of each manifest. */
export async function readBatches(store: ObjectStore, endpoint: string): Promise<ItemsBatch[]> {
  const batches = new Map<string, ItemsBatch>();
  for (const key of await store.list(itemsLoadPrefix(endpoint))) {
    const parsed = parseItemsKey(key);
    if (!parsed) continue;
    const batch = batches.get(parsed.date) ?? {
      date: parsed.date,
      stored: new Set<number>(),
      gone: new Set<number>(),
      sealed: false,
    };
    batches.set(parsed.date, batch);
    if (parsed.kind === 'item') batch.stored.add(parsed.id);
    else if (parsed.kind === 'gone') batch.gone.add(parsed.id);
    else if (parsed.kind === 'success') batch.sealed = true;
  }
  const sorted = [...batches.values()].sort((a, b) => a.date.localeCompare(b.date));
  await Promise.all(
    sorted.map(async (batch) => {
      const key = itemsManifestKey(endpoint, batch.date);
      const body = await store.get(key);
      if (body) batch.manifest = parseStored(itemsManifestSchema, body, key);
    }),
  );
  return sorted;
}

/** A batch as `gmp lake status` shows it. */
export interface BatchStatus {
  id: string;
  endpoint: string;
  date: string;
  /** Items the batch was pinned to (0 when its manifest is missing). */
  pinned: number;
  stored: number;
  /** Items the API answered 404 for: deleted, recorded, never asked again. */
  gone: number;
  complete: boolean;
}

/** Every batch of the per-item endpoints named. */
export async function batchStatus(store: ObjectStore, endpoints: readonly string[]): Promise<BatchStatus[]> {
  const all = await Promise.all(
    endpoints.map(async (endpoint) => ({ endpoint, batches: await readBatches(store, endpoint) })),
  );
  return all.flatMap(({ endpoint, batches }) =>
    batches.map((batch) => ({
      id: itemsUnitId(endpoint, batch.date),
      endpoint,
      date: batch.date,
      pinned: batch.manifest?.items.length ?? 0,
      stored: batch.stored.size,
      gone: batch.gone.size,
      complete: batch.sealed,
    })),
  );
}
