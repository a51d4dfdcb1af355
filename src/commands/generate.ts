import { endpointsFromEnv } from './options.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { endpointsJsonSchema } from '../config/json-schema.js';
import { StaleGeneratedFilesError } from '../errors.js';
import { endpointsSchemaPath } from '../paths.js';
import { defineCommand } from './define.js';
import { STATE_MACHINE_STEPS_PATH, STATE_MACHINE_STEPS_URL, stateMachineStepsFile } from '../pipeline-steps.js';
import {
  freshnessSourcesStale,
  FRESHNESS_SOURCES_PATH,
  generateDbtSources,
  generateFreshnessSources,
  staleDbtSources,
} from '../transform/index.js';

/** The editors' JSON Schema of endpoints.json, when the committed one differs from the zod schema. */
function staleSchema(): string | undefined {
  let committed: string | undefined;
  try {
    committed = readFileSync(endpointsSchemaPath, 'utf8');
  } catch {
    committed = undefined;
  }
  const fresh = endpointsJsonSchema();
  return committed === fresh ? undefined : fresh;
}

/** The state machine's steps file, when the committed one differs from the steps' definition. */
function staleSteps(): string | undefined {
  const fresh = stateMachineStepsFile();
  try {
    return readFileSync(STATE_MACHINE_STEPS_URL, 'utf8') === fresh ? undefined : fresh;
  } catch {
    return fresh;
  }
}

export const generateCommand = defineCommand({
  command: 'generate',
  describe:
    "write what derives from config/endpoints.json (its JSON Schema, the dbt sources and base models) and the state machine's copy of the pipeline's steps",
  builder: (yargs) =>
    yargs.option('check', {
      type: 'boolean',
      default: false,
      describe: 'write nothing; fail when a generated file is stale',
    }),
  handler: (args) => {
    const endpoints = endpointsFromEnv();
    const schema = staleSchema();
    const steps = staleSteps();
    if (args.check) {
      const stale = [
        ...(schema ? ['config/endpoints.schema.json'] : []),
        ...(steps ? [STATE_MACHINE_STEPS_PATH] : []),
        ...staleDbtSources({ endpoints }).map((path) => `dbt/${path}`),
        ...(freshnessSourcesStale({ endpoints }) ? [`dbt/${FRESHNESS_SOURCES_PATH}`] : []),
      ];
      if (stale.length) {
        throw new StaleGeneratedFilesError(
          `generated files are stale (${stale.join(', ')}): run gmp generate and commit the result`,
        );
      }
      process.stdout.write('generated files are up to date\n');
      return;
    }
    if (schema) {
      writeFileSync(endpointsSchemaPath, schema);
      process.stdout.write('wrote config/endpoints.schema.json\n');
    }
    if (steps) {
      writeFileSync(STATE_MACHINE_STEPS_URL, steps);
      process.stdout.write(`wrote ${STATE_MACHINE_STEPS_PATH}\n`);
    }
    const { written, removed } = generateDbtSources({ endpoints });
    if (generateFreshnessSources({ endpoints })) written.push(FRESHNESS_SOURCES_PATH);
    for (const path of written) process.stdout.write(`wrote dbt/${path}\n`);
    for (const path of removed) process.stdout.write(`removed dbt/${path}\n`);
    if (!schema && !steps && !written.length && !removed.length)
      process.stdout.write('generated files are up to date\n');
  },
});
