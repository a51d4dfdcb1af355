import { incrementalBase, type BuildRecord, type BuildVerdict } from '../warehouse/build-record.js';
import { LAKE_SOURCE } from './generate-sources.js';
import type { LakePartitions } from '../lake/partitions.js';

/** The model that holds the build's lake listing, read by the freshness check: built whenever the listing moved. */
const LISTING_MODEL = 'lake_partitions';

/** What a dev build does, decided before dbt starts. */
export type BuildScope =
  /** Nothing the warehouse depends on moved since the `last` build: dbt is not started. */
  | { build: 'none'; last: BuildRecord & { verdict: BuildVerdict } }
  /** Only `endpoints` got partitions: `select` is what depends on them (their models and tests) and the listing. */
  | { build: 'some'; endpoints: string[]; select: string[] }
  /** Every model, incrementally; `fullRefresh` rebuilds them from the whole lake. `reason` says why when it is news. */
  | { build: 'all'; fullRefresh: boolean; reason?: string };

export interface ScopeInputs {
  /** The last build's record beside the warehouse; undefined when none finished. */
  record: BuildRecord | undefined;
  /** The lake this build reads, as the record spells it. */
  lake: string;
  /** buildInputsFingerprint of this build. */
  inputs: string;
  /** The closed partitions the lake holds now. */
  partitions: LakePartitions;
  /** The endpoints of config/endpoints.json: the dbt sources there are. */
  endpoints: readonly string[];
  fullRefresh: boolean;
}

/**
 * Build or skip, and how much. A warehouse no finished build describes (none, another lake,
 * another layout, failed tests) or `--full-refresh` is built whole from the lake. A changed
 * project, config or setting builds every model, as incremental as each is. Otherwise the build
 * follows the lake listing: equal, nothing is built; some endpoints changed, only what depends on
 * their dbt sources is (dbt's graph selector `source:lake.<endpoint>+`): the other models read
 * nothing that moved, and a full refresh of the same lake gives the same rows.
 */
export function scopeBuild({ record, lake, inputs, partitions, endpoints, fullRefresh }: ScopeInputs): BuildScope {
  if (fullRefresh || !record || record.lake !== lake || !incrementalBase(record))
    return { build: 'all', fullRefresh: true };
  if (record.inputs !== inputs || !record.partitions || !record.verdict) {
    return {
      build: 'all',
      fullRefresh: false,
      reason: 'the dbt project, the config or the build settings changed since the last build',
    };
  }
  const moved = changedEndpoints(record.partitions, partitions);
  if (!moved.length) return { build: 'none', last: { ...record, verdict: record.verdict } };
  const built = moved.filter((endpoint) => endpoints.includes(endpoint));
  return {
    build: 'some',
    endpoints: built,
    select: [...built.map((endpoint) => `source:${LAKE_SOURCE}.${endpoint}+`), LISTING_MODEL],
  };
}

/** Endpoints whose closed partitions differ between two listings, sorted. */
export function changedEndpoints(before: LakePartitions, now: LakePartitions): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(now)]);
  return [...names].filter((name) => JSON.stringify(before[name] ?? {}) !== JSON.stringify(now[name] ?? {})).sort();
}
