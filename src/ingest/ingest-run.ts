/**
 * One ingest run, in the order it happens: `open` checks the lake and the budget and builds the
 * client; `fetchListing` and `fetchBatch` bring one partition or one batch of items as far as the
 * run may; `finish` closes the run's account in the ledger and writes its record. `runIngest`
 * drives them.
 */
import { BudgetExceededError, GmpError } from '../errors.js';
import { CountingStore } from '../lake/store.js';
import { RawgClient } from '../source/client.js';
import { redactText } from '../source/redact.js';
import { now as clockNow } from '../clock.js';
import { todayUtc } from '../dates.js';
import { fetchPartition, type PageAllowance } from './fetch-partition.js';
import { UnitLeases } from './lease.js';
import { Ledger, type Budget } from './ledger.js';
import { monthOf } from '../lake/spend.js';
import { partitionLabel } from './partition.js';
import { itemsUnitOf, planWork, type ItemsUnit, type WorkPlan } from './planner.js';
import { fetchItems, itemsWorkNow } from './items.js';
import { ITEMS_LOAD } from '../lake/items.js';
import { knownApiRequests } from './listing-state.js';
import { apiOrigin, bindLake } from '../lake/origin.js';
import {
  newRunId,
  writeRunRecord,
  type ItemsSummary,
  type PartitionSummary,
  type RunRecord,
} from '../lake/run-record.js';
import type { Work } from './select.js';
import { IngestLineage } from '../lineage/ingest.js';
import { recordItemSchemas } from '../lake/schema-drift.js';
import { ItemCensus } from './item-census.js';
import { apiLabel, budgetFor, checkLakeFor, type IngestOptions } from './run.js';

/** What fetching a partition or a batch came to, before it is summarised. */
interface Outcome {
  complete: boolean;
  pagesFetched: number;
  pagesSkipped: number;
  note?: string;
}

/** What a run is made of once its checks passed. */
interface RunParts {
  options: IngestOptions;
  runId: string;
  startedAt: Date;
  /** The API's origin, as the lake is bound to it. */
  origin: string;
  plan: WorkPlan;
  ledger: Ledger;
  client: RawgClient;
  lineage: IngestLineage;
}

export class IngestRun {
  /** Why the run stopped taking work: the month's budget is spent. */
  budgetSpent: string | undefined;
  readonly summaries: PartitionSummary[] = [];
  readonly itemSummaries: ItemsSummary[] = [];
  readonly #census = new ItemCensus();
  // Each partition as read from the lake counts its store requests; each batch of items counts its own.
  readonly #itemStores: CountingStore[] = [];
  readonly #allowance: PageAllowance;
  readonly #backfillAllowance: PageAllowance;
  readonly #leases: UnitLeases;

  private constructor(private readonly parts: RunParts) {
    this.#allowance = { remaining: parts.options.maxPages ?? Infinity };
    this.#backfillAllowance = { remaining: parts.plan.backfillPages };
    this.#leases = new UnitLeases(parts.options.store, parts.runId);
  }

  /**
   * Checks the lake's origin and the month's budget (failing before any API request when it is
   * spent or the lake cannot be written), binds a new lake to its API, and builds the client,
   * whose every request the ledger reserves before it is sent.
   */
  static async open(options: IngestOptions): Promise<IngestRun> {
    const { store, source } = options;
    const runId = newRunId();
    const startedAt = new Date();
    // Read before anything else: a malformed OPENLINEAGE_CONFIG is a usage error before any request.
    const lineage = new IngestLineage(store.location, options.api);
    const lake = await checkLakeFor(store, options.api.baseUrl);
    const budget = await budgetFor(store, options.api.baseUrl, source, startedAt);
    // A daily run gives an open backfill, and the per-item resources, the shares the planner computed for them.
    const plan = planWork(
      options.work,
      {
        api: apiLabel(options.api.baseUrl),
        budget,
        pageSize: source.pageSize,
        maxPages: options.maxPages,
        requestsPerSecond: source.requestsPerSecond,
        now: startedAt,
      },
      options.items,
    );
    const known = knownRequests(options.work, plan);
    checkBudget(known, budget, options.ignoreBudget);
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
    const client = new RawgClient({
      ...source,
      ...options.api,
      requestsPerSecond: options.requestsPerSecond ?? source.requestsPerSecond,
      onRetry: options.onRetry,
      beforeAttempt: () => ledger.reserve(),
    });
    options.onEvent?.({
      type: 'run-start',
      runId,
      partitions: options.work.length,
      apiRequestsKnown: known,
      budgetLeft: budget.left,
    });
    await lineage.start();
    return new IngestRun({ options, runId, startedAt, origin: lake.origin, plan, ledger, client, lineage });
  }

  /** The budget is spent or the run was interrupted: it starts nothing more. */
  get stopped(): boolean {
    return this.budgetSpent !== undefined || this.parts.options.signal?.aborted === true;
  }

