import type { Endpoint } from '../config/schema.js';

export type Load = 'snapshot' | 'updated';

/** One resume unit: an endpoint's listing for one logical date. */
export interface Partition {
  endpoint: Endpoint;
  load: Load;
  /** The logical date of the data (YYYY-MM-DD), never the run's wall clock. */
  date: string;
  /** Query parameters that select the data (e.g. `updated=D,D`), without paging or key. */
  params: Record<string, string>;
}

export function snapshotPartition(endpoint: Endpoint, date: string): Partition {
  return { endpoint, load: 'snapshot', date, params: {} };
}

export function updatedPartition(endpoint: Endpoint, date: string): Partition {
  return { endpoint, load: 'updated', date, params: { [endpoint.incremental ?? 'updated']: `${date},${date}` } };
}

export function partitionPrefix(p: Partition): string {
  return `raw/${p.endpoint.name}/load=${p.load}/date=${p.date}/`;
}

export function partitionLabel(p: Partition): string {
  return `${p.endpoint.name} ${p.load} ${p.date}`;
}

export const pageKey = (p: Partition, page: number): string => `${partitionPrefix(p)}page=${String(page).padStart(5, '0')}.json`;
export const manifestKey = (p: Partition): string => `${partitionPrefix(p)}_manifest.json`;
export const successKey = (p: Partition): string => `${partitionPrefix(p)}_SUCCESS`;

/** The page number of a page key, or undefined for other objects of the partition. */
export function pageNumber(key: string): number | undefined {
  const match = /\/page=(\d+)\.json$/.exec(key);
  return match ? Number(match[1]) : undefined;
}
