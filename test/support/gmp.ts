import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const cliPath = join(import.meta.dirname, '../../dist/cli.js');

export interface GmpResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Base env for the CLI in tests: no inherited AWS, RAWG or OpenLineage settings, JSON logs (no TTY). */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || /^(AWS_|RAWG_|LAKE_URL|S3_ENDPOINT|GMP_|OPENLINEAGE_)/.test(name)) continue;
    env[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) env[name] = value;
  return env;
}

/** Starts `gmp ARGS`; the caller may kill it. */
export function spawnGmp(
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; done: Promise<GmpResult> } {
  const child = spawn(process.execPath, [cliPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<GmpResult>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

export function runGmp(args: string[], env: Record<string, string>): Promise<GmpResult> {
  return spawnGmp(args, env).done;
}

/** The JSON lines a `--json` run printed on stdout. */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
