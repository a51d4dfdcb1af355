// Shared by the infra tests: where the tools and the Terraform live, running a tool, parsing HCL.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@cdktf/hcl2json';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const infraDir = path.join(repoRoot, 'infra');
export const tofuBin = path.join(repoRoot, '.tools/bin/tofu');
export const checkovBin = path.join(repoRoot, '.tools/checkov-venv/bin/checkov');

/** Fails loudly instead of skipping: the tools are built by `make test` (mk/infra.mk). */
export function requireTool(bin: string): string {
  if (!existsSync(bin))
    throw new Error(`${path.relative(repoRoot, bin)} is missing: run make test (mk/infra.mk builds it)`);
  return bin;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(
  bin: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      bin,
      args,
      {
        cwd: options.cwd ?? repoRoot,
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface ParsedFile {
  file: string;
  body: JsonObject;
}

/** Every .tf file under `dir` (recursively), parsed by the same HCL parser CDKTF uses. */
export async function parseTerraform(dir: string): Promise<ParsedFile[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && e.name.endsWith('.tf') && !e.parentPath.includes('.terraform'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
  return Promise.all(
    files.map(async (file) => ({
      file: path.relative(repoRoot, file),
      body: (await parse(file, await readFile(file, 'utf8'))) as JsonObject,
    })),
  );
}

export interface Block {
  file: string;
  kind: string;
  name: string;
  body: JsonObject;
}

/** Blocks of one top-level section (`resource`, `data`, ...), flattened to kind/name/body. */
export function blocks(files: ParsedFile[], section: 'resource' | 'data' | 'module' | 'locals' | 'provider'): Block[] {
  const out: Block[] = [];
  for (const { file, body } of files) {
    const top = body[section];
    if (section === 'locals') {
      for (const item of Array.isArray(top) ? top : [])
        if (isObject(item)) out.push({ file, kind: 'locals', name: 'locals', body: item });
      continue;
    }
    if (!isObject(top)) continue;
    for (const [kind, byName] of Object.entries(top)) {
      if (section === 'module' || section === 'provider') {
        for (const item of Array.isArray(byName) ? byName : [])
          if (isObject(item)) out.push({ file, kind: section, name: kind, body: item });
        continue;
      }
      if (!isObject(byName)) continue;
      for (const [name, list] of Object.entries(byName)) {
        for (const item of Array.isArray(list) ? list : [])
          if (isObject(item)) out.push({ file, kind, name, body: item });
      }
    }
  }
  return out;
}

/** Every string anywhere inside a parsed value. */
export function strings(value: Json | undefined): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (isObject(value)) return Object.values(value).flatMap(strings);
  return [];
}
