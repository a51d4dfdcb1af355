/**
 * How complete the lake's catalogue is, for each endpoint read as a catalogue (a snapshot kept
 * current by `updated` days): whether its backfill was opened, how far it is and when it will
 * finish at the current budget, the count the API last reported, and the days the lake is behind.
 * The build's verdict, `gmp lake status` and the report say "current" only when every catalogue
 * is closed and caught up.
 */
import type { EndpointsFile } from '../config/schema.js';
import type { CatalogueStatus } from '../lake/catalogue-status.js';
import { dateOfFolder, loadPrefix } from '../lake/layout.js';
import { readLakeOrigin } from '../lake/origin.js';
import type { ObjectStore } from '../lake/store.js';
import { backlogDays } from './backlog.js';
import { addDays, todayUtc } from '../dates.js';
import { budgetOf } from './ledger.js';
import { snapshotPartition } from './partition.js';
import { isClosed, listingCount, readPartition, type ListingInLake } from './listing-state.js';
import { planWork } from './planner.js';
import { selectWork } from './select.js';

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
  const planOptions = {
    api: origin ?? '',
    budget,
    pageSize: file.source.pageSize,
    requestsPerSecond: file.source.requestsPerSecond,
    now,
  };
  const catalogues = file.endpoints.filter((endpoint) => endpoint.updatedFilter !== undefined);
  return Promise.all(
    catalogues.map(async (endpoint): Promise<CatalogueStatus> => {
      const backlog = await backlogDays(store, endpoint, now);
      const newest = (await store.listChildren(loadPrefix(endpoint.name, 'snapshot')))
        .map(dateOfFolder)
        .filter((day): day is string => day !== undefined && day <= todayUtc(now))
        .at(-1);
      if (newest === undefined)
        return { endpoint: endpoint.name, backfill: { state: 'not-opened' }, apiCount: null, backlog };
      const snapshot = await readPartition(store, snapshotPartition(endpoint, newest));
      const apiCount = listingCount(snapshot.root.state) ?? null;
      if (isClosed(snapshot.root)) {
        return {
          endpoint: endpoint.name,
          backfill: { state: 'closed', date: newest, capped: hasCapped(snapshot.root) },
          apiCount,
          backlog,
        };
      }
      // Only an open backfill needs the daily run planned: its share is what the days leave.
      const daily = planWork(
        await selectWork(file, { endpoints: [endpoint.name], mode: 'daily' }, store, now),
        planOptions,
      );
      const alone = planWork([{ inLake: snapshot, backfill: true }], planOptions);
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
function hasCapped(inLake: ListingInLake): boolean {
  const { state } = inLake;
  return state.status === 'capped' || (state.status === 'split' && state.windows.some(hasCapped));
}

/** The catalogue status against the budget of the origin the lake is bound to. */
export async function lakeCatalogue(file: EndpointsFile, store: ObjectStore): Promise<CatalogueStatus[]> {
  return catalogueStatus(file, store, { origin: await readLakeOrigin(store) });
}
