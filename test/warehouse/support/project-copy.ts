import { spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { venvDir } from '../../../src/paths.js';
import type { GmpResult } from '../../support/gmp.js';

const repoRoot = join(import.meta.dirname, '../../../');

/** The built CLI in a folder of its own, with a dbt project a test may edit and a count of the Python processes it starts. */
export interface ProjectCopy {
  root: string;
  /** The copy's dbt project: editing it leaves the repository's untouched. */
  dbtDir: string;
  /** `gmp ARGS` of the copy. */
  gmp(args: string[], env: Record<string, string>): Promise<GmpResult>;
  /** How many times the copy's venv Python was started: dbt runs in it, so this counts dbt's starts. */
  pythonStarts(): number;
}

/**
 * Copies what the CLI runs from (dist/, config/, the dbt project without its output,
 * package.json) into `dir`, sharing node_modules by a link. Its `.venv` is the project venv
 * behind a witness: `bin/python` logs each start, then runs the real one, so a test sees whether
 * gmp started dbt at all (nothing else in gmp starts the venv's Python once the venv is made).
 */
export function copyProject(dir: string): ProjectCopy {
  const root = join(dir, 'project');
  mkdirSync(root, { recursive: true });
  if (!existsSync(join(repoRoot, 'dist', 'cli.js')))
    throw new Error('dist/ is not built: run npx tsc -p tsconfig.build.json');
  cpSync(join(repoRoot, 'dist'), join(root, 'dist'), { recursive: true });
  cpSync(join(repoRoot, 'config'), join(root, 'config'), { recursive: true });
  cpSync(join(repoRoot, 'dbt'), join(root, 'dbt'), {
    recursive: true,
    filter: (path) => !/\/dbt\/(target|logs)$/.test(path),
  });
  copyFileSync(join(repoRoot, 'package.json'), join(root, 'package.json'));
  symlinkSync(realpathSync(join(repoRoot, 'node_modules')), join(root, 'node_modules'));

  const realVenv = realpathSync(venvDir);
  const venv = join(root, '.venv');
  mkdirSync(join(venv, 'bin'), { recursive: true });
  const starts = join(dir, 'python-starts.log');
  writeFileSync(starts, '');
  const python = join(venv, 'bin', 'python');
  writeFileSync(python, `#!/bin/sh\necho "$*" >> '${starts}'\nexec '${join(realVenv, 'bin', 'python')}' "$@"\n`);
  chmodSync(python, 0o755);
  copyFileSync(join(realVenv, '.gmp-installed'), join(venv, '.gmp-installed'));
  symlinkSync(join(realVenv, 'duckdb-extensions'), join(venv, 'duckdb-extensions'));

  return {
    root,
    dbtDir: join(root, 'dbt'),
    gmp: (args, env) => {
      const child = spawn(process.execPath, [join(root, 'dist', 'cli.js'), ...args], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
    },
    pythonStarts: () => readFileSync(starts, 'utf8').split('\n').filter(Boolean).length,
  };
}
