import { TransformError } from '../errors.js';
import { runLines } from './process.js';
import { dbtDir, repoRoot, type DbtRunSettings } from './settings.js';
import { venvDbt } from './venv.js';

export interface DbtProgress {
  /** Nodes (models, tests, unit tests) finished so far, of `total`. */
  done: number;
  total: number;
  /** The line dbt printed for the node, e.g. "12 of 204 OK created sql table model main.dim_games". */
  message: string;
}

/** One line of `dbt --log-format json`. */
interface DbtLogLine {
  info?: { name?: string; level?: string; msg?: string };
  data?: { index?: number; total?: number };
}

/** Env variables whose values must never reach a message, whatever dbt echoes. */
const SECRET_ENV = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'SNOWFLAKE_PASSWORD', 'RAWG_API_KEY'];

const RESULT_EVENTS = new Set(['LogModelResult', 'LogTestResult', 'LogNodeResult', 'LogSnapshotResult', 'LogSeedResult']);

/**
 * Runs one dbt command (build, parse, ...) from the project venv against the dbt/ project.
 * Progress comes from dbt's JSON log; a failure becomes one TransformError line naming the first
 * error dbt reported.
 */
export async function runDbt(
  command: string,
  settings: DbtRunSettings,
  options: { extraArgs?: string[]; onProgress?: (progress: DbtProgress) => void } = {},
): Promise<void> {
  const args = [
    '--log-format', 'json', '--no-use-colors',
    command, '--project-dir', dbtDir, '--profiles-dir', dbtDir, '--target', settings.target, '--target-path', settings.targetPath,
    ...(options.extraArgs ?? []),
  ];
  let total = 0;
  let done = 0;
  // dbt reports a failure twice: a result line, then RunResultError with the reason.
  const reasons: string[] = [];
  const errors: string[] = [];
  const result = await runLines(venvDbt, args, {
    cwd: repoRoot,
    env: settings.env,
    onLine: (line) => {
      const event = parseLine(line);
      if (!event) return;
      const { info = {}, data = {} } = event;
      if (data.total) total = data.total;
      if (info.name && RESULT_EVENTS.has(info.name)) {
        done += 1;
        options.onProgress?.({ done, total: Math.max(total, done), message: firstLine(info.msg ?? '') });
      }
      if (info.name === 'RunResultError' && info.msg) reasons.push(info.msg);
      else if (info.level === 'error' && info.msg) errors.push(info.msg);
    },
  });
  if (result.exitCode === 0) return;
  const found = reasons.length ? reasons : errors;
  const detail = found.length ? describeError(found[0]!) : lastWords(result.tail);
  const more = found.length > 1 ? ` (+${found.length - 1} more)` : '';
  throw new TransformError(redact(`dbt ${command} --target ${settings.target} failed: ${detail}${more}; details in dbt/logs/dbt.log`, settings.env));
}

function parseLine(line: string): DbtLogLine | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as DbtLogLine;
  } catch {
    return undefined;
  }
}

/** "Database Error in model x (path)" and the reason on the line after it, as one line. */
function describeError(message: string): string {
  const missing = /No files found that match the pattern "(.*?)\/raw\/([a-z0-9_]+)\//.exec(message);
  if (missing) return `the lake at ${missing[1]} has no pages of endpoint ${missing[2]}: run gmp ingest for it first`;
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.slice(0, 2).join(': ').slice(0, 400);
}

/** "12 of 204 OK created sql table model main.dim_games ..... [OK in 0.2s]" -> "OK created ... dim_games" */
function firstLine(text: string): string {
  return text
    .split('\n')[0]!
    .replace(/^\d+ of \d+ /, '')
    .replace(/\s*\.{2,}.*$/, '')
    .replace(/\s*\[[^\]]*\]\s*$/, '')
    .trim();
}

/** Without a JSON error event (dbt crashed before logging), the last non-empty output line. */
function lastWords(tail: string[]): string {
  const line = [...tail].reverse().find((text) => text.trim());
  return line ? line.trim().slice(0, 400) : 'no output';
}

function redact(text: string, env: NodeJS.ProcessEnv): string {
  let clean = text;
  for (const name of SECRET_ENV) {
    const value = env[name];
    if (value && value.length >= 4) clean = clean.split(value).join('***');
  }
  return clean;
}
