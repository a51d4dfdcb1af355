import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { CatalogueStatus } from '../lake/catalogue-status.js';
import type { SchemaStatus } from '../lake/schema-drift.js';
import type { EndpointFreshness, VanishedField } from './verdict.js';
import type { LakePartitions } from '../lake/partitions.js';

/**
 * What a dev build recorded in a small file beside the warehouse: the lake it read (the report
 * warns when it is given another lake, whose panel would describe data the marts do not hold),
 * its verdict, so the report can say when its data is not current, and what it saw (the closed
 * partitions, a fingerprint of the project and config), so the next build knows what is new.
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
  /** Each endpoint's item shape as the lake holds it: its last change, the fields gone; undefined when not checked. */
  itemSchemas?: SchemaStatus[];
  /** Fields the staging models read that vanished from their endpoint's items: each fails the verdict. */
  vanishedFields?: VanishedField[];
}

/**
 * The warehouse's layout: raised when models gain columns an incremental build cannot add to a
 * table built before (2: the build stamps, loaded_at and last_loaded_at; 3: deletions,
 * last_seen_on and is_deleted). A dev warehouse recorded with another layout is rebuilt whole.
 */
export const WAREHOUSE_LAYOUT = 3;

export interface BuildRecord {
  /** The lake as dbt read it (file://ABSOLUTE-DIR or s3://BUCKET[/PREFIX]). */
  lake: string;
  /** WAREHOUSE_LAYOUT of the build; absent from records of layout 1. */
  layout?: number;
  builtAt: string;
  verdict?: BuildVerdict;
  /** What the build saw besides the lake (buildInputsFingerprint); absent from older records. */
  inputs?: string;
  /** The closed partitions the build was given, per endpoint and load; absent from older records. */
  partitions?: LakePartitions;
}

/** What a build saw, for the next one to compare with: unchanged, it need not start dbt. */
export interface BuildSaw {
  inputs: string;
  partitions: LakePartitions;
}

/** Before a build: a build that fails half-way leaves a warehouse of no known lake. */
export function forgetBuiltFrom(warehousePath: string): void {
  rmSync(builtFromPath(warehousePath), { force: true });
}

/**
 * After a build whose models were all made (its tests may have failed), or a check that found
 * nothing to build (`builtAt` then stays the build's). Holds no secret: a lake location, dates,
 * test names, a fingerprint.
 */
export function recordBuiltFrom(
  warehousePath: string,
  lake: string,
  verdict?: BuildVerdict,
  saw?: BuildSaw,
  builtAt = new Date().toISOString(),
): void {
  const path = builtFromPath(warehousePath);
  const partial = `${path}.${process.pid}.tmp`;
  const record: BuildRecord = {
    lake,
    layout: WAREHOUSE_LAYOUT,
    builtAt,
    ...(verdict ? { verdict } : {}),
    ...(saw ?? {}),
  };
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
 * Whether a build may add to the warehouse this record describes: it was made with this layout
 * and passed every test. A build whose tests failed counts as failed here, so the next one
 * rebuilds whole.
 */
export function incrementalBase(record: BuildRecord): boolean {
  return record.layout === WAREHOUSE_LAYOUT && !record.verdict?.failedTests.length;
}

/** A lake's location as the report's store names it, in the form a build records. */
export function sameLake(recorded: string, storeLocation: string): boolean {
  // An S3 store names its server too ("s3://b/p at http://host:port"); the lake is the bucket and prefix.
  const lake = storeLocation.replace(/^(s3:\/\/\S+) at \S+$/, '$1');
  return recorded.replace(/\/+$/, '') === lake.replace(/\/+$/, '');
}
