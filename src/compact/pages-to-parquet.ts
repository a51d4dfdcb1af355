import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorruptObjectError } from '../errors.js';
import type { ObjectStore } from '../lake/store.js';

/** Pages read from the store at once: enough to hide its latency, few enough to keep memory flat. */
const PAGES_IN_FLIGHT = 16;

/** DuckDB's share of the process: it streams the staged page files into Parquet, a row group at a time. */
const DUCKDB_MEMORY_LIMIT = '192MB';

/**
 * Rows per Parquet row group. A row is a whole page (about 150 KB of JSON text at 40 games a page),
 * so 128 rows are ~20 MB before compression: what the writer buffers, and what a reader skips at once.
 */
const ROW_GROUP_ROWS = 128;

/** One Parquet part, written to a local file until it is uploaded. */
export interface LocalPart {
  path: string;
  pages: number;
  bytesIn: number;
}

export interface StagedPartition {
  parts: LocalPart[];
  pages: number;
  bytesIn: number;
  /** sha256 over every page's key and sha256, in key order: what the parts were made from. */
  sourceSha256: string;
  /** Deletes the temporary files. */
  dispose(): Promise<void>;
}

/**
 * Reads the pages (keys in order) from the store a few at a time and writes them as Parquet parts
 * of about `partBytes` of page text each, one row per page: `key` (the page's key in the lake) and
 * `page` (its text, as stored). Only PAGES_IN_FLIGHT pages are held in memory: a part's pages are
 * staged as local files (named by their order and key) and DuckDB streams them into the part, so a
 * 22,500-page partition costs one part of disk at a time, not memory. The output depends only on
 * the pages (one thread, key order), so a rerun after a crash writes byte-identical parts.
 */
export async function pagesToParquet(
  store: ObjectStore,
  pageKeys: readonly string[],
  partBytes: number,
  signal?: AbortSignal,
): Promise<StagedPartition> {
  const dir = await mkdtemp(join(tmpdir(), 'gmp-compact-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    // DuckDB loads only when a partition is compacted: every other command starts without it.
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:', {
      threads: '1',
      memory_limit: DUCKDB_MEMORY_LIMIT,
      preserve_insertion_order: 'true',
    });
    const connection = await instance.connect();
    try {
      const writePart = (part: StagingPart) => writeParquetPart(part, (sql) => connection.run(sql));
      return { ...(await stageParts(store, pageKeys, partBytes, dir, writePart, signal)), dispose };
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  } catch (error) {
    await dispose();
    throw error;
  }
}

type StagingPart = LocalPart & { staging: string };

/**
 * Reads the pages PAGES_IN_FLIGHT at a time into staging folders of about `partBytes` each, and
 * has each folder written as a part once the next one starts (the last at the end).
 */
async function stageParts(
  store: ObjectStore,
  pageKeys: readonly string[],
  partBytes: number,
  dir: string,
  writePart: (part: StagingPart) => Promise<void>,
  signal: AbortSignal | undefined,
): Promise<Omit<StagedPartition, 'dispose'>> {
  const source = createHash('sha256');
  const parts: StagingPart[] = [];
  let bytesIn = 0;
  let current: StagingPart | undefined;
  for (let start = 0; start < pageKeys.length; start += PAGES_IN_FLIGHT) {
    signal?.throwIfAborted();
    const batch = pageKeys.slice(start, start + PAGES_IN_FLIGHT);
    const bodies = await Promise.all(batch.map((key) => store.get(key)));
    for (const [offset, key] of batch.entries()) {
      const body = bodies[offset];
      if (body === undefined)
        throw new CorruptObjectError(
          `${key} was listed but is gone: the raw pages are never deleted; restore it, then rerun gmp compact`,
        );
      if (!current || (current.bytesIn > 0 && current.bytesIn + body.byteLength > partBytes)) {
        if (current) await writePart(current);
        const index = parts.length;
        current = {
          path: join(dir, `part-${index}.parquet`),
          staging: join(dir, `pages-${index}`),
          pages: 0,
          bytesIn: 0,
        };
        await mkdir(current.staging);
        parts.push(current);
      }
      current.pages += 1;
      current.bytesIn += body.byteLength;
      bytesIn += body.byteLength;
      source.update(`${key}\n${createHash('sha256').update(body).digest('hex')}\n`);
      // The glob lists names sorted: the order number keeps key order, the encoded key names the row.
      await writeFile(
        join(current.staging, `${String(start + offset).padStart(8, '0')}~${encodeURIComponent(key)}.json`),
        body,
      );
    }
  }
  if (current) await writePart(current);
  return {
    parts: parts.map(({ path, pages, bytesIn }) => ({ path, pages, bytesIn })),
    pages: pageKeys.length,
    bytesIn,
    sourceSha256: source.digest('hex'),
  };
}

/** One part: DuckDB streams the staged page files into Parquet, then the staging folder goes. */
async function writeParquetPart(part: StagingPart, run: (sql: string) => Promise<unknown>): Promise<void> {
  const glob = `${part.staging}/*.json`.replaceAll("'", "''");
  const target = part.path.replaceAll("'", "''");
  await run(
    `copy (select url_decode(regexp_extract(filename, '~([^/]+)[.]json$', 1)) as key, content as page from read_text('${glob}')) ` +
      `to '${target}' (format parquet, compression zstd, row_group_size ${ROW_GROUP_ROWS})`,
  );
  await rm(part.staging, { recursive: true, force: true });
}

export const readPart = (part: LocalPart): Promise<Buffer> => readFile(part.path);
