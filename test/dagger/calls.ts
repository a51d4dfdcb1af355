/**
 * Checks a `dagger call` command line against the module as the SDK's introspector reads it:
 * constructor flags, then a chain of the module's functions, then at most one function of the
 * core type the chain returns (export, terminal, up...), read from the generated client. What a
 * core function returns is not followed further.
 */
import { cliName, coreFunctionTakes, type ModuleArgument, type ModuleScan } from './introspect.js';

const MODULE_OBJECT = 'GameMarketPipeline';
const SECRET_PROVIDERS = /^(env|file|cmd|op|vault|aws\+sm):\/\/\S/;

/** Splits a command line as a POSIX shell would for plain words, quotes and `\` line ends. */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  const text = command.replace(/\\\n/g, ' ');
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = undefined;
      else word = (word ?? '') + c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

const camel = (kebab: string) => kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * The problems of one command line (the words after `dagger call`), none when the module takes it.
 * `complete` also requires every argument that has no default.
 */
export function callProblems(words: string[], scan: ModuleScan, { complete }: { complete: boolean }): string[] {
  const object = scan.objects[MODULE_OBJECT]!;
  const problems: string[] = [];
  let i = 0;

  /** Reads the flags at `i` for the given arguments; returns the camelCase names given. */
  const readFlags = (where: string, args: Record<string, ModuleArgument> | undefined): string[] => {
    const given: string[] = [];
    while (i < words.length && words[i]!.startsWith('--')) {
      const [flag, inline] = words[i]!.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      i += 1;
      const arg = args && Object.values(args).find((a) => cliName(a.name) === flag);
      const boolean = arg?.type?.kind === 'BOOLEAN_KIND';
      let value = inline;
      if (value === undefined && (!boolean || /^(true|false)$/.test(words[i] ?? ''))) value = words[i++];
      given.push(arg?.name ?? camel(flag));
      if (!args) continue;
      if (!arg) {
        problems.push(`${where} takes no --${flag}`);
        continue;
      }
      if (value === undefined && !boolean) problems.push(`${where} --${flag} has no value`);
      else if (value !== undefined) problems.push(...valueProblems(`${where} --${flag}`, arg, value, scan));
    }
    if (complete && args) {
      for (const arg of Object.values(args)) {
        const required = !arg.isOptional && arg.defaultValue === undefined && arg.defaultPath === undefined;
        if (required && !given.includes(arg.name)) problems.push(`${where} needs --${cliName(arg.name)}`);
      }
    }
    return given;
  };

  readFlags('the constructor', object._constructor?.arguments ?? {});
  if (i >= words.length) problems.push('no function called');
  let type: string | undefined = MODULE_OBJECT;
  while (i < words.length && type !== undefined) {
    const name = words[i++]!;
    if (type === MODULE_OBJECT) {
      const fn = Object.values(object.methods).find((f) => cliName(f.name) === name);
      if (!fn) {
        problems.push(`the module has no function ${name}`);
        break;
      }
      readFlags(name, fn.arguments);
      type = fn.returnType?.kind === 'OBJECT_KIND' ? fn.returnType.name : undefined;
      if (type === undefined && i < words.length) problems.push(`${name} returns no object to call ${words[i]} on`);
    } else {
      const flags = readFlags(`${type}.${name}`, undefined);
      problems.push(...coreFunctionTakes(type, camel(name), flags));
      type = undefined;
    }
  }
  return problems;
}

function valueProblems(where: string, arg: ModuleArgument, value: string, scan: ModuleScan): string[] {
  const { kind, name } = arg.type ?? { kind: '' };
  if (kind === 'OBJECT_KIND' && name === 'Secret' && !SECRET_PROVIDERS.test(value))
    return [`${where} takes a secret reference such as env://NAME`];
  if (kind === 'INTEGER_KIND' && !/^\d+$/.test(value)) return [`${where} takes an integer`];
  if (kind === 'ENUM_KIND') {
    const members = Object.values(scan.enums[name!]?.values ?? {});
    if (
      !members.some(
        (m) => m.value.toLowerCase() === value.toLowerCase() || m.name.toLowerCase() === value.toLowerCase(),
      )
    ) {
      return [`${where} takes one of ${members.map((m) => m.value).join(', ')}`];
    }
  }
  return [];
}

/** A `dagger call` a document shows: in a code block (typed as is) or in running text. */
export interface DocumentedCall {
  command: string;
  words: string[];
  inBlock: boolean;
}

/** Every `dagger call` of a Markdown text, from its code blocks and its inline code. */
export function documentedCalls(markdown: string): DocumentedCall[] {
  const calls: DocumentedCall[] = [];
  const add = (text: string, inBlock: boolean) => {
    for (const match of text.matchAll(/dagger call\b(.*)/g)) {
      // A bare `dagger call` names the command, not a call.
      if (match[1]!.trim() === '') continue;
      calls.push({ command: `dagger call${match[1]}`.trim(), words: shellWords(match[1]!), inBlock });
    }
  };
  const prose = markdown.replace(/^```[^\n]*\n([\s\S]*?)^```$/gm, (_, block: string) => {
    for (const line of block.replace(/\\\n\s*/g, ' ').split('\n')) if (!line.trim().startsWith('#')) add(line, true);
    return '';
  });
  for (const span of prose.matchAll(/`([^`\n]+)`/g)) add(span[1]!, false);
  return calls;
}
