import type { ObjectStore } from '../lake/store.js';

export interface PartitionStatus {
  endpoint: string;
  load: string;
  date: string;
  /** Pages stored, in all windows. */
  pages: number;
  /** Windows the partition is read in (0 for one listing). */
  windows: number;
  complete: boolean;
  /** Deeper than the API serves and closed with what it serves (`_capped.json`): kept, never complete. */
  capped: boolean;
}

const KEY = /^raw\/([^/]+)\/load=([^/]+)\/date=([^/]+)\/(?:window=([^/]+)\/)?([^/]+)$/;

/** Every partition in the lake, from one listing of `raw/`. */
export async function lakeStatus(store: ObjectStore): Promise<PartitionStatus[]> {
  const byPrefix = new Map<string, PartitionStatus & { seen: Set<string> }>();
  for (const key of await store.list('raw/')) {
    const match = KEY.exec(key);
    if (!match) continue;
    const [, endpoint, load, date, window, name] = match as unknown as [string, string, string, string, string | undefined, string];
    const id = `${endpoint}/${load}/${date}`;
    const status = byPrefix.get(id) ?? { endpoint, load, date, pages: 0, windows: 0, complete: false, capped: false, seen: new Set<string>() };
    if (name === '_SUCCESS' && window === undefined) status.complete = true;
    if (name === '_capped.json' && window === undefined) status.capped = true;
    if (/^page=\d+\.json$/.test(name)) status.pages += 1;
    if (window !== undefined) status.seen.add(window);
    byPrefix.set(id, status);
  }
  return [...byPrefix.values()].map(({ seen, ...status }) => ({ ...status, windows: seen.size }));
}
