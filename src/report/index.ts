import { todayUtc } from '../dates.js';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { EndpointsFile } from '../config/schema.js';
import type { ObjectStore } from '../lake/store.js';
import { readBuildRecord, sameLake, type BuildRecord } from '../warehouse/build-record.js';
import { readLakePanel } from './lake-panel.js';
import { readMarketData } from './market-data.js';
import { renderPage, type BuiltFrom } from './page.js';
import { marketSections } from './sections.js';
import { openWarehouse } from './warehouse.js';

export interface ReportOptions {
  /** The DuckDB warehouse dbt built; relative paths are against the working directory. */
  warehousePath: string;
  /** The lake, for the data panel (partitions and run records). */
  store: ObjectStore;
  /** The endpoints, for the data panel (which are fetched per item, in batches). */
  endpoints: EndpointsFile;
  /** Where the page goes; relative paths are against the working directory. */
  outPath: string;
}

export interface ReportResult {
  /** The report's absolute path. */
  path: string;
  ms: number;
}

/**
 * Writes the market report: the marts of the warehouse as one self-contained HTML page with
 * charts, and a panel on the lake the data came from. Throws a ReportError (one line) when there
 * is no warehouse to report on; never leaves an empty or half-written page behind.
 */
export async function writeReport({ warehousePath, store, endpoints, outPath }: ReportOptions): Promise<ReportResult> {
  const started = performance.now();
  const now = new Date();
  const warehouseFile = resolve(warehousePath);
  const path = resolve(outPath);
  const warehouse = await openWarehouse(warehouseFile);
  let html: string;
  try {
    const [data, lake] = await Promise.all([
      readMarketData(warehouse, todayUtc(now)),
      readLakePanel(store, endpoints, now),
    ]);
    const record = readBuildRecord(warehouseFile);
    html = await renderPage({
      warehouseGames: data.warehouseGames,
      sections: marketSections(data),
      lake,
      builtFrom: builtFrom(record, store),
      verdict: record?.verdict,
      generatedAt: now,
    });
  } finally {
    warehouse.close();
  }
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(partial, html);
    renameSync(partial, path);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
  return { path, ms: Math.round(performance.now() - started) };
}

function builtFrom(record: BuildRecord | undefined, store: ObjectStore): BuiltFrom {
  if (record === undefined) return { lake: 'unrecorded' };
  return sameLake(record.lake, store.location) ? { lake: 'this' } : { lake: 'other', location: record.lake };
}
