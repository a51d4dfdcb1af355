import { isFirstRead, parseLakeKey, partitionId, RAW_PREFIX, type Load } from './layout.js';
import type { ObjectStore } from './store.js';

export interface PartitionStatus {
  endpoint: string;
  load: Load;
  date: string;
  /** The partition's pages: those of its listings that were read whole, the pages `_SUCCESS` counts. */
  pages: number;
  /** Windows the partition is read in, those not split further (0 for one listing). */
  windows: number;
  complete: boolean;
  /** Deeper than the API serves and closed with what it serves (`_capped.json`): kept, never complete. */
  capped: boolean;
}

/** One listing's folder (the partition's own, or a window's), as its keys show it. */
interface ListingKeys {
  pages: number;
  /** `_split.json`: its windows replace it, so pages it got before the split are not the partition's. */
  split: boolean;
}

/** Every partition in the lake, from one listing of `raw/`. */
export async function lakeStatus(store: ObjectStore): Promise<PartitionStatus[]> {
  const partitions = new Map<string, PartitionStatus & { listings: Map<string, ListingKeys> }>();
  for (const key of await store.list(RAW_PREFIX)) {
    const parsed = parseLakeKey(key);
    if (!parsed) continue;
    const { endpoint, load, date, window, name } = parsed;
    const id = partitionId(endpoint, load, date);
    const status = partitions.get(id) ?? {
      endpoint,
      load,
      date,
      pages: 0,
      windows: 0,
      complete: false,
      capped: false,
      listings: new Map(),
    };
    partitions.set(id, status);
    if (name === '_SUCCESS' && window === undefined) status.complete = true;
    if (name === '_capped.json' && window === undefined) status.capped = true;
    const listingName = window ?? '';
    const listing = status.listings.get(listingName) ?? { pages: 0, split: false };
    status.listings.set(listingName, listing);
    if (isFirstRead(name)) listing.pages += 1;
    if (name === '_split.json') listing.split = true;
  }
  return [...partitions.values()].map(({ listings, ...status }) => ({ ...status, ...pagesOfListings(listings) }));
}

/**
 * A partition's pages and windows: a listing found deeper than the API serves is replaced by its
 * windows, and the pages it was read to before that came out stay in the lake as a record only.
 */
function pagesOfListings(listings: Map<string, ListingKeys>): { pages: number; windows: number } {
  let pages = 0;
  let windows = 0;
  for (const [window, listing] of listings) {
    if (listing.split) continue;
    pages += listing.pages;
    if (window !== '') windows += 1;
  }
  return { pages, windows };
}
