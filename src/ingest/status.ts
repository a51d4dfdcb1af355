import type { ObjectStore } from '../lake/store.js';
import { pageNumber } from './partition.js';

export interface PartitionStatus {
  endpoint: string;
  load: string;
  date: string;
  pages: number;
  complete: boolean;
}

/** Every partition in the lake, from one listing of `raw/`. */
export async function lakeStatus(store: ObjectStore): Promise<PartitionStatus[]> {
  const byPrefix = new Map<string, PartitionStatus>();
  for (const key of await store.list('raw/')) {
    const match = /^raw\/([^/]+)\/load=([^/]+)\/date=([^/]+)\/(.+)$/.exec(key);
    if (!match) continue;
    const [, endpoint, load, date, name] = match as unknown as [string, string, string, string, string];
    const id = `${endpoint}/${load}/${date}`;
    const status = byPrefix.get(id) ?? { endpoint, load, date, pages: 0, complete: false };
    if (name === '_SUCCESS') status.complete = true;
    if (pageNumber(key) !== undefined) status.pages += 1;
    byPrefix.set(id, status);
  }
  return [...byPrefix.values()];
}
