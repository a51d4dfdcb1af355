import { GmpError } from '../errors.js';

/**
 * The signals that stop a command cleanly, with the shell's exit code for each (128 plus the
 * signal's number): Ctrl-C, SIGTERM (`timeout`, `docker stop`, a CI cancel), SIGHUP (a closed
 * terminal, a dropped SSH session) and SIGQUIT (Ctrl-\).
 */
const EXIT_CODES = { SIGHUP: 129, SIGINT: 130, SIGQUIT: 131, SIGTERM: 143 } as const;

export type StopSignal = keyof typeof EXIT_CODES;

/** The run was stopped by one of the stop signals. */
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
 * Aborted on the first stop signal, its reason an InterruptedError: the work in progress
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
    for (const signal of Object.keys(EXIT_CODES) as StopSignal[]) process.on(signal, onSignal);
    controller = created;
  }
  return controller.signal;
}

/** The exit code an error ends the CLI with: 128 plus the signal's number after a signal, 2 for usage, else 1. */
export function exitCodeOf(error: unknown): number {
  return error instanceof GmpError ? error.exitCode : 1;
}
