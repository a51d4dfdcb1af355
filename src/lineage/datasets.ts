import { itemsBatchPrefix } from '../lake/items.js';
import { resolve } from 'node:path';
import { compactPrefix, partitionPrefix, type PartitionRef } from '../lake/layout.js';
import { isSandboxApi, SANDBOX_ORIGIN } from '../lake/origin.js';
import { redactUrl } from '../source/redact.js';
import type { Dataset } from './event.js';

/**
 * How lineage names what the pipeline reads and writes, one rule each, so that one run's outputs
 * are the next one's inputs by name: an API listing, a lake partition (raw pages or compacted
 * parts), a warehouse table.
 */

/** An endpoint's listing: the API (never with its key; every built-in sandbox is one) and the endpoint's path. */
export function apiDataset(baseUrl: string, endpointPath: string): Dataset {
  const namespace = isSandboxApi(baseUrl)
    ? SANDBOX_ORIGIN
    : redactUrl(baseUrl)
        .replace(/[?#].*$/, '')
        .replace(/\/+$/, '');
  return { namespace, name: endpointPath.replace(/^\/+/, '') };
}

/**
 * The lake, as a URL without credentials: `file:///absolute/dir` or `s3://bucket[/prefix]`. Takes
 * a LAKE_URL or a store's location (which may add ` at <endpoint>` for an S3 server).
 */
export function lakeNamespace(lake: string): string {
  const url = redactUrl(lake.replace(/ at .*$/, ''));
  if (url.startsWith('file://')) return `file://${resolve(url.slice('file://'.length))}`;
  return url.replace(/\/+$/, '');
}

/** A partition's raw pages as ingest writes them: `raw/games/load=snapshot/date=2026-12-06`. */
export function rawPartitionDataset(lake: string, partition: PartitionRef): Dataset {
  return { namespace: lakeNamespace(lake), name: partitionPrefix(partition).replace(/\/$/, '') };
}

/** A batch of a per-item resource as ingest writes it: `raw/game_details/load=items/date=2026-12-07`. */
export function itemsBatchDataset(lake: string, endpoint: string, date: string): Dataset {
  return { namespace: lakeNamespace(lake), name: itemsBatchPrefix(endpoint, date).replace(/\/$/, '') };
}

/** A partition's Parquet parts as compaction writes them: `compact/games/load=snapshot/date=2026-12-06`. */
export function compactedPartitionDataset(lake: string, partition: PartitionRef): Dataset {
  return { namespace: lakeNamespace(lake), name: compactPrefix(partition).replace(/\/$/, '') };
}

/** Where a build writes: the dev DuckDB file, or the Snowflake account. */
export function warehouseNamespace(where: { warehousePath?: string; snowflakeAccount?: string }): string {
  if (where.warehousePath) return `duckdb://${resolve(where.warehousePath)}`;
  return `snowflake://${(where.snowflakeAccount ?? 'unknown').toLowerCase()}`;
}
