import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TransformError } from '../errors.js';
import { runLines, type RunOptions } from './process.js';
import { dbtDir, venvDir } from '../paths.js';
import { duckdbExtensionDir } from './settings.js';

/** The files that define the venv: when any changes, the venv is brought up to date. */
const DEFINITION = ['requirements.txt', 'constraints.txt', 'scripts/install_httpfs.py'].map((name) =>
  join(dbtDir, name),
);
/** Written last, holding the definition's fingerprint: its presence means the venv is complete. */
const STAMP = join(venvDir, '.gmp-installed');

export const venvPython = join(venvDir, 'bin', 'python');
export const venvDbt = join(venvDir, 'bin', 'dbt');

export interface SetupProgress {
  message: string;
  done?: number;
  total?: number;
}

function fingerprint(): string {
  const hash = createHash('sha256');
  for (const path of DEFINITION) hash.update(readFileSync(path));
  return hash.digest('hex');
}

function venvIsReady(): boolean {
  try {
    return readFileSync(STAMP, 'utf8').trim() === fingerprint();
  } catch {
    return false;
  }
}

/**
 * Makes the project's Python venv for dbt, once: the pinned requirements (every transitive
 * package held by constraints.txt), then DuckDB's httpfs extension copied from its PyPI package.
 * Later calls return at once; a changed requirements file brings the venv up to date. `python`
 * makes the venv (GMP_PYTHON).
 */
export async function ensureVenv(
  onProgress: (progress: SetupProgress) => void = () => undefined,
  signal?: AbortSignal,
  python = 'python3',
): Promise<void> {
  if (venvIsReady()) return;
  onProgress({ message: `creating the dbt venv in ${venvDir} (once, about a minute)` });
  await mustSucceed('creating the venv', python, ['-m', 'venv', venvDir], { signal });

  const total = countPins();
  let collected = 0;
  onProgress({ message: 'installing dbt and DuckDB', done: 0, total });
  await mustSucceed(
    'installing dbt/requirements.txt',
    venvPython,
    [
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      '--no-input',
      '--progress-bar',
      'off',
      '-r',
      join(dbtDir, 'requirements.txt'),
      '-c',
      join(dbtDir, 'constraints.txt'),
    ],
    {
      signal,
      onLine: (line) => {
        const match = /^Collecting (\S+)/.exec(line);
        if (!match) return;
        collected += 1;
        onProgress({ message: `installing dbt and DuckDB: ${match[1]}`, done: Math.min(collected, total), total });
      },
    },
  );

  onProgress({ message: 'installing the httpfs extension from its PyPI package' });
  await mustSucceed(
    'installing httpfs',
    venvPython,
    [join(dbtDir, 'scripts', 'install_httpfs.py'), duckdbExtensionDir],
    { signal },
  );
  writeFileSync(STAMP, `${fingerprint()}\n`);
  onProgress({ message: 'dbt venv ready', done: total, total });
}

/** Packages in constraints.txt: what pip will collect. */
function countPins(): number {
  return readFileSync(join(dbtDir, 'constraints.txt'), 'utf8')
    .split('\n')
    .filter((line) => /^[A-Za-z0-9]/.test(line)).length;
}

async function mustSucceed(
  what: string,
  command: string,
  args: string[],
  options: Pick<RunOptions, 'onLine' | 'signal'>,
): Promise<void> {
  const result = await runLines(command, args, options);
  if (result.exitCode === 0) return;
  const reason =
    [...result.tail].reverse().find((line) => /error/i.test(line)) ?? result.tail.at(-1) ?? `exit ${result.exitCode}`;
  throw new TransformError(`${what} failed: ${reason.trim()} (rerun to retry; delete .venv to start over)`);
}
