import { spawn } from 'node:child_process';
import { TransformError } from '../errors.js';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Each line of stdout and stderr, as it arrives. */
  onLine?: (line: string) => void;
}

export interface RunResult {
  exitCode: number;
  /** The last lines of output, for an error message. */
  tail: string[];
}

const TAIL_LINES = 40;

/** Runs a program to its end, streaming its output line by line. Never throws on a non-zero exit. */
export function runLines(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
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
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new TransformError(`${command} was not found: install it, or check PATH`)
          : new TransformError(`could not start ${command}: ${error.message}`),
      );
    });
    child.on('close', (code, signal) => resolvePromise({ exitCode: code ?? (signal ? 128 : 1), tail }));
  });
}
