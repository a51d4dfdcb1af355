import type { Endpoint } from '../config/schema.js';
import { partitionId, type Load, type Window } from '../lake/layout.js';

/** An endpoint's listing for one logical date: what a run brings to complete. */
export interface Partition {
  endpoint: Endpoint;
  load: Load;
  /** The logical date of the data (YYYY-MM-DD), never the run's wall clock. */
  date: string;
  /** Query parameters that select the data (e.g. `updated=D,D`), without paging or key. */
  params: Record<string, string>;
}

/** One listing the ingest pages through: a whole partition, or one window of it. */
export interface Listing {
  partition: Partition;
  window?: Window;
}

export function snapshotPartition(endpoint: Endpoint, date: string): Partition {
  return { endpoint, load: 'snapshot', date, params: {} };
}

export function updatedPartition(endpoint: Endpoint, date: string): Partition {
  return { endpoint, load: 'updated', date, params: { [endpoint.updatedFilter ?? 'updated']: `${date},${date}` } };
}

/** The query parameters of a listing: the partition's, plus the window's `updated` range. */
export function listingParams({ partition, window }: Listing): Record<string, string> {
  return window
    ? { ...partition.params, [partition.endpoint.updatedFilter ?? 'updated']: `${window.from},${window.to}` }
    : partition.params;
}

/** The partition's id (`games/snapshot/2026-12-01`), as plans, progress and errors name it. */
export function partitionLabel(p: Partition): string {
  return partitionId(p.endpoint.name, p.load, p.date);
}
