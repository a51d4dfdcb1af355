import { apiFrom, lakeFrom, endpointsFromEnv, withApi, withLake } from './options.js';
import { runIngestCommand } from './run-output.js';
import { checkLakeFor } from '../ingest/run.js';
import { itemsWorkFrom, positiveInteger, withSelection, workFrom } from './selection.js';
import { defineCommand } from './define.js';

export const ingestCommand = defineCommand({
  command: 'ingest',
  describe: 'fetch endpoints into the lake; resumes where a crashed run stopped, skips what is complete',
  builder: (yargs) =>
    withApi(withLake(withSelection(yargs)))
      .option('max-pages', {
        type: 'number',
        describe: 'fetch at most N pages in this run; a partition left open resumes next time',
      })
      .option('requests-per-second', {
        type: 'number',
        describe: "this run's share of the request-rate cap (a shard of a plan)",
      })
      .option('ignore-budget', {
        type: 'boolean',
        default: false,
        describe: "run even if the month's request budget is spent",
      })
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'print one JSON summary per partition (then totals) on stdout',
      }),
  handler: async (args) => {
    const maxPages = positiveInteger(args.maxPages, '--max-pages');
    const file = endpointsFromEnv();
    const store = lakeFrom(args);
    const api = apiFrom(file, args);
    // A lake bound to another API fails before work selection reads the lake.
    await checkLakeFor(store, api.baseUrl);
    const work = await workFrom(file, args, store);
    const items = await itemsWorkFrom(file, args, store);
    await runIngestCommand(
      {
        work,
        items,
        store,
        api,
        source: file.source,
        maxPages,
        requestsPerSecond: args.requestsPerSecond,
        ignoreBudget: args.ignoreBudget,
      },
      args.json,
    );
  },
});
