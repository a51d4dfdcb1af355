import type { SourceSettings } from '../config/schema.js';
import type { ObjectStore } from '../lake/store.js';
import type { RawgClientOptions } from '../source/client.js';
import { redactUrl } from '../source/redact.js';
import { now as clockNow } from '../clock.js';
import type { PartitionProgress } from './fetch-partition.js';
import { budgetOf, type Budget } from './ledger.js';
import type { Partition } from './partition.js';
import { planWork, type ItemsWork, type WorkPlan } from './planner.js';
import type { ListingState } from './listing-state.js';
import { apiOrigin, checkLakeOrigin, readLakeOrigin } from '../lake/origin.js';
import { runsSince, type PartitionSummary } from '../lake/run-record.js';
import type { Work } from './select.js';

export type IngestEvent =
  | { type: 'run-start'; runId: string; partitions: number; apiRequestsKnown: number; budgetLeft: number }
  | { type: 'partition-start'; partition: Partition; state: ListingState['status'] }
  | { type: 'progress'; partition: Partition; progress: PartitionProgress }
  | { type: 'partition-end'; partition: Partition; summary: PartitionSummary };

export interface ApiSettings {
  baseUrl: string;
  apiKey: string;
}

export interface IngestOptions {
  work: Work[];
  /** Resources fetched per item (selectItemsWork), after the listings. */
  items?: ItemsWork[];
  store: ObjectStore;
  api: ApiSettings;
  source: SourceSettings;
  /** Caps the pages this run fetches; a partition it leaves open stays incomplete and resumes later. */
  maxPages?: number;
  /** Overrides the configured request rate (a shard of a plan gets its share). */
  requestsPerSecond?: number;
  ignoreBudget?: boolean;
  /** Aborted on SIGINT/SIGTERM: the run stops starting requests, records itself, and throws the reason. */
  signal?: AbortSignal;
  onRetry?: RawgClientOptions['onRetry'];
  onEvent?: (event: IngestEvent) => void;
}

/** The API a run talks to, safe to print and to store: no key, no credentials. */
export const apiLabel = (baseUrl: string): string => redactUrl(baseUrl).replace(/\/$/, '');

/**
 * Fails (exit 2, before any API request) when the lake holds another API's data: its origin
 * marker says so, or, for a lake filled before lakes were bound, its run records do.
 */
export async function checkLakeFor(store: ObjectStore, baseUrl: string): Promise<{ origin: string; bound: boolean }> {
  const origin = apiOrigin(baseUrl);
  const bound = await readLakeOrigin(store);
  checkLakeOrigin(store, bound, origin);
  if (bound === undefined) {
    // A damaged record names no origin: `lake status` reports it, it blocks no run.
    const other = (await runsSince(store, '', { skipDamaged: true }))
      .map((run) => run.origin ?? apiOrigin(run.api))
      .find((seen) => seen !== origin);
    checkLakeOrigin(store, other, origin, 'its run records');
  }
  return { origin, bound: bound !== undefined };
}

/** The month's budget for an API, from the ledger in the lake. */
export function budgetFor(
  store: ObjectStore,
  baseUrl: string,
  source: SourceSettings,
  now = clockNow(),
): Promise<Budget> {
  return budgetOf(store, apiOrigin(baseUrl), source.monthlyRequestBudget, now);
}

/** The plan of the selected work against the month's budget: what `gmp plan --json` prints. */
export async function planRun(
  work: Work[],
  options: {
    store: ObjectStore;
    baseUrl: string;
    source: SourceSettings;
    maxPages?: number;
    shards?: number;
    now?: Date;
    items?: ItemsWork[];
  },
): Promise<WorkPlan> {
  const budget = await budgetFor(options.store, options.baseUrl, options.source, options.now);
  return planWork(
    work,
    {
      api: apiLabel(options.baseUrl),
      budget,
      pageSize: options.source.pageSize,
      maxPages: options.maxPages,
      shards: options.shards,
      requestsPerSecond: options.source.requestsPerSecond,
      now: options.now,
    },
    options.items,
  );
}
