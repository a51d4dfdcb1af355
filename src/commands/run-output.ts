import type { IngestOptions } from '../ingest/run.js';
import { runIngest } from '../ingest/ingest-run.js';
import { ITEMS_LOAD } from '../lake/items.js';
import type { ItemsSummary, PartitionSummary, RunRecord } from '../lake/run-record.js';
import { partitionId } from '../lake/layout.js';
import { changeLine } from '../lake/schema-drift.js';
import { createIngestProgress } from './ingest-progress.js';
import { interruptSignal } from './interrupt.js';

/**
 * The ingest as a command runs it: progress on stderr while it runs, stopped by any stop signal,
 * then its summaries on stdout. A run that throws prints nothing on stdout.
 */
export async function runIngestCommand(
  options: Omit<IngestOptions, 'signal' | 'onRetry' | 'onEvent'>,
  json: boolean,
): Promise<void> {
  const progress = createIngestProgress();
  let record: RunRecord;
  try {
    record = await runIngest({
      ...options,
      signal: interruptSignal(),
      onRetry: progress.retry,
      onEvent: progress.event,
    });
  } finally {
    progress.stop();
  }
  printRun(record, json);
}

/** Totals over the partitions of a run, in the shape of one partition's summary. */
function totals(partitions: (PartitionSummary | ItemsSummary)[], durationMs: number) {
  const sum = (field: 'apiRequests' | 'pagesFetched' | 'pagesSkipped' | 'storeRequests' | 'retries') =>
    partitions.reduce((n, p) => n + p[field], 0);
  return {
    totals: true,
    partitions: partitions.length,
    apiRequests: sum('apiRequests'),
    pagesFetched: sum('pagesFetched'),
    pagesSkipped: sum('pagesSkipped'),
    storeRequests: sum('storeRequests'),
    retries: sum('retries'),
    complete: partitions.every((p) => p.complete),
    durationMs,
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A run's summaries on stdout: a line per partition, then the totals (with the item fields that changed, if any). */
function printRun(record: RunRecord, json: boolean): void {
  const durationMs = Date.parse(record.finishedAt) - Date.parse(record.startedAt);
  const lines: string[] = [];
  // A batch of items (a game's detail per item) reads like a partition: its items count as pages.
  const partitions = [...record.partitions, ...(record.items ?? [])];
  if (json) {
    for (const summary of partitions) lines.push(JSON.stringify(summary));
    const drift = record.schemaDrift ? { schemaDrift: record.schemaDrift } : {};
    if (partitions.length !== 1 || record.schemaDrift)
      lines.push(JSON.stringify({ ...totals(partitions, durationMs), ...drift }));
  } else {
    for (const s of partitions) {
      const state = s.complete ? 'complete' : `incomplete (${s.note ?? 'resumable'})`;
      // A batch of items fetches one item a request, each its own object.
      const fetched =
        s.load === ITEMS_LOAD
          ? `${plural(s.pagesFetched, 'item')} fetched`
          : `${plural(s.pagesFetched, 'page')} fetched, ${s.pagesSkipped} already in the lake`;
      lines.push(
        `${partitionId(s.endpoint, s.load, s.date)}: ${state}; ${fetched}; ${plural(s.apiRequests, 'API request')}, ${plural(s.storeRequests, 'store request')}`,
      );
    }
    const t = totals(partitions, durationMs);
    lines.push(
      `run ${record.runId}: ${plural(t.apiRequests, 'API request')}, ${plural(t.retries, 'retry').replace('retrys', 'retries')}, ${plural(t.storeRequests, 'store request')} in ${(durationMs / 1000).toFixed(1)} s${t.complete ? '' : '; run again to finish what is open'}`,
    );
    for (const change of record.schemaDrift ?? []) lines.push(changeLine(change));
    const { month } = record;
    if (month)
      lines.push(`${month.month}: ${month.spent} of ${month.budget} API requests spent by all runs (from _ledger/)`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
