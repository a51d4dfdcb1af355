import type { CommandModule } from 'yargs';
import pLimit from 'p-limit';
import { planPartition } from '../ingest/plan.js';
import { requestsSpentThisMonth } from '../ingest/run-record.js';
import { selectPartitions } from '../ingest/select.js';
import { redactUrl } from '../source/redact.js';
import { selectionFrom, withSelection } from './ingest.js';
import { lakeFrom, loadEndpoints, withApi, withLake } from './options.js';

export const planCommand: CommandModule = {
  command: 'plan',
  describe: 'show what an ingest would do and spend, per partition, without calling the API',
  builder: (yargs) => withApi(withLake(withSelection(yargs))).option('json', { type: 'boolean', default: false }),
  handler: async (argv) => {
    const args = argv as unknown as Parameters<typeof selectionFrom>[0] & { lake: string; s3Endpoint?: string; baseUrl?: string; json: boolean };
    const file = loadEndpoints();
    const store = lakeFrom(args);
    const limit = pLimit(8);
    const plans = await Promise.all(selectPartitions(file, selectionFrom(args)).map((p) => limit(() => planPartition(store, p))));
    const api = redactUrl(args.baseUrl || file.source.baseUrl);
    const spent = await requestsSpentThisMonth(store, api);
    const rows = plans.map(({ partition, state, knownApiRequests }) => ({
      endpoint: partition.endpoint.name,
      load: partition.load,
      date: partition.date,
      state: state.status,
      pages: state.status === 'complete' ? state.success.pages : state.status === 'resume' ? state.manifest.pages : null,
      apiRequests: knownApiRequests,
      note: state.status === 'new' ? 'page 1, then as many pages as it reports' : '',
    }));
    const needed = rows.reduce((sum, row) => sum + row.apiRequests, 0);
    const budget = { monthlyRequestBudget: file.source.monthlyRequestBudget, spentThisMonth: spent, left: Math.max(0, file.source.monthlyRequestBudget - spent) };
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ partitions: rows, apiRequestsAtLeast: needed, budget })}\n`);
      return;
    }
    for (const row of rows) {
      const pages = row.pages === null ? 'unknown' : `${row.pages} pages`;
      process.stdout.write(`${row.endpoint} ${row.load} ${row.date}: ${row.state}, ${pages}; needs ${row.apiRequests} API requests${row.note ? ` (${row.note})` : ''}\n`);
    }
    process.stdout.write(`at least ${needed} API requests; ${budget.left} of ${budget.monthlyRequestBudget} left this month for ${api}\n`);
  },
};
