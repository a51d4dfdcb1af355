import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TransformError } from '../errors.js';
import { Redactor } from '../source/redact.js';
import { runLines } from './process.js';
import { dbtDir, repoRoot } from '../paths.js';
import type { DbtRunSettings } from './settings.js';
import { venvPython } from './venv.js';
import { describeLock } from './warehouse-lock.js';

export interface DbtEvent {
  /** dbt's event name, e.g. LogModelResult; `output` for a line dbt did not print as JSON. */
  name: string;
  level: DbtLevel;
  /** What dbt said, e.g. "OK created sql table model main.dim_games"; failures in full. */
  message: string;
  /**
   * On a node's result (model, test, unit test): nodes finished so far, of `total`, and the
   * result in short, e.g. "OK created sql table model main.dim_games".
   */
  node?: { done: number; total: number; summary: string };
}

export type DbtLevel = 'debug' | 'info' | 'warn' | 'error';

export interface DbtRun {
  /** This run's dbt output as text, one line per event: what dbt would have printed. */
  logPath: string;
}

/** One line of `dbt --log-format json`. */
interface DbtLogLine {
  info?: { name?: string; level?: string; msg?: string; ts?: string };
  data?: { index?: number; total?: number };
}

const RESULT_EVENTS = new Set([
  'LogModelResult',
  'LogTestResult',
  'LogNodeResult',
  'LogSnapshotResult',
  'LogSeedResult',
]);
const LEVELS = new Set<string>(['debug', 'info', 'warn', 'error']);

/** The text log of a dbt command, in the folder of its compiled files. */
export function dbtLogPath(command: string, settings: DbtRunSettings): string {
  return join(settings.targetPath, `dbt-${command.replaceAll(' ', '-')}.log`);
}

/** What every dbt command is given: JSON logs, the dbt/ project, the target and its folder. */
function globalArgs(): string[] {
  return ['--log-format', 'json', '--no-use-colors'];
}
function projectArgs(settings: DbtRunSettings): string[] {
  return [
    '--project-dir',
    dbtDir,
    '--profiles-dir',
    dbtDir,
    '--target',
    settings.target,
    '--target-path',
    settings.targetPath,
  ];
}

export interface DbtOptions {
  onEvent?: (event: DbtEvent) => void;
  signal?: AbortSignal;
}

/**
 * `dbt build` with `args`, then `dbt source freshness` with `freshnessArgs` (unless undefined),
 * in one dbt process from the project venv that parses the dbt/ project once
 * (dbt/scripts/build_then_freshness.py). Every event of dbt's JSON log goes to `onEvent` and, as
 * text, to the build's log file. A failed build becomes one TransformError line naming the first
 * error dbt reported; the freshness verdict is left in sources.json. Aborting `signal` stops dbt
 * and its children before the promise rejects with the signal's reason.
 */
export function runDbtBuildThenFreshness(
  settings: DbtRunSettings,
  args: string[],
  freshnessArgs: string[] | undefined,
  options: DbtOptions = {},
): Promise<DbtRun> {
  const invocation = {
    global: globalArgs(),
    project: projectArgs(settings),
    build: args,
    freshness: freshnessArgs ?? null,
  };
  return runDbtProcess('build', venvPython, [buildThenFreshnessScript, JSON.stringify(invocation)], settings, options);
}

const buildThenFreshnessScript = join(dbtDir, 'scripts', 'build_then_freshness.py');

async function runDbtProcess(
  command: string,
  program: string,
  args: string[],
  settings: DbtRunSettings,
  options: DbtOptions,
): Promise<DbtRun> {
  const logPath = dbtLogPath(command, settings);
  const logLines: string[] = [];
  let total = 0;
  let done = 0;
  const reasons = new FailureReasons();
  const onLine = (line: string) => {
    const parsed = parseLine(line);
    const event = toEvent(line, parsed);
    if (!event) return;
    const { info = {}, data = {} } = parsed ?? {};
    if (data.total) total = data.total;
    if (RESULT_EVENTS.has(event.name)) {
      done += 1;
      event.node = { done, total: Math.max(total, done), summary: redact(firstLine(event.message), settings.env) };
    }
    reasons.see(info);
    event.message = redact(event.message, settings.env);
    logLines.push(`${new Date().toISOString()} ${event.level.padEnd(5)} ${event.message}`);
    options.onEvent?.(event);
  };
  let result: Awaited<ReturnType<typeof runLines>>;
  try {
    result = await runLines(program, args, {
      cwd: repoRoot,
      env: settings.env,
      onLine,
      signal: options.signal,
      lifeline: true,
    });
  } finally {
    writeLog(logPath, logLines);
  }
  if (result.exitCode === 0) return { logPath };
  const found = reasons.found;
  // Another live process has the warehouse open: that, and nothing else, is the one line.
  const locked = describeLock([...found, ...result.tail].join('\n'));
  if (locked) throw new TransformError(redact(locked, settings.env));
  const detail = found.length ? describeError(found[0]!, settings) : lastWords(result.tail);
  const more = found.length > 1 ? ` (+${found.length - 1} more)` : '';
  throw new TransformError(
    redact(`dbt ${command} --target ${settings.target} failed: ${detail}${more}; details in ${logPath}`, settings.env),
  );
}

