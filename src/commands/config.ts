import type { CommandModule } from 'yargs';
import { endpointsFromEnv } from './options.js';

const check: CommandModule = {
  command: 'check',
  describe: 'validate config/endpoints.json (or GMP_ENDPOINTS)',
  handler: () => {
    const file = endpointsFromEnv();
    const names = file.endpoints.map((e) => (e.updatedFilter ? `${e.name} (updated)` : e.name));
    process.stdout.write(`config ok: ${file.endpoints.length} endpoints: ${names.join(', ')}\n`);
  },
};

export const configCommand: CommandModule = {
  command: 'config <command>',
  describe: 'check the endpoints configuration',
  builder: (yargs) => yargs.command([check]).demandCommand(1),
  handler: () => undefined,
};
