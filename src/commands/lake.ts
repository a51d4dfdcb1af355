import type { CommandModule } from 'yargs';
import { now } from '../clock.js';
import { monthOf, monthSpend } from '../lake/spend.js';
import { monthRuns } from '../lake/run-record.js';
import { defineCommand } from './define.js';
import { lakeFrom, endpointsFromEnv, withLake } from './options.js';
import { catalogueGaps } from '../lake/catalogue-status.js';
import { catalogueStatus } from '../ingest/catalogue.js';
import { readLakeOrigin } from '../lake/origin.js';
import { lakeStatus } from '../lake/status.js';
import { partitionId } from '../lake/layout.js';
import { schemaStatus, statusLine } from '../lake/schema-drift.js';
import { batchStatus } from '../lake/items.js';
import { isPerItem } from '../config/schema.js';

const init = defineCommand({
  command: 'init',
  describe: 'create the bucket (or directory) the lake lives in',
  builder: (yargs) => withLake(yargs),
  handler: async (args) => {
    const store = lakeFrom(args);
    await store.init();
    process.stdout.write(`lake ready: ${store.location}\n`);
  },
});

const status = defineCommand({
  command: 'status',
  describe: "list the lake's partitions and this month's API spend",
  builder: (yargs) => withLake(yargs).option('json', { type: 'boolean', default: false }),
  handler: async (args) => {
    const store = lakeFrom(args);
    const origin = await readLakeOrigin(store);
    const month = monthOf(now());
    // Spend is the ledger's, as `plan` and the budget read it: a killed run left no record but its blocks.
    const endpoints = endpointsFromEnv();
    const [partitions, batches, runs, spend, catalogue, itemSchemas] = await Promise.all([
      lakeStatus(store),
      batchStatus(
        store,
        endpoints.endpoints.filter(isPerItem).map((endpoint) => endpoint.name),
      ),
      monthRuns(store, now()),
      monthSpend(store, month),
      catalogueStatus(endpoints, store, { origin }),
      schemaStatus(store),
    ]);
    if (args.json) {
      const withIds = partitions.map((p) => ({ id: partitionId(p.endpoint, p.load, p.date), ...p }));
      const runList = runs.map(({ partitions: _, ...run }) => run);
      process.stdout.write(
        `${JSON.stringify({ lake: store.location, origin: origin ?? null, partitions: withIds, batches, catalogue, itemSchemas, runs: runList, month, spend })}\n`,
      );
      return;
    }
    process.stdout.write(`lake ${store.location}${origin ? `, bound to ${origin}` : ', not bound to an API yet'}\n`);
    if (!partitions.length && !batches.length) process.stdout.write('no partitions yet: run `gmp ingest`\n');
    for (const p of partitions) {
      process.stdout.write(
        `  ${partitionId(p.endpoint, p.load, p.date)}: ${p.complete ? 'complete' : p.capped ? 'capped (all the API serves of it)' : 'incomplete'}, ${p.pages} page${p.pages === 1 ? '' : 's'}${p.windows ? ` in ${p.windows} windows` : ''}\n`,
      );
    }
    for (const b of batches) {
      const gone = b.gone ? `, ${b.gone} gone from the API` : '';
      process.stdout.write(
        `  ${b.id}: ${b.complete ? `complete, ${b.stored} items${gone}` : `incomplete, ${b.stored + b.gone} of ${b.pinned} items fetched${gone}`}\n`,
      );
    }
    for (const status of catalogue) {
      const gaps = catalogueGaps(status);
      process.stdout.write(
        gaps.length ? gaps.map((gap) => `${gap}\n`).join('') : `${status.endpoint}: catalogue complete and caught up\n`,
      );
    }
    const drift = itemSchemas.map(statusLine).filter((line) => line !== undefined);
    if (itemSchemas.length && !drift.length)
      process.stdout.write(
        `item fields unchanged since first recorded (${itemSchemas.length} listing shape${itemSchemas.length === 1 ? '' : 's'})\n`,
      );
    for (const line of drift) process.stdout.write(`${line}\n`);
    if (!spend.length) process.stdout.write(`no API requests in ${month}\n`);
    for (const total of spend)
      process.stdout.write(
        `${month}, ${total.api}: ${total.runs} run${total.runs === 1 ? '' : 's'}, ${total.spent} API requests (from _ledger/)\n`,
      );
  },
});

export const lakeCommand: CommandModule = {
  command: 'lake <command>',
  describe: 'look after the lake',
  builder: (yargs) => yargs.command(init).command(status).demandCommand(1),
  handler: () => undefined,
};
