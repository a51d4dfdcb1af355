import { loadEndpoints } from '../config/load.js';
import { runsSince } from '../ingest/run-record.js';
import { lakeStatus } from '../ingest/status.js';
import type { ObjectStore } from '../lake/store.js';

/** The host of the real RAWG API; every other base URL is a sandbox (ours, or a test's). */
export const REAL_API_HOST = 'api.rawg.io';

export type Source = 'real' | 'sandbox';

export interface EndpointPartitions {
  endpoint: string;
  complete: number;
  incomplete: number;
  snapshots: number;
  updatedWindows: number;
  pages: number;
  firstDate: string;
  lastDate: string;
}

export interface RunSummary {
  runId: string;
  finishedAt: string;
  apiRequests: number;
  source: Source;
}

export interface LakePanel {
  location: string;
  endpoints: EndpointPartitions[];
  lastCompleteRun?: RunSummary;
  /** The calendar month (UTC) the spend is for: YYYY-MM. */
  month: string;
  budget: number;
  realRequestsThisMonth: number;
  sandboxRequestsThisMonth: number;
  /** Complete partitions by the API their pages came from (from the run records that fetched them). */
  partitionsBySource: Record<Source | 'unrecorded', number>;
}

export function sourceOf(api: string): Source {
  try {
    return new URL(api).hostname === REAL_API_HOST ? 'real' : 'sandbox';
  } catch {
    return 'sandbox';
  }
}

/** What is in the lake, and where it came from: the partitions and the run records in `_runs/`. */
export async function readLakePanel(store: ObjectStore, now = new Date()): Promise<LakePanel> {
  const [partitions, runs] = await Promise.all([lakeStatus(store), runsSince(store)]);
  const month = now.toISOString().slice(0, 7);
  const thisMonth = runs.filter((run) => run.startedAt.startsWith(month));
  const spent = (source: Source) =>
    thisMonth.filter((run) => sourceOf(run.api) === source).reduce((sum, run) => sum + run.apiRequests, 0);
  const lastComplete = runs.findLast((run) => run.outcome === 'complete');

  // A partition's pages came from the APIs of the runs that fetched any of them.
  const fetchedBy = new Map<string, Set<Source>>();
  for (const run of runs) {
    for (const partition of run.partitions) {
      if (partition.pagesFetched === 0) continue;
      const id = `${partition.endpoint}/${partition.load}/${partition.date}`;
      const sources = fetchedBy.get(id) ?? new Set<Source>();
      sources.add(sourceOf(run.api));
      fetchedBy.set(id, sources);
    }
  }
  const partitionsBySource = { real: 0, sandbox: 0, unrecorded: 0 };
  for (const partition of partitions.filter((p) => p.complete)) {
    const sources = fetchedBy.get(`${partition.endpoint}/${partition.load}/${partition.date}`);
    if (!sources) partitionsBySource.unrecorded += 1;
    else for (const source of sources) partitionsBySource[source] += 1;
  }

  return {
    location: store.location,
    endpoints: summarisePartitions(partitions),
    lastCompleteRun: lastComplete && {
      runId: lastComplete.runId,
      finishedAt: lastComplete.finishedAt,
      apiRequests: lastComplete.apiRequests,
      source: sourceOf(lastComplete.api),
    },
    month,
    budget: loadEndpoints().source.monthlyRequestBudget,
    realRequestsThisMonth: spent('real'),
    sandboxRequestsThisMonth: spent('sandbox'),
    partitionsBySource,
  };
}

function summarisePartitions(partitions: Awaited<ReturnType<typeof lakeStatus>>): EndpointPartitions[] {
  const byEndpoint = new Map<string, EndpointPartitions>();
  for (const p of partitions) {
    const entry = byEndpoint.get(p.endpoint) ?? {
      endpoint: p.endpoint,
      complete: 0,
      incomplete: 0,
      snapshots: 0,
      updatedWindows: 0,
      pages: 0,
      firstDate: p.date,
      lastDate: p.date,
    };
    if (p.complete) entry.complete += 1;
    else entry.incomplete += 1;
    if (p.load === 'snapshot') entry.snapshots += 1;
    else entry.updatedWindows += 1;
    entry.pages += p.pages;
    if (p.date < entry.firstDate) entry.firstDate = p.date;
    if (p.date > entry.lastDate) entry.lastDate = p.date;
    byEndpoint.set(p.endpoint, entry);
  }
  return [...byEndpoint.values()].sort((a, b) => a.endpoint.localeCompare(b.endpoint));
}
