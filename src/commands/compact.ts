import type { CommandModule } from 'yargs';
import { runCompact, type CompactSummary } from '../compact/index.js';
import { ConfigError } from '../errors.js';
import { partitionId } from '../lake/layout.js';
import { interruptSignal } from './interrupt.js';
import { lakeFrom, loadEndpoints, withLake } from './options.js';

interface CompactArgs {
  lake: string;
  s3Endpoint?: string;
  endpoint?: string[];
  all?: boolean;
  json: boolean;
}

/** The endpoints the flags name: every one by default. */
function endpointsFrom(args: CompactArgs): string[] | undefined {
  if (args.all && args.endpoint?.length) throw new ConfigError('give --endpoint or --all, not both');
  if (!args.endpoint?.length) return undefined;
  const known = new Set(loadEndpoints().endpoints.map((e) => e.name));
  const unknown = args.endpoint.filter((name) => !known.has(name));
  if (unknown.length) throw new ConfigError(`unknown endpoint ${unknown.join(', ')}: config/endpoints.json has ${[...known].join(', ')}`);
  return [...new Set(args.endpoint)];
}

/** One JSON line: what was compacted, and the totals. */
function summaryJson(summary: CompactSummary): string {
  const compacted = summary.compacted.map(({ endpoint, load, date, pages, parts, bytesIn, bytesOut }) => ({ endpoint, load, date, pages, parts: parts.length, bytesIn, bytesOut }));
  const { alreadyCompacted, pages, bytesIn, bytesOut, durationMs } = summary;
  return JSON.stringify({ compacted, partitions: compacted.length, alreadyCompacted, pages, bytesIn, bytesOut, durationMs });
}

const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export const compactCommand: CommandModule = {
  command: 'compact',
  describe: "rewrite each closed partition's pages as Parquet under compact/ (the raw JSON stays); dbt reads those instead",
  builder: (yargs) =>
    withLake(yargs)
      .option('endpoint', { type: 'string', array: true, describe: 'endpoint name(s) from config/endpoints.json (default: every endpoint)' })
      .option('all', { type: 'boolean', describe: 'every endpoint of config/endpoints.json (the default)' })
      .option('json', { type: 'boolean', default: false, describe: 'stdout is one JSON line: what was compacted, pages, bytes in and out' }),
  handler: async (argv) => {
    const args = argv as unknown as CompactArgs;
    const endpoints = endpointsFrom(args);
    const store = lakeFrom(args);
    const signal = interruptSignal();
    const onCompacted = args.json
      ? undefined
      : (p: CompactSummary['compacted'][number]) =>
          process.stdout.write(`compacted ${partitionId(p.endpoint, p.load, p.date)}: ${p.pages} pages, ${megabytes(p.bytesIn)} -> ${p.parts.length} part${p.parts.length === 1 ? '' : 's'}, ${megabytes(p.bytesOut)}\n`);
    const summary = await runCompact({ store, endpoints, signal, onCompacted });
    if (args.json) {
      process.stdout.write(`${summaryJson(summary)}\n`);
      return;
    }
    process.stdout.write(
      `${summary.compacted.length} partition${summary.compacted.length === 1 ? '' : 's'} compacted (${summary.pages} pages, ${megabytes(summary.bytesIn)} -> ${megabytes(summary.bytesOut)}), ${summary.alreadyCompacted} already compacted\n`,
    );
  },
};
