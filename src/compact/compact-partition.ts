import { createHash } from 'node:crypto';
import { CorruptObjectError } from '../errors.js';
import { compactPartKey, compactSuccessKey, isPageName, partitionPrefix, type PartitionRef } from '../lake/layout.js';
import type { ObjectStore } from '../lake/store.js';
import { pagesToParquet, readPart } from './pages-to-parquet.js';

/** What a partition's compaction marker records, and what `gmp compact --json` reports of it. */
export interface CompactedPartition {
  endpoint: string;
  load: string;
  date: string;
  pages: number;
  parts: Array<{ key: string; pages: number; bytes: number; sha256: string }>;
  /** Bytes of page text read, and of Parquet written. */
  bytesIn: number;
  bytesOut: number;
  /** sha256 over every source page's key and sha256, in key order. */
  sourceSha256: string;
}

/**
 * Compacts one closed partition: its pages (windows included, exactly the pages a build would
 * read) become Parquet parts, each uploaded with the store's conditional put, and then the
 * marker. A crash leaves no marker, so the next run does it again: parts already there from the
 * crashed run are whole (a put is all or nothing) and, made from the same pages, byte-identical;
 * one that differs is named, never trusted or overwritten.
 */
export async function compactPartition(
  store: ObjectStore,
  partition: PartitionRef,
  partBytes: number,
  signal?: AbortSignal,
): Promise<CompactedPartition> {
  const prefix = partitionPrefix(partition);
  const pageKeys = (await store.list(prefix)).filter((key) => isPageName(key.slice(key.lastIndexOf('/') + 1)));
  const staged = await pagesToParquet(store, pageKeys, partBytes, signal);
  try {
    const parts: CompactedPartition['parts'] = [];
    for (const [index, part] of staged.parts.entries()) {
      signal?.throwIfAborted();
      const key = compactPartKey(partition, index);
      const body = await readPart(part);
      const sha256 = createHash('sha256').update(body).digest('hex');
      if (!(await store.putIfAbsent(key, body))) await checkLeftPart(store, key, sha256);
      parts.push({ key, pages: part.pages, bytes: body.byteLength, sha256 });
    }
    const compacted: CompactedPartition = {
      endpoint: partition.endpoint.name,
      load: partition.load,
      date: partition.date,
      pages: staged.pages,
      parts,
      bytesIn: staged.bytesIn,
      bytesOut: parts.reduce((sum, part) => sum + part.bytes, 0),
      sourceSha256: staged.sourceSha256,
    };
    // Last: a reader trusts the parts only once this exists. A concurrent run may have written it first, from the same pages.
    await store.putIfAbsent(compactSuccessKey(partition), `${JSON.stringify(compacted)}\n`);
    return compacted;
  } finally {
    await staged.dispose();
  }
}

/** A part a crashed run left behind is kept only when it is the very part this run made. */
async function checkLeftPart(store: ObjectStore, key: string, sha256: string): Promise<void> {
  const existing = await store.get(key);
  if (existing && createHash('sha256').update(existing).digest('hex') === sha256) return;
  const folder = key.slice(0, key.lastIndexOf('/') + 1);
  throw new CorruptObjectError(
    `${key} differs from the part its pages give (its folder has no _SUCCESS, so nothing reads it): delete ${folder} and rerun gmp compact`,
  );
}
