import type { Argv } from 'yargs';
import type { EndpointsFile } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import type { ObjectStore } from '../lake/store.js';
import type { ItemsWork } from '../ingest/planner.js';
import { MODES, parseMode, selectItemsWork, selectUnits, selectWork, type Work } from '../ingest/select.js';

export interface SelectionArgs {
  all?: boolean;
  endpoint?: string[];
  unit?: string[];
  mode: string;
  date?: string;
  from?: string;
  to?: string;
}

/** The flags that say what a run covers, shared by `ingest` and `plan`. */
export function withSelection<T>(yargs: Argv<T>) {
  return yargs
    .option('endpoint', { type: 'string', array: true, describe: 'endpoint name(s) from config/endpoints.json' })
    .option('all', { type: 'boolean', describe: 'every endpoint of config/endpoints.json' })
    .option('unit', {
      type: 'string',
      array: true,
      describe: 'unit id(s) printed by `gmp plan --json`: run exactly these',
    })
    .option('mode', {
      type: 'string',
      default: 'snapshot',
      describe: `${MODES.join(' | ')}. snapshot: full listings (an open one is resumed); updated: the games changed on each day; daily: updated where allowed plus the open backfill, else snapshot`,
    })
    .option('date', {
      type: 'string',
      describe: 'logical date YYYY-MM-DD (default: the open snapshot, else today; yesterday for updated)',
    })
    .option('from', { type: 'string', describe: 'first day of a range of `updated` days' })
    .option('to', { type: 'string', describe: 'last day of the range, inclusive' })
    .check((args) => {
      // Checked here rather than by yargs' choices, so that a renamed mode's error names its new word.
      parseMode(args.mode);
      const given = [
        args.all ? '--all' : '',
        args.endpoint?.length ? '--endpoint' : '',
        args.unit?.length ? '--unit' : '',
      ].filter(Boolean);
      if (!given.length) throw new ConfigError('name an endpoint with --endpoint NAME, use --all, or give --unit ID');
      if (given.length > 1)
        throw new ConfigError(`give one of --endpoint, --all or --unit, not ${given.join(' and ')}`);
      return true;
    });
}

/** The planned work the flags select. */
export function workFrom(file: EndpointsFile, args: SelectionArgs, store: ObjectStore): Promise<Work[]> {
  if (args.unit?.length) return selectUnits(file, args.unit, store);
  return selectWork(
    file,
    {
      endpoints: args.all ? 'all' : args.endpoint!,
      mode: parseMode(args.mode),
      date: args.date,
      from: args.from,
      to: args.to,
    },
    store,
  );
}

/** The per-item work the flags select (none for --unit: a shard names its per-item endpoint instead). */
export function itemsWorkFrom(file: EndpointsFile, args: SelectionArgs, store: ObjectStore): Promise<ItemsWork[]> {
  if (args.unit?.length) return Promise.resolve([]);
  return selectItemsWork(file, { endpoints: args.all ? 'all' : args.endpoint!, mode: parseMode(args.mode) }, store);
}

/** `--max-pages` and other counts: a positive whole number, or a usage error. */
export function positiveInteger(value: number | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${flag} must be a positive whole number`);
  return value;
}
