import { now as clockNow } from '../clock.js';
import { monthOf, monthSpend } from '../lake/spend.js';
import { runsSince } from '../lake/run-record.js';
import { lakeStatus } from '../lake/status.js';
import { schemaStatus, type SchemaStatus } from '../lake/schema-drift.js';
import { partitionId } from '../lake/layout.js';
import type { ObjectStore } from '../lake/store.js';
import { isSandboxApi, isSandboxOrigin } from '../lake/origin.js';
import { batchStatus } from '../lake/items.js';
import { isPerItem, type EndpointsFile } from '../config/schema.js';

/**
 * Where a run's pages came from: the built-in sandbox (synthetic games), or an API that may serve
 * the real market (RAWG itself, a proxy, a replay); only the sandbox's base URL says which it is.
 */
export type Source = 'api' | 'sandbox';

export interface EndpointPartitions {
  endpoint: string;
  complete: number;
  incomplete: number;
  snapshots: number;
  updatedPartitions: number;
  pages: number;
  firstDate: string;
  lastDate: string;
}

/** A per-item endpoint's batches (a game's detail): fetched one request an item, not in pages. */
export interface EndpointBatches {
  endpoint: string;
  complete: number;
  incomplete: number;
  /** Items stored, over every batch (an item fetched again after a change counts again). */
  items: number;
  /** Items the API answered 404 for: deleted since the listing named them. */
  gone: number;
  firstDate: string;
  lastDate: string;
}

export interface RunSummary {
  runId: string;
  finishedAt: string;
  apiRequests: number;
  source: Source;
  /** host[:port] of the API the run called. */
  host: string;
}

export interface LakePanel {
  location: string;
  endpoints: EndpointPartitions[];
  batches: EndpointBatches[];
  lastCompleteRun?: RunSummary;
  /** The calendar month (UTC) the spend is for: YYYY-MM. */
  month: string;
  budget: number;
  /** Requests to APIs other than the sandbox: what the budget counts. */
  apiRequestsThisMonth: number;
  sandboxRequestsThisMonth: number;
  /** Complete partitions by the API their pages came from (from the run records that fetched them). */
  partitionsBySource: Record<Source | 'unrecorded', number>;
  /** Hosts of the APIs (not the sandbox) that fetched complete partitions, sorted. */
  apiHosts: string[];
  /** Each endpoint's item shape as the lake holds it: its last change and the fields gone. */
  itemSchemas: SchemaStatus[];
}

export const sourceOf = (api: string): Source => (isSandboxApi(api) ? 'sandbox' : 'api');

/** The source of an API as the ledger names it (`sandbox`; in older lakes `127.0.0.1-5000_sandbox_api`). */
const sourceOfLedgerApi = (identity: string): Source => (isSandboxOrigin(identity) ? 'sandbox' : 'api');

/** "api.rawg.io", "127.0.0.1:8080": never credentials, never the path. */
export function hostOf(api: string): string {
  try {
    return new URL(api).host || 'an API without a host';
  } catch {
    return 'an API with an unreadable URL';
  }
}

/**
 * What is in the lake, and where it came from: the partitions, the run records in `_runs/`, the
 * month's spend from `_ledger/` (as `plan` and `lake status` read it), and how the API's item
 * fields changed (`_schema/`).
 */
