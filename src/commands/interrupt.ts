import { GmpError } from '../errors.js';

type StopSignal = 'SIGINT' | 'SIGTERM';

/** The shell's convention: 128 plus the signal's number. */
const EXIT_CODES: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143 };

/** The run was stopped by Ctrl-C or a SIGTERM (`timeout`, `docker stop`, a CI cancel). */
export class InterruptedError extends GmpError {
  override readonly exitCode: number;
  /** `next`: what the next run does about the work this one left. */
  constructor(
    readonly signal: StopSignal,
    next = 'the next run resumes where this one stopped',
  ) {
    super(`interrupted by ${signal}: ${next}`);
    this.exitCode = EXIT_CODES[signal];
  }
}

let controller: AbortController | undefined;

/**
 * Aborted on the first SIGINT or SIGTERM, its reason an InterruptedError: the work in progress
 * stops cleanly and the command ends through its usual error path. A second signal exits at
 * once. The handlers are installed on the first call, so commands that never ask keep the
 * default behaviour of dying on a signal.
 */
export function interruptSignal(): AbortSignal {
  if (!controller) {
    const created = new AbortController();
    const onSignal = (signal: StopSignal) => {
      if (created.signal.aborted) process.exit(EXIT_CODES[signal]);
      created.abort(new InterruptedError(signal));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    controller = created;
  }
  return controller.signal;
}

/** The exit code an error ends the CLI with: 130/143 after a signal, 2 for usage, else 1. */
export function exitCodeOf(error: unknown): number {
  return error instanceof GmpError ? error.exitCode : 1;
}
