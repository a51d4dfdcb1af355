import type { CommandModule } from 'yargs';
import { compactCommand } from './compact.js';
import { configCommand } from './config.js';
import { generateCommand } from './generate.js';
import { ingestCommand } from './ingest.js';
import { lakeCommand } from './lake.js';
import { pipelineCommand } from './pipeline.js';
import { planCommand } from './plan.js';
import { reportCommand } from './report.js';
import { sandboxCommand } from './sandbox.js';
import { stepsCommand } from './steps.js';
import { transformCommand } from './transform.js';

/** Every `gmp` command, one module each. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [
  pipelineCommand,
  ingestCommand,
  planCommand,
  stepsCommand,
  compactCommand,
  lakeCommand,
  sandboxCommand,
  configCommand,
  transformCommand,
  reportCommand,
  generateCommand,
];
