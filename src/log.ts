import { pino, type Logger } from 'pino';

let logger: Logger | undefined;

/**
 * The one logger on stderr: off a terminal, everything a command says there is a JSON line
 * from it (events, banners, dbt's output), so a log collector never meets plain text.
 */
export function stderrLog(): Logger {
  logger ??= pino(
    { base: undefined, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: 2, sync: true }),
  );
  return logger;
}

/** A sentence for the user on stderr: plain text on a terminal, a JSON line (with `fields`) otherwise. */
export function notice(
  message: string,
  fields: Record<string, unknown> = {},
  interactive = Boolean(process.stderr.isTTY),
): void {
  if (interactive) process.stderr.write(`${message}\n`);
  else stderrLog().info(fields, message);
}
