import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CommandModule } from 'yargs';
import { endpointsJsonSchema } from '../config/json-schema.js';
import { loadEndpoints } from '../config/load.js';

export const schemaPath = fileURLToPath(new URL('../../config/endpoints.schema.json', import.meta.url));

const check: CommandModule = {
  command: 'check',
  describe: 'validate config/endpoints.json (or GMP_ENDPOINTS)',
  handler: () => {
    const file = loadEndpoints();
    const names = file.endpoints.map((e) => (e.incremental ? `${e.name} (incremental)` : e.name));
    process.stdout.write(`config ok: ${file.endpoints.length} endpoints: ${names.join(', ')}\n`);
  },
};

const schema: CommandModule = {
  command: 'schema',
  describe: 'write config/endpoints.schema.json from the zod schema',
  handler: () => {
    writeFileSync(schemaPath, endpointsJsonSchema());
    process.stdout.write(`wrote ${schemaPath}\n`);
  },
};

export const configCommand: CommandModule = {
  command: 'config <command>',
  describe: 'check the endpoints configuration',
  builder: (yargs) => yargs.command([check, schema]).demandCommand(1),
  handler: () => undefined,
};
