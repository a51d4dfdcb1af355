/**
 * How complete the lake's catalogue is, for each endpoint read as a catalogue (a snapshot kept
 * current by `updated` days): whether its backfill was opened, how far it is and when it will
 * finish at the current budget, the count the API last reported, and the days the lake is behind.
 * The build's verdict, `gmp lake status` and the report say "current" only when every catalogue
 * is closed and caught up.
 */
import type { EndpointsFile } from '../config/schema.js';
import { dateOfFolder, loadPrefix } from '../lake/layout.js';
import type { ObjectStore } from '../lake/store.js';
import { backlogDays, describeBacklog } from './backlog.js';
import { addDays, todayUtc } from '../dates.js';
import { budgetOf } from './ledger.js';
import { snapshotPartition } from './partition.js';
import { isClosed, listingCount, planPartition, type ListingPlan } from './plan.js';
import { planWork } from './planner.js';
import { selectWork } from './select.js';

export type Backfill =
  /** No snapshot in the lake: the warehouse holds only the games changed on the days read. */
  | { state: 'not-opened' }
  /** The newest snapshot is open: read a share of the budget per daily run until it closes. */
  | {
      state: 'open';
      date: string;
      /** Requests the rest of it is expected to take. */
      apiRequestsLeft: number;
      /** Pages a daily run gives it at this month's budget; 0 when the month has none to spare. */
      pagesPerDailyRun: number;
      /** Daily runs until it closes at that share; null when the share is 0. */
      dailyRunsNeeded: number | null;
      /** The day it closes at one daily run a day; null when the share is 0. */
      expectedDate: string | null;
      monthsNeeded: number;
    }
  /** The newest snapshot is closed: complete, or capped (the API serves no more of it). */
  | { state: 'closed'; date: string; capped: boolean };

export interface CatalogueStatus {
  endpoint: string;
  backfill: Backfill;
  /** The whole listing's size as the API last reported it (the newest snapshot's page 1); null before one. */
  apiCount: number | null;
  /** The `updated` days a daily run still has to fetch, oldest first. */
  backlog: string[];
}

export interface CatalogueOptions {
  /** The origin the lake is bound to, whose budget a daily run spends; undefined for a lake never fetched into. */
  origin?: string;
  now?: Date;
}

/** The catalogue status of every endpoint with an `updated` filter; a few store requests each, no API request. */
export async function catalogueStatus(
  file: EndpointsFile,
  store: ObjectStore,
  { origin, now = new Date() }: CatalogueOptions = {},
): Promise<CatalogueStatus[]> {
  const budget = await budgetOf(store, origin ?? '', file.source.monthlyRequestBudget, now);
  const planOptions = { api: origin ?? '', budget, pageSize: file.source.pageSize, requestsPerSecond: file.source.requestsPerSecond, now };
  const catalogues = file.endpoints.filter((endpoint) => endpoint.updatedFilter !== undefined);
  return Promise.all(
    catalogues.map(async (endpoint): Promise<CatalogueStatus> => {
      const backlog = await backlogDays(store, endpoint, now);
      const newest = (await store.listChildren(loadPrefix(endpoint.name, 'snapshot')))
        .map(dateOfFolder)
        .filter((day): day is string => day !== undefined && day <= todayUtc(now))
        .at(-1);
      if (newest === undefined) return { endpoint: endpoint.name, backfill: { state: 'not-opened' }, apiCount: null, backlog };
      const snapshot = await planPartition(store, snapshotPartition(endpoint, newest));
      const apiCount = listingCount(snapshot.root.state) ?? null;
      if (isClosed(snapshot.root)) {
        return { endpoint: endpoint.name, backfill: { state: 'closed', date: newest, capped: hasCapped(snapshot.root) }, apiCount, backlog };
      }
      // Only an open backfill needs the daily run planned: its share is what the days leave.
      const daily = planWork(await selectWork(file, { endpoints: [endpoint.name], mode: 'daily' }, store, now), planOptions);
      const alone = planWork([{ plan: snapshot, backfill: true }], planOptions);
      const pagesPerDailyRun = daily.backfillPages;
      const dailyRunsNeeded = pagesPerDailyRun > 0 ? Math.ceil(alone.apiRequestsExpected / pagesPerDailyRun) : null;
      return {
        endpoint: endpoint.name,
        backfill: {
          state: 'open',
          date: newest,
          apiRequestsLeft: alone.apiRequestsExpected,
          pagesPerDailyRun,
          dailyRunsNeeded,
          expectedDate: dailyRunsNeeded === null ? null : addDays(todayUtc(now), dailyRunsNeeded - 1),
          monthsNeeded: alone.monthsNeeded,
        },
        apiCount,
        backlog,
      };
    }),
  );
}

/** A listing, or a window of it, closed with only the part the API serves. */
function hasCapped(plan: ListingPlan): boolean {
  const { state } = plan;
  return state.status === 'capped' || (state.status === 'split' && state.windows.some(hasCapped));
}

/**
 * What keeps a catalogue from being current (none: complete and caught up), one phrase each ("the catalogue backfill was never
 * opened ...", "games is 3 days behind: ...").
 */
export function catalogueGaps(status: CatalogueStatus): string[] {
  const { endpoint, backfill, apiCount, backlog } = status;
  const reported = apiCount === null ? '' : ` (the API last reported ${apiCount.toLocaleString('en-US')} in all)`;
  const gaps: string[] = [];
  if (backfill.state === 'not-opened') {
    gaps.push(
      `the ${endpoint} catalogue backfill was never opened, so only the ${endpoint} changed on the days read are in the lake: \`gmp ingest --endpoint ${endpoint} --mode snapshot\` opens it (page 1, one request, tells its size), then daily runs read it with a share of the budget`,
    );
  } else if (backfill.state === 'open') {
    const pace =
      backfill.dailyRunsNeeded === null
        ? `this month's budget has none to spare for it (about ${backfill.monthsNeeded} months at the monthly budget)`
        : `about ${backfill.dailyRunsNeeded} daily runs at ${backfill.pagesPerDailyRun} pages each, until about ${backfill.expectedDate}`;
    gaps.push(`the ${endpoint} catalogue backfill of ${backfill.date} is open${reported}: about ${backfill.apiRequestsLeft} API requests left, ${pace}`);
  } else if (backfill.capped) {
    gaps.push(`the ${endpoint} catalogue of ${backfill.date} is capped: the API served only part of it${reported}`);
  }
  if (backlog.length) gaps.push(`${endpoint} is ${describeBacklog(backlog)}`);
  return gaps;
}
