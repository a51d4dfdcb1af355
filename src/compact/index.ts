import { GmpError } from '../errors.js';
import { partitionId } from '../lake/layout.js';
import type { ObjectStore } from '../lake/store.js';
import { closedPartitions, compactedPartitionIds } from '../lake/partitions.js';
import { compactPartition, type CompactedPartition } from './compact-partition.js';
import { CompactLineage } from '../lineage/compact.js';

export type { CompactedPartition } from './compact-partition.js';

/**
 * Page text per Parquet part. Sandbox pages compress 11:1 with zstd (measured: 14.9 MB of pages
 * to 1.3 MB), real ones less, so a part is ~50-85 MB and a 22,500-page catalogue snapshot
 * (~3.4 GB of pages) 7 parts: toward Snowflake's advised 100-250 MB files, while the upload, which
 * holds one part in memory, stays small.
 */
export const DEFAULT_PART_BYTES = 512 * 1024 * 1024;

/** Compaction broke off (DuckDB, the temporary disk): nothing a reader trusts was written. */
export class CompactionError extends GmpError {}

export interface CompactOptions {
  store: ObjectStore;
  /** Endpoint names to compact; every endpoint when undefined. */
  endpoints?: readonly string[];
  partBytes?: number;
  signal?: AbortSignal;
  /** Called as each partition's marker is written. */
  onCompacted?: (partition: CompactedPartition) => void;
}

export interface CompactSummary {
  compacted: CompactedPartition[];
  /** Closed partitions that were compacted already. */
  alreadyCompacted: number;
  pages: number;
  bytesIn: number;
  bytesOut: number;
  durationMs: number;
}

/**
 * Compacts every closed partition of the endpoints that has no compaction marker yet. Open
 * partitions are never touched; with nothing to do it costs two listings and writes nothing.
 */
export async function runCompact({
  store,
  endpoints,
  partBytes = DEFAULT_PART_BYTES,
  signal,
  onCompacted,
}: CompactOptions): Promise<CompactSummary> {
  const started = Date.now();
  const lineage = new CompactLineage(store.location);
  await lineage.start();
  try {
    const each = (partition: CompactedPartition) => {
      lineage.compacted(partition);
      onCompacted?.(partition);
    };
    const summary = await compactEach({ store, endpoints, partBytes, signal, onCompacted: each }, started);
    await lineage.complete();
    return summary;
  } catch (error) {
    await lineage.stopped(error, signal);
    throw error;
  }
}

async function compactEach(
  { store, endpoints, partBytes = DEFAULT_PART_BYTES, signal, onCompacted }: CompactOptions,
  started: number,
): Promise<CompactSummary> {
  const wanted = endpoints && new Set(endpoints);
  const [closed, done] = await Promise.all([closedPartitions(store), compactedPartitionIds(store)]);
  const selected = closed.filter((p) => !wanted || wanted.has(p.endpoint));
  const todo = selected.filter((p) => !done.has(partitionId(p.endpoint, p.load, p.date)));
  const compacted: CompactedPartition[] = [];
  for (const p of todo) {
    signal?.throwIfAborted();
    const id = partitionId(p.endpoint, p.load, p.date);
    const result = await compactPartition(
      store,
      { endpoint: { name: p.endpoint }, load: p.load, date: p.date },
      partBytes,
      signal,
    ).catch((error: unknown) => {
      if (error instanceof GmpError || signal?.aborted) throw error;
      throw new CompactionError(
        `compacting ${id} failed (${String((error as Error).message ?? error).split('\n')[0]}): it has no marker, so the next gmp compact redoes it`,
      );
    });
    compacted.push(result);
    onCompacted?.(result);
  }
  return {
    compacted,
    alreadyCompacted: selected.length - todo.length,
    pages: compacted.reduce((sum, p) => sum + p.pages, 0),
    bytesIn: compacted.reduce((sum, p) => sum + p.bytesIn, 0),
    bytesOut: compacted.reduce((sum, p) => sum + p.bytesOut, 0),
    durationMs: Date.now() - started,
  };
}
