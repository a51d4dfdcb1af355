import type { SourceSettings } from '../config/schema.js';
import { BudgetExceededError, GmpError } from '../errors.js';
import { CountingStore, type ObjectStore } from '../lake/store.js';
import { RawgClient, type RawgClientOptions } from '../source/client.js';
import { redactText, redactUrl } from '../source/redact.js';
import { now as clockNow } from '../clock.js';
import { todayUtc } from '../dates.js';
import { fetchPartition, type PageAllowance, type PartitionProgress } from './fetch-partition.js';
import { UnitLeases } from './lease.js';
import { budgetOf, Ledger, type Budget } from './ledger.js';
import { monthOf } from '../lake/spend.js';
import { partitionLabel, type Partition } from './partition.js';
import { itemsUnitOf, planWork, type ItemsWork, type WorkPlan } from './planner.js';
import { fetchItems, itemsWorkNow } from './items.js';
import { ITEMS_LOAD } from '../lake/items.js';
import { knownApiRequests, type ListingState } from './plan.js';
import { apiOrigin, bindLake, checkLakeOrigin, readLakeOrigin } from '../lake/origin.js';
import {
  newRunId,
  runsSince,
  writeRunRecord,
  type ItemsSummary,
  type PartitionSummary,
  type RunRecord,
} from '../lake/run-record.js';
import type { Work } from './select.js';
import { IngestLineage } from '../lineage/ingest.js';
import { recordItemSchemas } from '../lake/schema-drift.js';
import { ItemCensus } from './item-census.js';

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
  await checkLakeFor(options.store, options.baseUrl);
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

/**
 * Checks the month's budget, then brings each selected partition to complete. Every request is
 * reserved in the ledger before it is sent; the run stops, resumable, when the budget is spent.
 * Each unit is fetched under its lease: a unit another run holds is skipped, left to that run.
 */
