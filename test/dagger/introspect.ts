/**
 * Reads the Dagger module the way the engine's TypeScript runtime does, with no engine: the SDK's
 * own introspector (the code that registers functions with the engine) scans dagger/src and
 * reports every function, argument, type, default and cache policy.
 *
 * The runtime feeds it the generated client (sdk/client.gen.ts); here the published declarations
 * of the same client stand in for it, copied under the file name the introspector looks for.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '../..');
const sdk = join(root, 'node_modules/@dagger.io/dagger/dist/src');

/** What the CLI shows in --help for a function, an argument, an object or an enum. */
interface Described {
  description?: string;
}

export interface ModuleArgument extends Described {
  name: string;
  type?: { kind: string; name?: string };
  isOptional: boolean;
  defaultValue?: unknown;
  defaultPath?: string;
  ignore?: string[];
}

export interface ModuleFunction extends Described {
  name: string;
  cache?: string;
  isCheck?: boolean;
  returnType?: { kind: string; name?: string };
  arguments: Record<string, ModuleArgument>;
}

export interface ModuleObject extends Described {
  methods: Record<string, ModuleFunction>;
  _constructor?: { arguments: Record<string, ModuleArgument> };
}

export interface ModuleScan {
  objects: Record<string, ModuleObject>;
  enums: Record<string, Described & { values: Record<string, Described & { name: string; value: string }> }>;
}

/** Every .ts file the runtime would hand to the introspector: all of dagger/src, recursively. */
export function moduleSourceFiles(dir = join(root, 'dagger/src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return moduleSourceFiles(path);
    return /\.m?ts$/.test(entry.name) ? [path] : [];
  });
}

export async function scanModule(): Promise<ModuleScan> {
  const clientDir = mkdtempSync(join(tmpdir(), 'dagger-client-'));
  const client = join(clientDir, 'client.gen.ts');
  const declarations = readFileSync(join(sdk, 'api/client.gen.d.ts'), 'utf8');
  writeFileSync(client, declarations.replace('"../common/context.js"', JSON.stringify(join(sdk, 'common/context.js'))));
  const { scan } = (await import(pathToFileURL(join(sdk, 'module/introspector/index.js')).href)) as {
    scan: (files: string[], moduleName: string, loadModule: boolean) => Promise<ModuleScan>;
  };
  // loadModule=false: the module's code is analysed, never run, so nothing reaches for an engine.
  return scan([...moduleSourceFiles(), client], 'game-market-pipeline', false);
}

/**
 * A name as `dagger call` spells it: the engine kebab-cases word by word and splits letters from
 * digits, so `s3Endpoint` becomes `s-3-endpoint`.
 */
export function cliName(name: string): string {
  const kind = (c: string | undefined) =>
    c === undefined ? '' : /[A-Z]/.test(c) ? 'upper' : /[a-z]/.test(c) ? 'lower' : /\d/.test(c) ? 'digit' : 'other';
  let out = '';
  for (let i = 0; i < name.length; i += 1) {
    const [prev, here, next] = [kind(name[i - 1]), kind(name[i]), kind(name[i + 1])];
    if (here === 'upper' && next === 'lower' && prev === 'upper') out += '-';
    out += name[i];
    const changes =
      (here === 'upper' && (next === 'lower' || next === 'digit')) ||
      (here === 'lower' && (next === 'upper' || next === 'digit')) ||
      (here === 'digit' && (next === 'upper' || next === 'lower'));
    if (changes && (here === 'lower' || here === 'digit' || next === 'digit')) out += '-';
  }
  return out.toLowerCase();
}

/** camelCase to kebab-case the way a reader would: a dash before each capital. */
export function plainKebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

const clientDeclarations = () => readFileSync(join(sdk, 'api/client.gen.d.ts'), 'utf8');

/** The fields of the core API's root (the generated client's `Client` class), without the `_` the client adds to some. */
export function coreRootFields(): string[] {
  const declarations = clientDeclarations();
  const start = declarations.indexOf('export declare class Client extends BaseClient {');
  const body = declarations.slice(start, declarations.indexOf('\n}', start));
  return [...body.matchAll(/^ {4}(\w+): \(/gm)].map((m) => m[1]!.replace(/_$/, ''));
}

/**
 * Core fields the v0.21.9 CLI hides from `dagger call` (the engine's ShouldSkipFunction), and
 * with them any module function of the same name. Some are gone from the generated client.
 */
export const CLI_HIDDEN_FIELDS = [
  'pipeline',
  'with',
  'cacheVolume',
  'setSecret',
  'function',
  'typeDef',
  'sourceMap',
  'currentModule',
  'currentFunctionCall',
  'generatedCode',
];

/**
 * Whether a core type of the generated client has a function of that name taking those
 * arguments (positional ones and those of its `<Type><Function>Opts`).
 */
export function coreFunctionTakes(type: string, fn: string, args: string[]): string[] {
  const declarations = clientDeclarations();
  const start = declarations.indexOf(`export declare class ${type} extends BaseClient {`);
  if (start < 0) return [`${type} is not a core type`];
  const body = declarations.slice(start, declarations.indexOf('\n}', start));
  const member = new RegExp(`^ {4}${fn}_?: \\(([^)]*)\\)`, 'm').exec(body);
  if (!member) return [`${type} has no function ${fn}`];
  const optsName = `${type}${fn[0]!.toUpperCase()}${fn.slice(1)}Opts`;
  const optsStart = declarations.indexOf(`export type ${optsName} = {`);
  const opts = optsStart < 0 ? '' : declarations.slice(optsStart, declarations.indexOf('\n};', optsStart));
  const known = [...member[1]!.matchAll(/(\w+)\??:/g), ...opts.matchAll(/^ {4}(\w+)\??:/gm)].map((m) => m[1]!);
  return args.filter((arg) => !known.includes(arg)).map((arg) => `${type}.${fn} takes no --${cliName(arg)}`);
}