/**
 * Why a dbt run failed, as dbt said it: each failure it summed up (RunResultFailure: what failed,
 * then RunResultError: why) or, lacking those, its error lines. Stale sources, once the freshness
 * check started, are the verdict's to report (from sources.json), not reasons the build failed.
 */
class FailureReasons {
  readonly #reasons: string[] = [];
  readonly #errors: string[] = [];
  #openFailure = false;
  #checkingFreshness = false;

  see(info: NonNullable<DbtLogLine['info']>): void {
    if (info.name === 'LogFreshnessResult') this.#checkingFreshness = true;
    if (this.#checkingFreshness || !info.msg) return;
    if (info.name === 'RunResultFailure') {
      this.#reasons.push(info.msg);
      this.#openFailure = true;
    } else if (info.name === 'RunResultError') {
      if (this.#openFailure) this.#reasons.push(`${this.#reasons.pop()}\n${info.msg}`);
      else this.#reasons.push(info.msg);
      this.#openFailure = false;
    } else if (info.level === 'error') {
      this.#errors.push(info.msg);
    }
  }

  get found(): string[] {
    return this.#reasons.length ? this.#reasons : this.#errors;
  }
}

/** A line of dbt's output as an event; blank lines are none. */
function toEvent(line: string, parsed: DbtLogLine | undefined): DbtEvent | undefined {
  if (parsed?.info) {
    const level = LEVELS.has(parsed.info.level ?? '') ? (parsed.info.level as DbtLevel) : 'info';
    return { name: parsed.info.name ?? 'unnamed', level, message: parsed.info.msg ?? '' };
  }
  if (!line.trim()) return undefined;
  // Python warnings and tracebacks bypass dbt's logger.
  return { name: 'output', level: /error|traceback/i.test(line) ? 'error' : 'info', message: line };
}

function writeLog(path: string, lines: string[]): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, lines.length ? `${lines.join('\n')}\n` : '');
  } catch {
    // The log is a convenience: a build must not fail because its log could not be written.
  }
}

function parseLine(line: string): DbtLogLine | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as DbtLogLine;
  } catch {
    return undefined;
  }
}

/**
 * "Database Error in model x (path)" and the reason on the line after it, as one line; the lake
 * problems a user meets first get a sentence that says what to do.
 */
function describeError(message: string, settings: DbtRunSettings): string {
  if (/Failure in test has_rows_stg_games/.test(message)) {
    return `the lake at ${settings.env.LAKE_URL} holds no games pages: run gmp ingest (or gmp pipeline) first`;
  }
  const refused = /HTTP GET error reading '(s3:\/\/[^/']+)[^']*'.*\(HTTP (403|404)/.exec(message);
  if (refused?.[2] === '403')
    return `the S3 lake ${refused[1]} refused the credentials (HTTP 403): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`;
  if (refused?.[2] === '404')
    return `the S3 lake's bucket ${refused[1]} does not exist (HTTP 404): check LAKE_URL and S3_ENDPOINT`;
  const [head = '', ...rest] = message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  // The lines after the first repeat what failed ("Runtime Error in model x") before saying why.
  const reason = rest.find(
    (line) => !/ in (model|test|unit_test|seed|snapshot) /.test(line) && !line.startsWith('compiled code at'),
  );
  return [head, reason].filter(Boolean).join(': ').slice(0, 400);
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

/** dbt's messages pass through the CLI's one redaction, with the secrets dbt's environment holds. */
const redactors = new WeakMap<NodeJS.ProcessEnv, Redactor>();
function redact(text: string, env: NodeJS.ProcessEnv): string {
  let redactor = redactors.get(env);
  if (!redactor) redactors.set(env, (redactor = Redactor.fromEnv(env)));
  return redactor.text(text);
}
