import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';

/**
 * A command whose handler is typed by the flags its builder declares: yargs infers them from the
 * options, so no handler has to say (or cast to) what it was given.
 */
export function defineCommand<Args>(spec: {
  command: string;
  describe: string;
  builder: (yargs: Argv) => Argv<Args>;
  handler: (args: ArgumentsCamelCase<Args>) => void | Promise<void>;
}): CommandModule<object, Args> {
  return spec;
}
