import { pipelineSteps } from '../pipeline-steps.js';
import { TARGETS, type Target } from '../transform/settings.js';
import { defineCommand } from './define.js';

export const stepsCommand = defineCommand({
  command: 'steps',
  describe: "print the pipeline's steps in the order every runner runs them, each with the gmp command it runs",
  builder: (yargs) =>
    yargs
      .option('target', {
        choices: TARGETS,
        default: 'dev' as Target,
        describe: 'the transform target: dev ends with the report, prod with the Snowflake build',
      })
      .option('json', {
        type: 'boolean',
        default: false,
        describe:
          'print {"target","steps":[{"name","args"}]}; ingest\'s args are null: its commands are the shards of gmp plan --json',
      }),
  handler: (args) => {
    const steps = pipelineSteps(args.target);
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ target: args.target, steps })}\n`);
      return;
    }
    const lines = steps.map(
      ({ name, args: argv }, index) =>
        `${index + 1}. ${name}: ${argv ? `gmp ${argv.join(' ')}` : "each shard's args of gmp plan --json"}`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
  },
});
