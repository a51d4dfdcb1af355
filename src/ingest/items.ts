/**
 * Resources fetched per item of another (config `perItemOf`: a game's detail, which alone names
 * its publishers and developers). What the lake holds of them, which items to fetch next, and the
 * fetch itself. The choice is the planner's (planner.ts calls chooseItems); this module reads the
 * lake and does the requests.
 *
 * "Companies known" for a game: the lake holds its detail at a version not older than the newest
 * `updated` the lake holds for the game. Only the detail proves a game's whole list of
 * publishers and developers; a company's `/games?publishers=ID` listing proves that company's
 * games, never that a game has no other, so it makes no game known and the planner does not buy it.
 */
import pLimit from 'p-limit';
import type { Endpoint } from '../config/schema.js';
import {
  itemGoneKey,
  itemKey,
  itemsManifestKey,
  itemsSuccessKey,
  readBatches,
  type ItemsBatch,
  type ItemsManifest,
} from '../lake/items.js';
import { readParentItems, type ParentItem } from '../lake/parent-items.js';
import type { ObjectStore } from '../lake/store.js';
import type { RawgClient } from '../source/client.js';

/** A per-item endpoint's work read again from the lake: its batches and its parent's items as they are now. */
export async function itemsWorkNow<T extends { endpoint: Endpoint; batches: ItemsBatch[]; knowledge: ItemsKnowledge }>(
  store: ObjectStore,
  work: T,
): Promise<T> {
  const [batches, parent] = await Promise.all([
    readBatches(store, work.endpoint.name),
    readParentItems(store, work.endpoint.perItemOf!),
  ]);
  return { ...work, batches, knowledge: knowledgeOf(parent, batches) };
}

/** Per item id: the newest version whose detail the lake holds, and whether the API said it is gone. */
export function storedVersions(batches: ItemsBatch[]): { stored: Map<number, string>; gone: Set<number> } {
  const stored = new Map<number, string>();
  const gone = new Set<number>();
  for (const batch of batches) {
    for (const entry of batch.manifest?.items ?? []) {
      if (batch.gone.has(entry.id)) gone.add(entry.id);
      if (!batch.stored.has(entry.id)) continue;
      const before = stored.get(entry.id);
      if (before === undefined || before < entry.updated) stored.set(entry.id, entry.updated);
    }
  }
  return { stored, gone };
}

export interface Coverage {
  /** Live items of the parent the lake holds (items the API said are gone left out). */
  items: number;
  /** Of those, the items whose detail is stored at their newest version. */
  known: number;
  /** The same, weighted by `added`. */
  weight: number;
  knownWeight: number;
}

export interface ItemsKnowledge {
  coverage: Coverage;
  /** Items still to fetch (never fetched, or changed since), most added first. */
  candidates: ParentItem[];
}

/** What the lake knows of the items, and what is left to fetch, in the order it pays most. */
export function knowledgeOf(parent: Map<string, ParentItem>, batches: ItemsBatch[]): ItemsKnowledge {
  const { stored, gone } = storedVersions(batches);
  const coverage: Coverage = { items: 0, known: 0, weight: 0, knownWeight: 0 };
  const candidates: ParentItem[] = [];
  for (const item of parent.values()) {
    if (gone.has(item.id)) continue;
    coverage.items += 1;
    coverage.weight += item.added;
    const version = stored.get(item.id);
    if (version !== undefined && version >= item.updated) {
      coverage.known += 1;
      coverage.knownWeight += item.added;
    } else candidates.push(item);
  }
  candidates.sort((a, b) => b.added - a.added || b.id - a.id);
  return { coverage, candidates };
}

/** The requests the next `points` percentage points of `added`-weighted coverage cost, in the planner's order. */
export function costOfNextPoints(knowledge: ItemsKnowledge, points: number): { requests: number; points: number } {
  const { weight, knownWeight } = knowledge.coverage;
  if (weight === 0) return { requests: 0, points: 0 };
  const target = Math.min(weight, knownWeight + (weight * points) / 100);
  let reached = knownWeight;
  let requests = 0;
  for (const item of knowledge.candidates) {
    if (reached >= target) break;
    reached += item.added;
    requests += 1;
  }
  return { requests, points: (100 * (reached - knownWeight)) / weight };
}

/** The item path of one id: `games/{id}` with the id. */
export const itemPath = (endpoint: Endpoint, id: number): string => endpoint.path.replace('{id}', String(id));

export interface FetchItemsOptions {
  client: RawgClient;
  concurrency: number;
  runId: string;
  signal?: AbortSignal;
  /** The batch's lease: once another run has taken it over, no new item is started. */
  lease?: { readonly lost: boolean };
  /** Requests this batch may send; it stays open, resumable, when they run out. */
  allowance: { remaining: number };
}

/**
 * Pins a new batch (when `chosen` is given and none is pinned), then stores each pinned item not
 * yet stored or gone, and seals the batch once all are. Every write is conditional: a run that
 * meets another's object keeps it.
 */
export async function fetchItems(
  store: ObjectStore,
  endpoint: Endpoint,
  date: string,
  chosen: ParentItem[] | undefined,
  options: FetchItemsOptions,
): Promise<{ fetched: number; complete: boolean }> {
  const name = endpoint.name;
  const manifestKey = itemsManifestKey(name, date);
  if (chosen) {
    const manifest: ItemsManifest = {
      endpoint: name,
      path: endpoint.path,
      date,
      items: chosen.map((item) => ({ id: item.id, updated: item.updated })),
      createdAt: new Date().toISOString(),
    };
    await store.putIfAbsent(manifestKey, JSON.stringify(manifest));
  }
  const [batch] = (await readBatches(store, name)).filter((b) => b.date === date);
  if (!batch?.manifest) return { fetched: 0, complete: false };
  if (batch.sealed) return { fetched: 0, complete: true };
  const missing = batch.manifest.items.filter((item) => !batch.stored.has(item.id) && !batch.gone.has(item.id));
  const limit = pLimit(options.concurrency);
  let fetched = 0;
  const done = { stored: batch.stored.size, gone: batch.gone.size };
  await Promise.all(
    missing.map((item) =>
      limit(async () => {
        if (options.signal?.aborted || options.lease?.lost || options.allowance.remaining <= 0) return;
        options.allowance.remaining -= 1;
        const result = await options.client.fetchItem(itemPath(endpoint, item.id));
        fetched += 1;
        if (result.status === 'gone') {
          await store.putIfAbsent(itemGoneKey(name, date, item.id), '');
          done.gone += 1;
        } else {
          await store.putIfAbsent(itemKey(name, date, item.id), result.body);
          done.stored += 1;
        }
      }),
    ),
  );
  if (done.stored + done.gone < batch.manifest.items.length) return { fetched, complete: false };
  // Sealed only when a fresh LIST finds every pinned item stored or gone.
  const [now] = (await readBatches(store, name)).filter((b) => b.date === date);
  const complete = batch.manifest.items.every((item) => now!.stored.has(item.id) || now!.gone.has(item.id));
  if (complete) {
    await store.putIfAbsent(
      itemsSuccessKey(name, date),
      JSON.stringify({
        stored: now!.stored.size,
        gone: now!.gone.size,
        runId: options.runId,
        completedAt: new Date().toISOString(),
      }),
    );
  }
  return { fetched, complete };
}
