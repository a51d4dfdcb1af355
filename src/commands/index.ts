import type { CommandModule } from 'yargs';
import { configCommand } from './config.js';
import { ingestCommand } from './ingest.js';
import { lakeCommand } from './lake.js';
import { planCommand } from './plan.js';

/** Every `gmp` command, one module each. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [ingestCommand, planCommand, lakeCommand, configCommand];
