import { ConfigError } from '../errors.js';

/** What yargs knows of the options of the command being run. */
export interface DeclaredOptions {
  string: string[];
  number: string[];
  array: string[];
  alias: Record<string, string[]>;
}

declare module 'yargs' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the parameter must match yargs' own declaration
  interface Argv<T> {
    /** The options of the command being run: yargs has it, its type declarations leave it out. */
    getOptions(): DeclaredOptions;
  }
}

/**
 * Throws when a flag that takes a value is given without one (`--max-pages` last, or followed by
 * another flag): yargs would read it as unset or empty and the run would go on without it.
 */
export function requireFlagValues(tokens: readonly string[], options: DeclaredOptions): void {
  const valued = new Set<string>();
  for (const name of [...options.string, ...options.number, ...options.array]) {
    valued.add(name);
    for (const alias of options.alias[name] ?? []) valued.add(alias);
  }
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i]!;
    if (token === '--') return;
    const flag = /^--([^=]+)(=?)(.*)$/.exec(token);
    if (!flag || !valued.has(flag[1]!)) continue;
    const [, name, equals, inline] = flag;
    const next = tokens[i + 1];
    const missing = equals ? inline === '' : next === undefined || /^-[-a-zA-Z]/.test(next);
    if (missing) throw new ConfigError(`--${name} needs a value: give it as --${name} VALUE (see gmp --help)`);
  }
}
