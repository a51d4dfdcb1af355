import { isPageName, parseLakeKey, partitionId, type Load } from '../lake/layout.js';
import type { ObjectStore } from '../lake/store.js';

export interface PartitionStatus {
  endpoint: string;
  load: Load;
  date: string;
  /** Pages stored, in all windows. */
  pages: number;
  /** Windows the partition is read in (0 for one listing). */
  windows: number;
  complete: boolean;
  /** Deeper than the API serves and closed with what it serves (`_capped.json`): kept, never complete. */
  capped: boolean;
}

/** Every partition in the lake, from one listing of `raw/`. */
export async function lakeStatus(store: ObjectStore): Promise<PartitionStatus[]> {
  const byPrefix = new Map<string, PartitionStatus & { seen: Set<string> }>();
  for (const key of await store.list('raw/')) {
    const parsed = parseLakeKey(key);
    if (!parsed) continue;
    const { endpoint, load, date, window, name } = parsed;
    const id = partitionId(endpoint, load, date);
    const status = byPrefix.get(id) ?? { endpoint, load, date, pages: 0, windows: 0, complete: false, capped: false, seen: new Set<string>() };
    if (name === '_SUCCESS' && window === undefined) status.complete = true;
    if (name === '_capped.json' && window === undefined) status.capped = true;
    if (isPageName(name)) status.pages += 1;
    if (window !== undefined) status.seen.add(window);
    byPrefix.set(id, status);
  }
  return [...byPrefix.values()].map(({ seen, ...status }) => ({ ...status, windows: seen.size }));
}
