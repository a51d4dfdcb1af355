import { runCompact } from '../compact/index.js';
import { ConfigError } from '../errors.js';
import { compactedLine, compactSummaryLine } from './compact-output.js';
import { defineCommand } from './define.js';
import { interruptSignal } from './interrupt.js';
import { lakeFrom, endpointsFromEnv, withLake } from './options.js';

/** The endpoints the flags name: every one by default. */
function endpointsFrom(args: { endpoint?: string[]; all?: boolean }): string[] | undefined {
  if (args.all && args.endpoint?.length) throw new ConfigError('give --endpoint or --all, not both');
  if (!args.endpoint?.length) return undefined;
  const known = new Set(endpointsFromEnv().endpoints.map((e) => e.name));
  const unknown = args.endpoint.filter((name) => !known.has(name));
  if (unknown.length)
    throw new ConfigError(`unknown endpoint ${unknown.join(', ')}: config/endpoints.json has ${[...known].join(', ')}`);
  return [...new Set(args.endpoint)];
}

export const compactCommand = defineCommand({
  command: 'compact',
  describe:
    "rewrite each closed partition's pages as Parquet under compact/ (the raw JSON stays); dbt reads those instead",
  builder: (yargs) =>
    withLake(yargs)
      .option('endpoint', {
        type: 'string',
        array: true,
        describe: 'endpoint name(s) from config/endpoints.json (default: every endpoint)',
      })
      .option('all', { type: 'boolean', describe: 'every endpoint of config/endpoints.json (the default)' })
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'stdout is one JSON line: what was compacted, pages, bytes in and out',
      }),
  handler: async (args) => {
    const endpoints = endpointsFrom(args);
    const store = lakeFrom(args);
    const signal = interruptSignal();
    const summary = await runCompact({
      store,
      endpoints,
      signal,
      onCompacted: args.json ? undefined : (p) => process.stdout.write(compactedLine(p)),
    });
    process.stdout.write(compactSummaryLine(summary, args.json));
  },
});
