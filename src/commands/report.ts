import type { CommandModule } from 'yargs';
import { DEFAULT_REPORT_PATH, DEFAULT_WAREHOUSE_PATH } from '../report/paths.js';
import { lakeFrom, withLake } from './options.js';

interface ReportArgs {
  lake: string;
  s3Endpoint?: string;
  warehouse?: string;
  out: string;
}

export const reportCommand: CommandModule = {
  command: 'report',
  describe: 'write the market report: the marts as one self-contained HTML page with charts',
  builder: (yargs) =>
    withLake(yargs)
      .option('warehouse', {
        type: 'string',
        describe: 'the DuckDB warehouse to read [env WAREHOUSE_PATH]',
        default: process.env.WAREHOUSE_PATH,
        defaultDescription: DEFAULT_WAREHOUSE_PATH,
      })
      .option('out', { type: 'string', default: DEFAULT_REPORT_PATH, describe: 'where to write the HTML page' }),
  handler: async (argv) => {
    const args = argv as unknown as ReportArgs;
    // Vega and DuckDB take a while to load: only this command pays for them.
    const { writeReport } = await import('../report/index.js');
    const { path, ms } = await writeReport({ warehousePath: args.warehouse, store: lakeFrom(args), outPath: args.out });
    process.stderr.write(`report written in ${ms} ms\n`);
    process.stdout.write(`report: ${path}\n`);
  },
};