export async function runIngest(options: IngestOptions): Promise<RunRecord> {
  const { store, source, onEvent, work } = options;
  const runId = newRunId();
  const startedAt = new Date();
  const api = apiLabel(options.api.baseUrl);
  // Read before anything else: a malformed OPENLINEAGE_CONFIG is a usage error before any request.
  const lineage = new IngestLineage(store.location, options.api);
  const lake = await checkLakeFor(store, options.api.baseUrl);

  const budget = await budgetFor(store, options.api.baseUrl, source, startedAt);
  // A daily run gives an open backfill, and the per-item resources, the shares the planner computed for them.
  const plan = planWork(
    work,
    {
      api,
      budget,
      pageSize: source.pageSize,
      maxPages: options.maxPages,
      requestsPerSecond: source.requestsPerSecond,
      now: startedAt,
    },
    options.items,
  );
  const known =
    work.reduce((sum, item) => sum + knownApiRequests(item.plan.root), 0) +
    plan.items.reduce((sum, unit) => sum + unit.apiRequestsExpected, 0);
  if (!options.ignoreBudget && known > 0 && budget.left === 0) {
    throw new BudgetExceededError(
      `this run needs at least ${known} API requests but the month's ${budget.monthly} are spent (from _ledger/): wait for next month, raise monthlyRequestBudget, or pass --ignore-budget`,
    );
  }
  // A lake that cannot be written fails here, before the first API request is spent on it.
  if (known > 0) {
    await store.checkWritable();
    if (!lake.bound) await bindLake(store, lake.origin, startedAt);
  }
  const ledger = new Ledger(
    store,
    apiOrigin(options.api.baseUrl),
    runId,
    options.ignoreBudget ? Infinity : source.monthlyRequestBudget,
  );
  const leases = new UnitLeases(store, runId);
  const client = new RawgClient({
    ...source,
    ...options.api,
    requestsPerSecond: options.requestsPerSecond ?? source.requestsPerSecond,
    onRetry: options.onRetry,
    beforeAttempt: () => ledger.reserve(),
  });
  const allowance: PageAllowance = { remaining: options.maxPages ?? Infinity };
  const backfillAllowance: PageAllowance = { remaining: plan.backfillPages };
  onEvent?.({ type: 'run-start', runId, partitions: work.length, apiRequestsKnown: known, budgetLeft: budget.left });
  await lineage.start();

  const summaries: PartitionSummary[] = [];
  const census = new ItemCensus();
  const itemSummaries: ItemsSummary[] = [];
  // Each partition's plan counts its store requests; each batch of items counts its own.
  const itemStores: CountingStore[] = [];
  const storeRequests = () =>
    work.reduce((sum, item) => sum + item.plan.store.requests, 0) + itemStores.reduce((sum, s) => sum + s.requests, 0);
  const record = (outcome: RunRecord['outcome'], error?: string, month?: RunRecord['month']): RunRecord => ({
    runId,
    api,
    origin: lake.origin,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    outcome,
    ...(error ? { error: redactText(error) } : {}),
    apiRequests: client.requests,
    retries: client.retries,
    storeRequests: storeRequests(),
    charged: ledger.charged(),
    ...(month ? { month } : {}),
    partitions: summaries,
    ...(itemSummaries.length ? { items: itemSummaries } : {}),
  });
  const finish = async (outcome: RunRecord['outcome'], error?: string): Promise<RunRecord> => {
    await ledger.close();
    // The month's spend by every run, as the ledger holds it once this run's account is closed.
    const at = clockNow();
    const month = await budgetFor(store, options.api.baseUrl, source, at).catch(() => undefined);
    // The items this run stored, compared with the shape the lake last recorded for their endpoint;
    // a shape it cannot record fails the run once its record is written.
    let schemaFailure: unknown;
    const schemaDrift = await recordItemSchemas(store, census.summaries(), { runId, at }).catch(
      (failure: unknown) => void (schemaFailure = failure),
    );
    const result = record(outcome, error, month && { month: monthOf(at), spent: month.spent, budget: month.monthly });
    if (schemaDrift?.length) result.schemaDrift = schemaDrift;
    await writeRunRecord(store, result);
    await lineage.end(result);
    if (schemaFailure) throw schemaFailure;
    return result;
  };

  let budgetSpent: string | undefined;
  for (const { plan: partitionPlan, backfill, units } of work) {
    const { partition } = partitionPlan;
    if (budgetSpent || options.signal?.aborted) break;
    const started = performance.now();
    const before = { requests: client.requests, retries: client.retries };
    onEvent?.({ type: 'partition-start', partition, state: partitionPlan.root.state.status });
    const summarize = (outcome: {
      complete: boolean;
      pagesFetched: number;
      pagesSkipped: number;
      note?: string;
    }): PartitionSummary => {
      const leased = leases.takeSkipped();
      const notes = [outcome.note, leased.length ? leasedNote(leased.map((unit) => unit.runId)) : undefined].filter(
        Boolean,
      );
      const note = notes.length ? notes.join('; ') : undefined;
      return {
        endpoint: partition.endpoint.name,
        load: partition.load,
        date: partition.date,
        apiRequests: client.requests - before.requests,
        pagesFetched: outcome.pagesFetched,
        pagesSkipped: outcome.pagesSkipped,
        storeRequests: partitionPlan.store.requests,
        retries: client.retries - before.retries,
        complete: outcome.complete,
        ...(note ? { note } : {}),
        ...(leased.length ? { leased: leased.map((unit) => unit.unit) } : {}),
        durationMs: Math.round(performance.now() - started),
      };
    };
    let summary: PartitionSummary;
    try {
      const outcome = await fetchPartition(partitionPlan, {
        client: lineage.observe(client, partition),
        allowance: backfill ? backfillAllowance : allowance,
        concurrency: source.concurrency,
        pageSize: source.pageSize,
        maxResults: source.maxResults,
        ...(source.reconcile === false ? { reconcile: false } : {}),
        runId,
        today: todayUtc(startedAt),
        signal: options.signal,
        leases,
        ...(units ? { units } : {}),
        onProgress: (progress) => onEvent?.({ type: 'progress', partition, progress }),
        onItems: census.add,
      });
      summary = summarize(outcome);
    } catch (error) {
      if (error instanceof BudgetExceededError) {
        // Not a failure: the month is spent, and everything fetched so far stays resumable.
        budgetSpent = error.message;
        summary = summarize({
          complete: false,
          pagesFetched: client.requests - before.requests,
          pagesSkipped: 0,
          note: error.message,
        });
      } else {
        // Say which partition failed, and keep the record of what was done before it.
        if (error instanceof GmpError) error.message = `${partitionLabel(partition)}: ${error.message}`;
        const message = error instanceof Error ? error.message : String(error);
        await finish('failed', message).catch(() => undefined);
        throw error;
      }
    }
    summaries.push(summary);
    onEvent?.({ type: 'partition-end', partition, summary });
  }

  // Listings that fetched pages changed what the items' choice reads (popularity, versions): it
  // is made again from the lake as it is now, with what the month has left, before its batch is pinned.
  const listingsFetched = summaries.some((summary) => summary.pagesFetched > 0);
  const itemsPlan =
    listingsFetched && options.items?.length && !budgetSpent && !options.signal?.aborted
      ? await Promise.all(
          plan.items.map(async (unit, index) =>
            itemsUnitOf(await itemsWorkNow(store, options.items![index]!), unit.allowance, allowance.remaining),
          ),
        )
      : plan.items;
  const itemUnits = itemsPlan.filter((unit) => unit.apiRequestsExpected > 0);
  for (const unit of itemUnits) {
    if (budgetSpent || options.signal?.aborted) break;
    const endpoint = options.items!.find((item) => item.endpoint.name === unit.endpoint)!.endpoint;
    const started = performance.now();
    const before = { requests: client.requests, retries: client.retries };
    const batchStore = new CountingStore(store);
    itemStores.push(batchStore);
    const summarize = (complete: boolean, fetched: number, note?: string): ItemsSummary => {
      const leased = leases.takeSkipped();
      const notes = [note, leased.length ? leasedNote(leased.map((held) => held.runId)) : undefined].filter(Boolean);
      return {
        endpoint: unit.endpoint,
        load: ITEMS_LOAD,
        date: unit.date,
        apiRequests: client.requests - before.requests,
        pagesFetched: fetched,
        pagesSkipped: 0,
        storeRequests: batchStore.requests,
        retries: client.retries - before.retries,
        complete,
        ...(notes.length ? { note: notes.join('; ') } : {}),
        ...(leased.length ? { leased: leased.map((held) => held.unit) } : {}),
        durationMs: Math.round(performance.now() - started),
      };
    };
    try {
      // Under the batch's lease, as a listing is fetched under its own: runs sharing the lake
      // never pin two batches of the same day, nor fetch the same item twice.
      const held = await leases.hold(unit.id, (lease) =>
        fetchItems(batchStore, endpoint, unit.date, unit.state === 'new' ? unit.chosen : undefined, {
          client,
          lease,
          concurrency: source.concurrency,
          runId,
          signal: options.signal,
          allowance: { remaining: Math.min(unit.apiRequestsExpected, allowance.remaining) },
        }),
      );
      const outcome = held?.value ?? { fetched: 0, complete: false };
      allowance.remaining -= outcome.fetched;
      lineage.wroteItems(endpoint.name, endpoint.path, unit.date, outcome.fetched);
      itemSummaries.push(summarize(outcome.complete, outcome.fetched));
    } catch (error) {
      if (!(error instanceof BudgetExceededError)) {
        const message = error instanceof Error ? error.message : String(error);
        await finish('failed', `${unit.id}: ${message}`).catch(() => undefined);
        throw error;
      }
      budgetSpent = error.message;
      itemSummaries.push(summarize(false, client.requests - before.requests, error.message));
    }
  }

  if (options.signal?.aborted) {
    await finish('interrupted', String((options.signal.reason as Error | undefined)?.message ?? 'interrupted'));
    throw options.signal.reason;
  }
  const allDone =
    summaries.length === work.length &&
    itemSummaries.length === itemUnits.length &&
    [...summaries, ...itemSummaries].every((s) => s.complete);
  return finish(allDone ? 'complete' : 'incomplete');
}

function leasedNote(holders: string[]): string {
  const runs = [...new Set(holders)];
  return `${holders.length} unit${holders.length === 1 ? '' : 's'} leased by run${runs.length === 1 ? '' : 's'} ${runs.join(', ')}: skipped, left to ${runs.length === 1 ? 'it' : 'them'}; run again once done`;
}
