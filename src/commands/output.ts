import { GmpError } from '../errors.js';
import { exitCodeOf } from './interrupt.js';

/**
 * Every failure ends in one line on stderr and a non-zero exit: 2 for usage, 1 for a failed run,
 * 128 plus the signal's number for a run stopped by a signal (130 for Ctrl-C).
 */
export function exitWithError(error: unknown): never {
  if (error instanceof GmpError) {
    process.stderr.write(`gmp: ${error.message}\n`);
    process.exit(exitCodeOf(error));
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`gmp: unexpected error: ${message.split('\n')[0]}\n`);
  if (process.env.GMP_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
}

export interface PipelineEnd {
  warehouse: string;
  report: string;
  dbtLog: string;
}

/** Where `gmp pipeline` put its results: two lines for a reader, or with --json one JSON line, last on stdout. */
export function printPipelineEnd(end: PipelineEnd, json: boolean): void {
  process.stdout.write(json ? `${JSON.stringify(end)}\n` : `Warehouse: ${end.warehouse}\nReport: ${end.report}\n`);
}
