import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { DEFAULT_REPORT_PATH } from '../config/defaults.js';
import { notice } from '../log.js';
import { endpointsFromEnv, lakeFrom, withLake, withWarehouse } from './options.js';
import { defineCommand } from './define.js';

export const reportCommand = defineCommand({
  command: 'report',
  describe: 'write the market report: the marts as one self-contained HTML page with charts',
  builder: (yargs) =>
    withWarehouse(withLake(yargs), 'the DuckDB warehouse to read').option('out', {
      type: 'string',
      default: DEFAULT_REPORT_PATH,
      describe: 'where to write the HTML page',
    }),
  handler: async (args) => {
    checkOutPath(args.out);
    // Vega and DuckDB take a while to load: only this command pays for them.
    const { writeReport } = await import('../report/index.js');
    const { path, ms } = await writeReport({
      warehousePath: args.warehouse,
      store: lakeFrom(args),
      endpoints: endpointsFromEnv(),
      outPath: args.out,
    });
    notice(`report written in ${ms} ms`, { report: path, ms });
    process.stdout.write(`report: ${path}\n`);
  },
});

/** Refuses, before the warehouse is read, an --out the page could never be written to. */
function checkOutPath(out: string): void {
  const path = resolve(out);
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new ConfigError(
      `--out ${path} is a directory: name the page's file, e.g. --out ${join(path, 'market-report.html')}`,
    );
  }
  let dir = dirname(path);
  while (!existsSync(dir)) dir = dirname(dir);
  if (!statSync(dir).isDirectory())
    throw new ConfigError(`--out ${path} cannot be written: ${dir} is a file, not a directory`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new ConfigError(`--out ${path} cannot be written: ${dir} is not writable; give another --out`);
  }
}
