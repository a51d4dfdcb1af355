#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { commands } from './commands/index.js';
import { exitWithError } from './commands/output.js';

// The pinned AWS SDK supports Node 20; its notice about future releases is not for our users.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const cli = yargs(hideBin(process.argv))
  .scriptName('gmp')
  .usage('$0 <command> [options]\n\nCrash-safe ELT for video-game market data.')
  .command(commands)
  .demandCommand(1, 'name a command: see gmp --help')
  .strict()
  .recommendCommands()
  .fail((message, error) => {
    if (error) throw error;
    process.stderr.write(`gmp: ${message}\n`);
    process.exit(2);
  })
  .help()
  .version(false)
  .wrap(Math.min(110, process.stdout.columns || 110));

try {
  await cli.parseAsync();
} catch (error) {
  exitWithError(error);
}
