import { CountingStore, type ObjectStore } from '../lake/store.js';
import { manifestSchema, parseStored, successSchema, type Manifest, type Success } from './manifest.js';
import { manifestKey, pageNumber, partitionPrefix, successKey, type Partition } from './partition.js';

export type PartitionState =
  | { status: 'complete'; success: Success }
  | { status: 'resume'; manifest: Manifest; present: Set<number> }
  | { status: 'new' };

export interface PartitionPlan {
  partition: Partition;
  state: PartitionState;
  /** Pages known to be missing; for a new partition, page 1 (the rest is unknown until then). */
  knownApiRequests: number;
  /** Counts every store request made for this partition, from planning to the end. */
  store: CountingStore;
}

/**
 * Finds what a partition still needs, with as few store requests as possible: one GET when it is
 * complete; two GETs and one LIST when it was started; two GETs when it is new.
 */
export async function planPartition(lake: ObjectStore, partition: Partition): Promise<PartitionPlan> {
  const store = new CountingStore(lake);
  // A GET rather than a HEAD: the same one request, and the marker tells how many pages there are.
  const marker = await store.get(successKey(partition));
  if (marker) {
    const success = parseStored(successSchema, marker, successKey(partition));
    return { partition, state: { status: 'complete', success }, knownApiRequests: 0, store };
  }
  const bytes = await store.get(manifestKey(partition));
  if (!bytes) return { partition, state: { status: 'new' }, knownApiRequests: 1, store };

  const manifest = parseStored(manifestSchema, bytes, manifestKey(partition));
  const present = new Set<number>();
  for (const key of await store.list(partitionPrefix(partition))) {
    const page = pageNumber(key);
    if (page !== undefined) present.add(page);
  }
  let missing = 0;
  for (let page = 1; page <= manifest.pages; page++) if (!present.has(page)) missing++;
  return { partition, state: { status: 'resume', manifest, present }, knownApiRequests: missing, store };
}
