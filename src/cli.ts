#!/usr/bin/env node
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { requireFlagValues } from './commands/flag-values.js';
import { commands } from './commands/index.js';
import { exitWithError } from './commands/output.js';
import { Redactor } from './source/redact.js';

// The pinned AWS SDK supports Node 20; its notice about future releases is not for our users.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// A reader that stops early (`gmp lake status | head -1`) is not a failure of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
process.stderr.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

/** The last line on stderr passes through this, whatever raised it. */
const redactor = Redactor.fromEnv(process.env);
const tokens = hideBin(process.argv);

const cli: Argv = yargs(tokens)
  .scriptName('gmp')
  .usage('$0 <command> [options]\n\nCrash-safe ELT for video-game market data.')
  .command(commands)
  .demandCommand(1, 'name a command: see gmp --help')
  .strict()
  .recommendCommands()
  // Runs once the command is known, so the options yargs holds are that command's.
  .middleware(() => requireFlagValues(tokens, cli.getOptions()), true)
  .fail((message, error) => {
    if (error) throw error;
    process.stderr.write(`gmp: ${redactor.text(message)}\n`);
    process.exit(2);
  })
  .help()
  .alias('help', 'h')
  .version(false)
  .wrap(Math.min(110, process.stdout.columns || 110));

try {
  await cli.parseAsync();
} catch (error) {
  exitWithError(redactor.error(error));
}
