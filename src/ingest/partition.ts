import type { Endpoint } from '../config/schema.js';

export const LOADS = ['snapshot', 'updated'] as const;
export type Load = (typeof LOADS)[number];

/** An endpoint's listing for one logical date: what a run brings to complete. */
export interface Partition {
  endpoint: Endpoint;
  load: Load;
  /** The logical date of the data (YYYY-MM-DD), never the run's wall clock. */
  date: string;
  /** Query parameters that select the data (e.g. `updated=D,D`), without paging or key. */
  params: Record<string, string>;
}

/**
 * A slice of a snapshot that fits under the API's depth cap: the games whose `updated` day lies
 * in [from, to]. Each window is its own resume unit (manifest, pages, success marker).
 */
export interface Window {
  from: string;
  to: string;
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
  return { endpoint, load: 'updated', date, params: { [endpoint.incremental ?? 'updated']: `${date},${date}` } };
}

/** `updated~2010-01-01~2011-06-30`: the window's name in keys and unit ids. */
export const windowId = (w: Window): string => `updated~${w.from}~${w.to}`;

export function parseWindowId(id: string): Window | undefined {
  const match = /^updated~(\d{4}-\d{2}-\d{2})~(\d{4}-\d{2}-\d{2})$/.exec(id);
  return match && match[1]! <= match[2]! ? { from: match[1]!, to: match[2]! } : undefined;
}

export function partitionPrefix(p: Partition): string {
  return `raw/${p.endpoint.name}/load=${p.load}/date=${p.date}/`;
}

export function listingPrefix({ partition, window }: Listing): string {
  return `${partitionPrefix(partition)}${window ? `window=${windowId(window)}/` : ''}`;
}

/** The query parameters of a listing: the partition's, plus the window's `updated` range. */
export function listingParams({ partition, window }: Listing): Record<string, string> {
  return window ? { ...partition.params, [partition.endpoint.incremental ?? 'updated']: `${window.from},${window.to}` } : partition.params;
}

export function partitionLabel(p: Partition): string {
  return `${p.endpoint.name} ${p.load} ${p.date}`;
}

export function listingLabel(l: Listing): string {
  return l.window ? `${partitionLabel(l.partition)} ${windowId(l.window)}` : partitionLabel(l.partition);
}

/** A unit's id, as `gmp plan` prints it and `gmp ingest --unit` takes it: `games/snapshot/2026-12-01[/updated~A~B]`. */
export function unitId(l: Listing): string {
  const { endpoint, load, date } = l.partition;
  return `${endpoint.name}/${load}/${date}${l.window ? `/${windowId(l.window)}` : ''}`;
}

export const pageKey = (l: Listing, page: number): string => `${listingPrefix(l)}page=${String(page).padStart(5, '0')}.json`;
export const manifestKey = (l: Listing): string => `${listingPrefix(l)}_manifest.json`;
export const successKey = (l: Listing): string => `${listingPrefix(l)}_SUCCESS`;
/** Written when a listing is too deep for the API: it names the windows that replace it. */
export const splitKey = (l: Listing): string => `${listingPrefix(l)}_split.json`;

/** Written when a listing is too deep for the API and cannot be split: the pages up to the cap are kept. */
export const cappedKey = (l: Listing): string => `${listingPrefix(l)}_capped.json`;

/** The page number of a page key directly under `prefix`, or undefined for other objects. */
export function pageNumber(key: string, prefix = ''): number | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const match = /^page=(\d+)\.json$/.exec(key.slice(prefix.length));
  return match ? Number(match[1]) : undefined;
}
