import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { CatalogueStatus } from '../ingest/catalogue.js';
import type { EndpointFreshness } from './freshness.js';

/**
 * What a dev build recorded in a small file beside the warehouse: the lake it read (the report
 * warns when it is given another lake, whose panel would describe data the marts do not hold)
 * and its verdict, so the report can say when its data is not current.
 */
export const builtFromPath = (warehousePath: string): string => `${warehousePath}.lake.json`;

export interface BuildVerdict {
  /** When freshness was checked, ISO. */
  checkedAt: string;
  /** Per endpoint, the newest closed partition and dbt's freshness status; undefined when not checked (no lake listing). */
  freshness?: EndpointFreshness[];
  /** dbt tests that failed, by name; empty when every test passed. */
  failedTests: string[];
  /** Models dbt skipped after a failed test: they hold the rows of their last build. */
  skippedModels: string[];
  /** How complete each catalogue in the lake is (its backfill, its backlog of days); undefined when not checked. */
  catalogue?: CatalogueStatus[];
}

/**
 * The warehouse's layout: raised when models gain columns an incremental build cannot add to a
 * table built before (2: the build stamps, loaded_at and last_loaded_at). A dev warehouse
 * recorded with another layout is rebuilt whole.
 */
export const WAREHOUSE_LAYOUT = 2;

export interface BuildRecord {
  /** The lake as dbt read it (file://ABSOLUTE-DIR or s3://BUCKET[/PREFIX]). */
  lake: string;
  /** WAREHOUSE_LAYOUT of the build; absent from records of layout 1. */
  layout?: number;
  builtAt: string;
  verdict?: BuildVerdict;
}

/** Before a build: a build that fails half-way leaves a warehouse of no known lake. */
export function forgetBuiltFrom(warehousePath: string): void {
  rmSync(builtFromPath(warehousePath), { force: true });
}

/** After a build whose models were all made (its tests may have failed). Holds no secret: a lake location, dates, test names. */
export function recordBuiltFrom(warehousePath: string, lake: string, verdict?: BuildVerdict): void {
  const path = builtFromPath(warehousePath);
  const partial = `${path}.${process.pid}.tmp`;
  const record: BuildRecord = { lake, layout: WAREHOUSE_LAYOUT, builtAt: new Date().toISOString(), ...(verdict ? { verdict } : {}) };
  writeFileSync(partial, `${JSON.stringify(record)}\n`);
  renameSync(partial, path);
}

/** The last build's record; undefined when no build recorded one. */
export function readBuildRecord(warehousePath: string): BuildRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(builtFromPath(warehousePath), 'utf8')) as Partial<BuildRecord>;
    return typeof record.lake === 'string' ? (record as BuildRecord) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The lake of the last build that passed every test, made with this layout: what an incremental
 * build may add to. A build whose tests failed counts as failed here, so the next one rebuilds whole.
 */
export function readBuiltFrom(warehousePath: string): string | undefined {
  const record = readBuildRecord(warehousePath);
  return record && record.layout === WAREHOUSE_LAYOUT && !record.verdict?.failedTests.length ? record.lake : undefined;
}

/** A lake's location as the report's store names it, in the form a build records. */
export function sameLake(recorded: string, storeLocation: string): boolean {
  // An S3 store names its server too ("s3://b/p at http://host:port"); the lake is the bucket and prefix.
  const lake = storeLocation.replace(/^(s3:\/\/\S+) at \S+$/, '$1');
  return recorded.replace(/\/+$/, '') === lake.replace(/\/+$/, '');
}
