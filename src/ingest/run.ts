import pLimit from 'p-limit';
import type { SourceSettings } from '../config/schema.js';
import { BudgetExceededError, GmpError } from '../errors.js';
import type { ObjectStore } from '../lake/store.js';
import type { RawgClient } from '../source/client.js';
import { redactText } from '../source/redact.js';
import { fetchPartition, type PageAllowance, type PartitionProgress } from './fetch-partition.js';
import { partitionLabel, type Partition } from './partition.js';
import { planPartition, type PartitionPlan } from './plan.js';
import { newRunId, requestsSpentThisMonth, writeRunRecord, type PartitionSummary, type RunRecord } from './run-record.js';

export type IngestEvent =
  | { type: 'run-start'; runId: string; partitions: number; apiRequestsKnown: number; budgetLeft: number }
  | { type: 'partition-start'; partition: Partition; plan: PartitionPlan['state']['status'] }
  | { type: 'progress'; partition: Partition; progress: PartitionProgress }
  | { type: 'partition-end'; partition: Partition; summary: PartitionSummary };

export interface IngestOptions {
  partitions: Partition[];
  store: ObjectStore;
  client: RawgClient;
  source: SourceSettings;
  /** Caps the pages this run fetches; capped partitions stay incomplete and resume later. */
  maxPages?: number;
  ignoreBudget?: boolean;
  onEvent?: (event: IngestEvent) => void;
}

/** Plans every partition, checks the month's budget, then brings each partition to complete. */
export async function runIngest(options: IngestOptions): Promise<RunRecord> {
  const { store, client, source, onEvent } = options;
  const runId = newRunId();
  const startedAt = new Date();
  const clientAtStart = { requests: client.requests, retries: client.retries };

  const spent = await requestsSpentThisMonth(store, client.baseUrl, startedAt);
  const budgetLeft = Math.max(0, source.monthlyRequestBudget - spent);
  const limit = pLimit(8);
  const plans = await Promise.all(options.partitions.map((p) => limit(() => planPartition(store, p))));
  const known = plans.reduce((sum, plan) => sum + plan.knownApiRequests, 0);
  const needed = Math.min(known, options.maxPages ?? Infinity);
  if (!options.ignoreBudget && needed > budgetLeft) {
    throw new BudgetExceededError(
      `this run needs at least ${needed} API requests but only ${budgetLeft} of the month's ${source.monthlyRequestBudget} are left (${spent} spent, from _runs/): wait for next month, raise monthlyRequestBudget, or pass --ignore-budget`,
    );
  }
  const allowance: PageAllowance = {
    remaining: Math.min(options.maxPages ?? Infinity, options.ignoreBudget ? Infinity : budgetLeft),
  };
  onEvent?.({ type: 'run-start', runId, partitions: plans.length, apiRequestsKnown: known, budgetLeft });

  const summaries: PartitionSummary[] = [];
  const record = (outcome: RunRecord['outcome'], error?: string): RunRecord => ({
    runId,
    api: client.baseUrl,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    outcome,
    ...(error ? { error: redactText(error) } : {}),
    apiRequests: client.requests - clientAtStart.requests,
    retries: client.retries - clientAtStart.retries,
    storeRequests: plans.reduce((sum, plan) => sum + plan.store.requests, 0),
    partitions: summaries,
  });

  for (const plan of plans) {
    const { partition } = plan;
    const started = performance.now();
    const before = { requests: client.requests, retries: client.retries };
    onEvent?.({ type: 'partition-start', partition, plan: plan.state.status });
    try {
      const outcome = await fetchPartition(plan, {
        client,
        allowance,
        concurrency: source.concurrency,
        pageSize: source.pageSize,
        runId,
        onProgress: (progress) => onEvent?.({ type: 'progress', partition, progress }),
      });
      const summary: PartitionSummary = {
        endpoint: partition.endpoint.name,
        load: partition.load,
        date: partition.date,
        apiRequests: client.requests - before.requests,
        pagesFetched: outcome.pagesFetched,
        pagesSkipped: outcome.pagesSkipped,
        storeRequests: plan.store.requests,
        retries: client.retries - before.retries,
        complete: outcome.complete,
        durationMs: Math.round(performance.now() - started),
      };
      summaries.push(summary);
      onEvent?.({ type: 'partition-end', partition, summary });
    } catch (error) {
      // Say which partition failed, and keep the record of what was done before it.
      if (error instanceof GmpError) error.message = `${partitionLabel(partition)}: ${error.message}`;
      const message = error instanceof Error ? error.message : String(error);
      await writeRunRecord(store, record('failed', message)).catch(() => undefined);
      throw error;
    }
  }

  const result = record(summaries.every((s) => s.complete) ? 'complete' : 'incomplete');
  await writeRunRecord(store, result);
  return result;
}
