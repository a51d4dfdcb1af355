import type { Argv, CommandModule } from 'yargs';
import { ConfigError } from '../errors.js';
import { runIngest } from '../ingest/run.js';
import type { PartitionSummary, RunRecord } from '../ingest/run-record.js';
import { MODES, selectPartitions, type Mode } from '../ingest/select.js';
import { apiFrom, clientFor, lakeFrom, loadEndpoints, withApi, withLake } from './options.js';
import { createReporter } from './reporter.js';

export function withSelection<T>(yargs: Argv<T>) {
  return yargs
    .option('endpoint', { type: 'string', array: true, describe: 'endpoint name(s) from config/endpoints.json' })
    .option('all', { type: 'boolean', describe: 'every endpoint of config/endpoints.json' })
    .option('mode', { choices: MODES, default: 'snapshot' as Mode, describe: 'snapshot: full listing; incremental: updated day windows; daily: incremental where allowed, else snapshot' })
    .option('date', { type: 'string', describe: 'logical date YYYY-MM-DD (default: today for snapshots, yesterday for windows)' })
    .option('from', { type: 'string', describe: 'first day of a range of windows (incremental)' })
    .option('to', { type: 'string', describe: 'last day of the range, inclusive' })
    .check((args) => {
      if (!args.all && !args.endpoint?.length) throw new ConfigError('name an endpoint with --endpoint NAME, or use --all');
      if (args.all && args.endpoint?.length) throw new ConfigError('give --endpoint or --all, not both');
      return true;
    });
}

export function selectionFrom(args: { all?: boolean; endpoint?: string[]; mode: Mode; date?: string; from?: string; to?: string }) {
  return { endpoints: args.all ? ('all' as const) : args.endpoint!, mode: args.mode, date: args.date, from: args.from, to: args.to };
}

export const ingestCommand: CommandModule = {
  command: 'ingest',
  describe: 'fetch endpoints into the lake; resumes where a crashed run stopped, skips what is complete',
  builder: (yargs) =>
    withApi(withLake(withSelection(yargs)))
      .option('max-pages', { type: 'number', describe: 'fetch at most N pages in this run; capped partitions resume next time' })
      .option('ignore-budget', { type: 'boolean', default: false, describe: "run even if it needs more than the month's request budget has left" })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON summary per partition (then totals) on stdout' }),
  handler: async (argv) => {
    const args = argv as unknown as Parameters<typeof selectionFrom>[0] & {
      lake: string; s3Endpoint?: string; baseUrl?: string; maxPages?: number; ignoreBudget: boolean; json: boolean;
    };
    if (args.maxPages !== undefined && !(Number.isInteger(args.maxPages) && args.maxPages >= 0)) {
      throw new ConfigError('--max-pages must be a whole number of pages');
    }
    const file = loadEndpoints();
    const partitions = selectPartitions(file, selectionFrom(args));
    const store = lakeFrom(args);
    const api = apiFrom(file, args);
    const reporter = createReporter();
    const client = clientFor(file, api, reporter.retry);
    let record: RunRecord;
    try {
      record = await runIngest({ partitions, store, client, source: file.source, maxPages: args.maxPages, ignoreBudget: args.ignoreBudget, onEvent: reporter.event });
    } finally {
      reporter.stop();
    }
    printRun(record, args.json);
  },
};

/** Totals over the partitions of a run, in the shape of one partition's summary. */
export function totals(partitions: PartitionSummary[], durationMs: number) {
  const sum = (field: 'apiRequests' | 'pagesFetched' | 'pagesSkipped' | 'storeRequests' | 'retries') => partitions.reduce((n, p) => n + p[field], 0);
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

export function printRun(record: RunRecord, json: boolean): void {
  const durationMs = Date.parse(record.finishedAt) - Date.parse(record.startedAt);
  const lines: string[] = [];
  if (json) {
    for (const summary of record.partitions) lines.push(JSON.stringify(summary));
    if (record.partitions.length !== 1) lines.push(JSON.stringify(totals(record.partitions, durationMs)));
  } else {
    for (const s of record.partitions) {
      const state = s.complete ? 'complete' : 'incomplete (resumable)';
      lines.push(`${s.endpoint} ${s.load} ${s.date}: ${state}; ${s.pagesFetched} pages fetched, ${s.pagesSkipped} already in the lake; ${s.apiRequests} API requests, ${s.storeRequests} store requests`);
    }
    const t = totals(record.partitions, durationMs);
    lines.push(`run ${record.runId}: ${t.apiRequests} API requests, ${t.retries} retries, ${t.storeRequests} store requests in ${(durationMs / 1000).toFixed(1)} s${t.complete ? '' : '; run again to finish what was capped'}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
