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

export interface ModuleArgument {
  name: string;
  type?: { kind: string; name?: string };
  isOptional: boolean;
  defaultValue?: unknown;
  defaultPath?: string;
  ignore?: string[];
}

export interface ModuleFunction {
  name: string;
  cache?: string;
  returnType?: { kind: string; name?: string };
  arguments: Record<string, ModuleArgument>;
}

export interface ModuleScan {
  objects: Record<string, { methods: Record<string, ModuleFunction> }>;
  enums: Record<string, { values: Record<string, { name: string; value: string }> }>;
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

/** kebab-case, as `dagger call` spells functions and flags. */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
