import { CountingStore, type ObjectStore } from '../lake/store.js';
import {
  cappedSchema,
  manifestSchema,
  parseStored,
  splitSchema,
  successSchema,
  type Capped,
  type Manifest,
  type Split,
  type Success,
} from '../lake/markers.js';
import {
  cappedKey,
  listingPrefix,
  manifestKey,
  pageNumber,
  partitionPrefix,
  splitKey,
  successKey,
} from '../lake/layout.js';
import type { Listing, Partition } from './partition.js';

export type ListingState =
  | { status: 'complete'; pages: number; success?: Success }
  | { status: 'split'; split: Split; windows: ListingInLake[] }
  | { status: 'capped'; capped: Capped; pages: number }
  | { status: 'resume'; manifest: Manifest; present: Set<number> }
  | { status: 'new' };

export interface ListingInLake {
  listing: Listing;
  state: ListingState;
}

/** The count the listing's markers keep (its manifest's, split's, cap's or seal's); undefined before it is sized. */
export function listingCount(state: ListingState): number | undefined {
  switch (state.status) {
    case 'resume':
      return state.manifest.count;
    case 'split':
      return state.split.count;
    case 'capped':
      return state.capped.count;
    case 'complete':
      return state.success?.count;
    default:
      return undefined;
  }
}

export interface PartitionInLake {
  partition: Partition;
  root: ListingInLake;
  /** Counts every store request made for this partition, from reading its state to the end of its fetch. */
  store: CountingStore;
}

/**
 * Finds what a partition still needs: one GET when it is complete; otherwise one LIST of the
 * partition (windows included) and a GET of each manifest or split record it holds.
 */
export async function readPartition(lake: ObjectStore, partition: Partition): Promise<PartitionInLake> {
  const store = new CountingStore(lake);
  const rootListing: Listing = { partition };
  // A GET rather than a HEAD: the same one request, and the marker tells how many pages there are.
  const marker = await store.get(successKey(rootListing));
  if (marker) {
    const success = parseStored(successSchema, marker, successKey(rootListing));
    return {
      partition,
      root: { listing: rootListing, state: { status: 'complete', pages: success.pages, success } },
      store,
    };
  }
  const keys = new Set(await store.list(partitionPrefix(partition)));
  return { partition, root: await readListing(store, rootListing, keys), store };
}

/** One listing's state as the lake holds it now: what a run reads again once it holds the listing's lease. */
export async function readListingNow(store: ObjectStore, listing: Listing): Promise<ListingInLake> {
  return readListing(store, listing, new Set(await store.list(listingPrefix(listing))));
}

/** The state of one listing, from the partition's keys and the records they point to. */
async function readListing(store: ObjectStore, listing: Listing, keys: Set<string>): Promise<ListingInLake> {
  const prefix = listingPrefix(listing);
  const pagesPresent = (): Set<number> => {
    const present = new Set<number>();
    for (const key of keys) {
      const page = pageNumber(key, prefix);
      if (page !== undefined) present.add(page);
    }
    return present;
  };
  const read = async <T>(schema: Parameters<typeof parseStored<T>>[0], key: string): Promise<T> =>
    parseStored(schema, (await store.get(key)) ?? new Uint8Array(), key);

  if (keys.has(splitKey(listing))) {
    const split = await read(splitSchema, splitKey(listing));
    const windows = await Promise.all(
      split.windows.map((window) => readListing(store, { partition: listing.partition, window }, keys)),
    );
    return { listing, state: { status: 'split', split, windows } };
  }
  if (keys.has(successKey(listing))) return { listing, state: { status: 'complete', pages: pagesPresent().size } };
  if (keys.has(cappedKey(listing))) {
    return {
      listing,
      state: { status: 'capped', capped: await read(cappedSchema, cappedKey(listing)), pages: pagesPresent().size },
    };
  }
  if (!keys.has(manifestKey(listing))) return { listing, state: { status: 'new' } };
  const manifest = await read(manifestSchema, manifestKey(listing));
  return { listing, state: { status: 'resume', manifest, present: pagesPresent() } };
}

/** The listings that still need API requests, depth first: the units of work. */
export function openListings(inLake: ListingInLake): ListingInLake[] {
  const { state } = inLake;
  if (state.status === 'split') return state.windows.flatMap(openListings);
  return state.status === 'new' || state.status === 'resume' ? [inLake] : [];
}

/** Pages known to be missing; 1 for a listing never started (its size is unknown until then). */
export function knownApiRequests(inLake: ListingInLake): number {
  const { state } = inLake;
  switch (state.status) {
    case 'split':
      return state.windows.reduce((sum, window) => sum + knownApiRequests(window), 0);
    case 'resume': {
      let missing = 0;
      for (let page = 1; page <= state.manifest.pages; page++) if (!state.present.has(page)) missing++;
      return missing;
    }
    case 'new':
      return 1;
    default:
      return 0;
  }
}

/** Every listing is closed: complete, or capped (kept as far as the API serves it). */
export function isClosed(inLake: ListingInLake): boolean {
  const { state } = inLake;
  if (state.status === 'split') return state.windows.every(isClosed);
  return state.status === 'complete' || state.status === 'capped';
}
