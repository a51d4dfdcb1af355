import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { CorruptObjectError } from '../errors.js';
import type { ObjectStore } from '../lake/store.js';

/** Pages read from the store at once: enough to hide its latency, few enough to keep memory flat. */
const PAGES_IN_FLIGHT = 16;

/**
 * DuckDB's share of the process: beyond it, the staged pages spill to the temporary database on
 * disk, so a 22,500-page partition costs disk, not memory.
 */
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
 * `page` (its text, as stored). Only PAGES_IN_FLIGHT pages are held in memory; DuckDB stages the
 * rest in a temporary database on disk. The output depends only on the pages: single-threaded,
 * in key order, so a rerun after a crash writes byte-identical parts.
 */
export async function pagesToParquet(store: ObjectStore, pageKeys: readonly string[], partBytes: number, signal?: AbortSignal): Promise<StagedPartition> {
  const dir = await mkdtemp(join(tmpdir(), 'gmp-compact-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    const instance = await DuckDBInstance.create(join(dir, 'staging.duckdb'), {
      threads: '1',
      memory_limit: DUCKDB_MEMORY_LIMIT,
      temp_directory: join(dir, 'spill'),
      preserve_insertion_order: 'true',
    });
    const connection = await instance.connect();
    try {
      await connection.run('create table pages (seq integer, part integer, key varchar, page varchar)');
      const appender = await connection.createAppender('pages');
      const source = createHash('sha256');
      const parts: LocalPart[] = [];
      let bytesIn = 0;
      let current: LocalPart | undefined;
      for (let start = 0; start < pageKeys.length; start += PAGES_IN_FLIGHT) {
        signal?.throwIfAborted();
        const batch = pageKeys.slice(start, start + PAGES_IN_FLIGHT);
        const bodies = await Promise.all(batch.map((key) => store.get(key)));
        for (const [offset, key] of batch.entries()) {
          const body = bodies[offset];
          if (body === undefined) throw new CorruptObjectError(`${key} was listed but is gone: the raw pages are never deleted; restore it, then rerun gmp compact`);
          if (!current || (current.bytesIn > 0 && current.bytesIn + body.byteLength > partBytes)) {
            current = { path: join(dir, `part-${parts.length}.parquet`), pages: 0, bytesIn: 0 };
            parts.push(current);
          }
          current.pages += 1;
          current.bytesIn += body.byteLength;
          bytesIn += body.byteLength;
          source.update(`${key}\n${createHash('sha256').update(body).digest('hex')}\n`);
          appender.appendInteger(start + offset);
          appender.appendInteger(parts.length - 1);
          appender.appendVarchar(key);
          appender.appendVarchar(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
          appender.endRow();
        }
        appender.flushSync();
      }
      appender.closeSync();
      for (const [index, part] of parts.entries()) {
        signal?.throwIfAborted();
        const target = part.path.replaceAll("'", "''");
        await connection.run(
          `copy (select key, page from pages where part = ${index} order by seq) to '${target}' (format parquet, compression zstd, row_group_size ${ROW_GROUP_ROWS})`,
        );
      }
      return { parts, pages: pageKeys.length, bytesIn, sourceSha256: source.digest('hex'), dispose };
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  } catch (error) {
    await dispose();
    throw error;
  }
}

export const readPart = (part: LocalPart): Promise<Buffer> => readFile(part.path);