  /** Brings one partition as far as the run may; a failure is recorded (the run's record says where) and thrown. */
  async fetchListing({ inLake, backfill, units }: Work): Promise<void> {
    const { options, client, lineage, runId, startedAt } = this.parts;
    const { partition } = inLake;
    const { source } = options;
    const started = performance.now();
    const before = { requests: client.requests, retries: client.retries };
    options.onEvent?.({ type: 'partition-start', partition, state: inLake.root.state.status });
    const summarize = (outcome: Outcome): PartitionSummary => ({
      endpoint: partition.endpoint.name,
      load: partition.load,
      date: partition.date,
      ...this.#counts(before, inLake.store.requests, outcome, started),
    });
    let summary: PartitionSummary;
    try {
      const outcome = await fetchPartition(inLake, {
        client: lineage.observe(client, partition),
        allowance: backfill ? this.#backfillAllowance : this.#allowance,
        concurrency: source.concurrency,
        pageSize: source.pageSize,
        maxResults: source.maxResults,
        ...(source.reconcile === false ? { reconcile: false } : {}),
        runId,
        today: todayUtc(startedAt),
        signal: options.signal,
        leases: this.#leases,
        ...(units ? { units } : {}),
        onProgress: (progress) => options.onEvent?.({ type: 'progress', partition, progress }),
        onItems: this.#census.add,
      });
      summary = summarize(outcome);
    } catch (error) {
      if (!(error instanceof BudgetExceededError)) {
        // Say which partition failed, and keep the record of what was done before it.
        if (error instanceof GmpError) error.message = `${partitionLabel(partition)}: ${error.message}`;
        await this.#failed(error instanceof Error ? error.message : String(error));
        throw error;
      }
      // Not a failure: the month is spent, and everything fetched so far stays resumable.
      this.budgetSpent = error.message;
      summary = summarize({
        complete: false,
        pagesFetched: client.requests - before.requests,
        pagesSkipped: 0,
        note: error.message,
      });
    }
    this.summaries.push(summary);
    options.onEvent?.({ type: 'partition-end', partition, summary });
  }

  /**
   * The batches of items to fetch now. Listings that fetched pages changed what the choice reads
   * (popularity, versions): it is made again from the lake as it is now, with what the run has
   * left, before a batch is pinned.
   */
  async itemUnits(): Promise<ItemsUnit[]> {
    const { options, plan } = this.parts;
    const listingsFetched = this.summaries.some((summary) => summary.pagesFetched > 0);
    const units =
      listingsFetched && options.items?.length && !this.stopped
        ? await Promise.all(
            plan.items.map(async (unit, index) =>
              itemsUnitOf(
                await itemsWorkNow(options.store, options.items![index]!),
                unit.allowance,
                this.#allowance.remaining,
              ),
            ),
          )
        : plan.items;
    return units.filter((unit) => unit.apiRequestsExpected > 0);
  }

  /**
   * Fetches one batch of items under its lease, as a listing is fetched under its own: runs
   * sharing the lake never pin two batches of a day, nor ask for the same item twice.
   */
  async fetchBatch(unit: ItemsUnit): Promise<void> {
    const { options, client, lineage, runId } = this.parts;
    const endpoint = options.items!.find((item) => item.endpoint.name === unit.endpoint)!.endpoint;
    const started = performance.now();
    const before = { requests: client.requests, retries: client.retries };
    const store = new CountingStore(options.store);
    this.#itemStores.push(store);
    const summarize = (outcome: Outcome): ItemsSummary => ({
      endpoint: unit.endpoint,
      load: ITEMS_LOAD,
      date: unit.date,
      ...this.#counts(before, store.requests, outcome, started),
    });
    try {
      const held = await this.#leases.hold(unit.id, (lease) =>
        fetchItems(store, endpoint, unit.date, unit.state === 'new' ? unit.chosen : undefined, {
          client,
          lease,
          concurrency: options.source.concurrency,
          runId,
          signal: options.signal,
          allowance: { remaining: Math.min(unit.apiRequestsExpected, this.#allowance.remaining) },
        }),
      );
      const { fetched, complete } = held?.value ?? { fetched: 0, complete: false };
      this.#allowance.remaining -= fetched;
      lineage.wroteItems(endpoint.name, endpoint.path, unit.date, fetched);
      this.itemSummaries.push(summarize({ complete, pagesFetched: fetched, pagesSkipped: 0 }));
    } catch (error) {
      if (!(error instanceof BudgetExceededError)) {
        await this.#failed(`${unit.id}: ${error instanceof Error ? error.message : String(error)}`);
        throw error;
      }
      this.budgetSpent = error.message;
      const fetched = client.requests - before.requests;
      this.itemSummaries.push(
        summarize({ complete: false, pagesFetched: fetched, pagesSkipped: 0, note: error.message }),
      );
    }
  }

  /**
   * Closes the run's account in the ledger, records the item fields it stored against the shape
   * the lake last recorded for their endpoint, and writes the run's record (then its lineage). A
   * shape it cannot record fails the run once its record is written.
   */
  async finish(outcome: RunRecord['outcome'], error?: string): Promise<RunRecord> {
    const { options, ledger, lineage, runId } = this.parts;
    await ledger.close();
    // The month's spend by every run, as the ledger holds it once this run's account is closed.
    const at = clockNow();
    const month = await budgetFor(options.store, options.api.baseUrl, options.source, at).catch(() => undefined);
    let schemaFailure: unknown;
    const schemaDrift = await recordItemSchemas(options.store, this.#census.summaries(), { runId, at }).catch(
      (failure: unknown) => void (schemaFailure = failure),
    );
    const result = this.#record(
      outcome,
      error,
      month && { month: monthOf(at), spent: month.spent, budget: month.monthly },
    );
    if (schemaDrift?.length) result.schemaDrift = schemaDrift;
    await writeRunRecord(options.store, result);
    await lineage.end(result);
    if (schemaFailure) throw schemaFailure;
    return result;
  }

