import type { CommandModule } from 'yargs';
import { StaleGeneratedFilesError } from '../errors.js';
import { generateDbtSources, staleDbtSources } from '../transform/index.js';

export const generateCommand: CommandModule = {
  command: 'generate',
  describe: 'write the dbt sources and base models that derive from config/endpoints.json',
  builder: (yargs) =>
    yargs.option('check', { type: 'boolean', default: false, describe: 'write nothing; fail when a generated file is stale' }),
  handler: (argv) => {
    if ((argv as { check?: boolean }).check) {
      const stale = staleDbtSources();
      if (stale.length) {
        throw new StaleGeneratedFilesError(`generated dbt files are stale (${stale.join(', ')}): run gmp generate and commit the result`);
      }
      process.stdout.write('generated dbt files are up to date\n');
      return;
    }
    const { written, removed } = generateDbtSources();
    for (const path of written) process.stdout.write(`wrote dbt/${path}\n`);
    for (const path of removed) process.stdout.write(`removed dbt/${path}\n`);
    if (!written.length && !removed.length) process.stdout.write('generated dbt files are up to date\n');
  },
};
