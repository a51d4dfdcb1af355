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
 * The program leads its own process group, so stopping it also stops its children (dbt's
 * threads hold the DuckDB file lock; a process left behind would block the next build).
 */
export function runLines(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    options.signal?.throwIfAborted();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const group = child.pid;
    const killGroup = (signal: NodeJS.Signals) => {
      if (group === undefined) return;
      try {
        process.kill(-group, signal);
      } catch {
        // ESRCH: the group has already gone.
      }
    };
    // Whatever ends this process (a second Ctrl-C exits at once), the group does not outlive it.
    const killOnExit = () => killGroup('SIGKILL');
    process.once('exit', killOnExit);
    let graceTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      killGroup('SIGTERM');
      graceTimer = setTimeout(() => killGroup('SIGKILL'), options.graceMs ?? DEFAULT_GRACE_MS);
    };
    options.signal?.addEventListener('abort', stop, { once: true });

    const tail: string[] = [];
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
    const emit = (line: string) => {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      options.onLine?.(line);
    };
    take(child.stdout);
    take(child.stderr);
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