  /** A failure is recorded before it is thrown; a record that cannot be written does not hide it. */
  async #failed(message: string): Promise<void> {
    await this.finish('failed', message).catch(() => undefined);
  }

  #record(outcome: RunRecord['outcome'], error?: string, month?: RunRecord['month']): RunRecord {
    const { options, runId, startedAt, origin, ledger, client } = this.parts;
    const storeRequests =
      options.work.reduce((sum, item) => sum + item.inLake.store.requests, 0) +
      this.#itemStores.reduce((sum, store) => sum + store.requests, 0);
    return {
      runId,
      api: apiLabel(options.api.baseUrl),
      origin,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      outcome,
      ...(error ? { error: redactText(error) } : {}),
      apiRequests: client.requests,
      retries: client.retries,
      storeRequests,
      charged: ledger.charged(),
      ...(month ? { month } : {}),
      partitions: this.summaries,
      ...(this.itemSummaries.length ? { items: this.itemSummaries } : {}),
    };
  }

  /** A summary's counts: what the client and the store did since `before`, and the units other runs held. */
  #counts(
    before: { requests: number; retries: number },
    storeRequests: number,
    outcome: Outcome,
    started: number,
  ): Omit<PartitionSummary, 'endpoint' | 'load' | 'date'> {
    const { client } = this.parts;
    const leased = this.#leases.takeSkipped();
    const notes = [outcome.note, leased.length ? leasedNote(leased.map((unit) => unit.runId)) : undefined].filter(
      Boolean,
    );
    return {
      apiRequests: client.requests - before.requests,
      pagesFetched: outcome.pagesFetched,
      pagesSkipped: outcome.pagesSkipped,
      storeRequests,
      retries: client.retries - before.retries,
      complete: outcome.complete,
      ...(notes.length ? { note: notes.join('; ') } : {}),
      ...(leased.length ? { leased: leased.map((unit) => unit.unit) } : {}),
      durationMs: Math.round(performance.now() - started),
    };
  }
}

/**
 * Checks the month's budget, then brings each selected partition to complete, then each batch of
 * items due. Every request is reserved in the ledger before it is sent; the run stops, resumable,
 * when the budget is spent. Each unit is fetched under its lease: a unit another run holds is
 * skipped, left to that run.
 */
export async function runIngest(options: IngestOptions): Promise<RunRecord> {
  const run = await IngestRun.open(options);
  for (const work of options.work) {
    if (run.stopped) break;
    await run.fetchListing(work);
  }
  const batches = await run.itemUnits();
  for (const unit of batches) {
    if (run.stopped) break;
    await run.fetchBatch(unit);
  }
  const { signal } = options;
  if (signal?.aborted) {
    await run.finish('interrupted', String((signal.reason as Error | undefined)?.message ?? 'interrupted'));
    throw signal.reason;
  }
  const allDone =
    run.summaries.length === options.work.length &&
    run.itemSummaries.length === batches.length &&
    [...run.summaries, ...run.itemSummaries].every((summary) => summary.complete);
  return run.finish(allDone ? 'complete' : 'incomplete');
}

/** The requests the selected work is known to need: page 1 of each open listing, and each planned batch. */
function knownRequests(work: Work[], plan: WorkPlan): number {
  return (
    work.reduce((sum, item) => sum + knownApiRequests(item.inLake.root), 0) +
    plan.items.reduce((sum, unit) => sum + unit.apiRequestsExpected, 0)
  );
}

function checkBudget(known: number, budget: Budget, ignoreBudget?: boolean): void {
  if (!ignoreBudget && known > 0 && budget.left === 0) {
    throw new BudgetExceededError(
      `this run needs at least ${known} API requests but the month's ${budget.monthly} are spent (from _ledger/): wait for next month, raise monthlyRequestBudget, or pass --ignore-budget`,
    );
  }
}

function leasedNote(holders: string[]): string {
  const runs = [...new Set(holders)];
  return `${holders.length} unit${holders.length === 1 ? '' : 's'} leased by run${runs.length === 1 ? '' : 's'} ${runs.join(', ')}: skipped, left to ${runs.length === 1 ? 'it' : 'them'}; run again once done`;
}
