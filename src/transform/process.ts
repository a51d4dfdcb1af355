import { spawn } from 'node:child_process';
import { TransformError } from '../errors.js';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Each line of stdout and stderr, as it arrives. */
  onLine?: (line: string) => void;
  /**
   * Stops the program and everything it started: SIGTERM to its process group, SIGKILL after
   * `graceMs`. The promise then rejects with the signal's reason once the program has exited.
   */
  signal?: AbortSignal;
  graceMs?: number;
  /**
   * Hands the program fd 3 (named by GMP_LIFELINE_FD), a pipe this process never writes to: the
   * kernel closes it when this process ends, however it ends, SIGKILL included. A program that
   * watches it (dbt/scripts/lifeline.py) then ends with everything it started.
   */
  lifeline?: boolean;
}

export interface RunResult {
  exitCode: number;
  /** The last lines of output, for an error message. */
  tail: string[];
}

const TAIL_LINES = 40;
const DEFAULT_GRACE_MS = 5_000;

/**
 * Runs a program to its end, streaming its output line by line. Never throws on a non-zero exit.
 * The program leads its own session, so a Ctrl-C at the terminal reaches this process alone,
 * which stops the program in order, and stopping its process group also stops its children
 * (dbt's threads hold the DuckDB file lock; a process left behind would block the next build).
 * Should this process be killed outright, `lifeline` lets the program end itself.
 */
export function runLines(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    options.signal?.throwIfAborted();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.lifeline ? { ...(options.env ?? process.env), GMP_LIFELINE_FD: '3' } : options.env,
      stdio: options.lifeline ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    // Read, so that its end is seen when the program exits and 'close' comes; nothing is sent on it.
    (child.stdio[3] as NodeJS.ReadableStream | undefined)?.resume();
    const killGroup = groupKiller(child.pid);
    // Whatever ends this process (a second Ctrl-C exits at once), the group does not outlive it.
    const killOnExit = () => killGroup('SIGKILL');
    process.once('exit', killOnExit);
    let graceTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      killGroup('SIGTERM');
      graceTimer = setTimeout(() => killGroup('SIGKILL'), options.graceMs ?? DEFAULT_GRACE_MS);
    };
    options.signal?.addEventListener('abort', stop, { once: true });

    const { tail, take } = lineReader(options.onLine);
    take(child.stdout!);
    take(child.stderr!);
    const settle = () => {
      clearTimeout(graceTimer);
      options.signal?.removeEventListener('abort', stop);
      process.off('exit', killOnExit);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      settle();
      reject(
        error.code === 'ENOENT'
          ? new TransformError(`${command} was not found: install it, or check PATH`)
          : new TransformError(`could not start ${command}: ${error.message}`),
      );
    });
    child.on('close', (code, signal) => {
      settle();
      if (options.signal?.aborted) {
        // The leader has gone; anything it started and left must go too.
        killGroup('SIGKILL');
        reject(options.signal.reason);
        return;
      }
      resolvePromise({ exitCode: code ?? (signal ? 128 : 1), tail });
    });
  });
}

/** Signals a detached program's whole process group; a group that has already gone is no error. */
function groupKiller(group: number | undefined): (signal: NodeJS.Signals) => void {
  return (signal) => {
    if (group === undefined) return;
    try {
      process.kill(-group, signal);
    } catch {
      // ESRCH: the group has already gone.
    }
  };
}

/** Reads streams line by line, passing each line on and keeping the last TAIL_LINES for errors. */
function lineReader(onLine: ((line: string) => void) | undefined) {
  const tail: string[] = [];
  const emit = (line: string) => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
    onLine?.(line);
  };
  const take = (stream: NodeJS.ReadableStream) => {
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? '';
      lines.forEach(emit);
    });
    stream.on('end', () => {
      if (pending) emit(pending);
      pending = '';
    });
  };
  return { tail, take };
}