export async function readLakePanel(store: ObjectStore, config: EndpointsFile, now = clockNow()): Promise<LakePanel> {
  const month = monthOf(now);
  const [partitions, batches, runs, spend, itemSchemas] = await Promise.all([
    lakeStatus(store),
    batchStatus(
      store,
      config.endpoints.filter(isPerItem).map((endpoint) => endpoint.name),
    ),
    runsSince(store),
    monthSpend(store, month),
    schemaStatus(store),
  ]);
  const spent = (source: Source) =>
    spend.filter((api) => sourceOfLedgerApi(api.api) === source).reduce((sum, api) => sum + api.spent, 0);
  const lastComplete = runs.findLast((run) => run.outcome === 'complete');

  // A partition's pages came from the APIs of the runs that fetched any of them.
  const fetchedBy = new Map<string, Set<string>>();
  for (const run of runs) {
    for (const partition of run.partitions) {
      if (partition.pagesFetched === 0) continue;
      const id = partitionId(partition.endpoint, partition.load, partition.date);
      const apis = fetchedBy.get(id) ?? new Set<string>();
      apis.add(run.api);
      fetchedBy.set(id, apis);
    }
  }
  const partitionsBySource = { api: 0, sandbox: 0, unrecorded: 0 };
  const apiHosts = new Set<string>();
  for (const partition of partitions.filter((p) => p.complete)) {
    const apis = fetchedBy.get(partitionId(partition.endpoint, partition.load, partition.date));
    if (!apis) partitionsBySource.unrecorded += 1;
    for (const source of new Set([...(apis ?? [])].map(sourceOf))) partitionsBySource[source] += 1;
    for (const api of apis ?? []) if (sourceOf(api) === 'api') apiHosts.add(hostOf(api));
  }

  return {
    location: store.location,
    endpoints: summarisePartitions(partitions),
    batches: summariseBatches(batches),
    lastCompleteRun: lastComplete && {
      runId: lastComplete.runId,
      finishedAt: lastComplete.finishedAt,
      apiRequests: lastComplete.apiRequests,
      source: sourceOf(lastComplete.api),
      host: hostOf(lastComplete.api),
    },
    month,
    budget: config.source.monthlyRequestBudget,
    apiRequestsThisMonth: spent('api'),
    sandboxRequestsThisMonth: spent('sandbox'),
    partitionsBySource,
    apiHosts: [...apiHosts].sort(),
    itemSchemas,
  };
}

function summarisePartitions(partitions: Awaited<ReturnType<typeof lakeStatus>>): EndpointPartitions[] {
  return perEndpoint(
    partitions,
    () => ({ snapshots: 0, updatedPartitions: 0, pages: 0 }),
    (entry, p) => {
      if (p.load === 'snapshot') entry.snapshots += 1;
      else entry.updatedPartitions += 1;
      entry.pages += p.pages;
    },
  );
}

function summariseBatches(batches: Awaited<ReturnType<typeof batchStatus>>): EndpointBatches[] {
  return perEndpoint(
    batches,
    () => ({ items: 0, gone: 0 }),
    (entry, b) => {
      entry.items += b.stored;
      entry.gone += b.gone;
    },
  );
}

/** What every per-endpoint row of the panel counts: complete and not, and the first and last day. */
interface EndpointTally {
  endpoint: string;
  complete: number;
  incomplete: number;
  firstDate: string;
  lastDate: string;
}

/** Rows (partitions or batches) tallied per endpoint, sorted by endpoint; `add` counts what is particular to them. */
function perEndpoint<R extends { endpoint: string; date: string; complete: boolean }, C extends object>(
  rows: R[],
  zero: () => C,
  add: (entry: EndpointTally & C, row: R) => void,
): (EndpointTally & C)[] {
  const byEndpoint = new Map<string, EndpointTally & C>();
  for (const row of rows) {
    const entry = byEndpoint.get(row.endpoint) ?? {
      endpoint: row.endpoint,
      complete: 0,
      incomplete: 0,
      firstDate: row.date,
      lastDate: row.date,
      ...zero(),
    };
    byEndpoint.set(row.endpoint, entry);
    if (row.complete) entry.complete += 1;
    else entry.incomplete += 1;
    if (row.date < entry.firstDate) entry.firstDate = row.date;
    if (row.date > entry.lastDate) entry.lastDate = row.date;
    add(entry, row);
  }
  return [...byEndpoint.values()].sort((a, b) => a.endpoint.localeCompare(b.endpoint));
}
