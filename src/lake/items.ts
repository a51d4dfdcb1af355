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

export const ITEMS_LOAD = 'items';

/** The folder of an endpoint's batches; its children are `date=YYYY-MM-DD`. */
export const itemsLoadPrefix = (endpoint: string): string => `raw/${endpoint}/load=${ITEMS_LOAD}/`;

export const itemsBatchPrefix = (endpoint: string, date: string): string => `${itemsLoadPrefix(endpoint)}date=${date}/`;
export const itemsManifestKey = (endpoint: string, date: string): string => `${itemsBatchPrefix(endpoint, date)}_manifest.json`;
export const itemsSuccessKey = (endpoint: string, date: string): string => `${itemsBatchPrefix(endpoint, date)}_SUCCESS`;
export const itemKey = (endpoint: string, date: string, id: number): string => `${itemsBatchPrefix(endpoint, date)}item=${id}.json`;
export const itemGoneKey = (endpoint: string, date: string, id: number): string => `${itemsBatchPrefix(endpoint, date)}item=${id}.gone`;

/** A batch's unit id, as `gmp plan` prints it: `game_details/items/2026-12-07`. */
export const itemsUnitId = (endpoint: string, date: string): string => `${endpoint}/${ITEMS_LOAD}/${date}`;

const ITEMS_KEY = /^raw\/([^/]+)\/load=items\/date=(\d{4}-\d{2}-\d{2})\/(?:item=(\d+)\.(json|gone)|(_manifest\.json|_SUCCESS))$/;

/** A key of an items batch, taken apart; undefined for any other key. */
export type ItemsKey = { endpoint: string; date: string; kind: 'item' | 'gone'; id: number } | { endpoint: string; date: string; kind: 'manifest' | 'success' };

export function parseItemsKey(key: string): ItemsKey | undefined {
  const match = ITEMS_KEY.exec(key);
  if (!match) return undefined;
  const [, endpoint, date, id, ext, marker] = match as unknown as [string, string, string, string | undefined, string | undefined, string | undefined];
  if (marker) return { endpoint, date, kind: marker === '_SUCCESS' ? 'success' : 'manifest' };
  return { endpoint, date, kind: ext === 'gone' ? 'gone' : 'item', id: Number(id) };
}

/** Every stored item of an endpoint under a lake root, as a DuckDB glob. */
export const itemsGlob = (root: string, endpoint: string): string => `${root}/raw/${endpoint}/load=${ITEMS_LOAD}/date=*/item=*.json`;
