import { readFileSync } from 'node:fs';

/**
 * DuckDB's words when another process has the database file open, e.g. `Could not set lock on
 * file "/x/dev.duckdb": Conflicting lock is held in /usr/bin/python3.11 (PID 12690)`.
 */
const LOCK_HELD = /Could not set lock on file "([^"]+)": Conflicting lock is held in (.+?) \(PID (\d+)\)/;

/** One line naming the live process that holds the warehouse and what to do; undefined for any other message. */
export function describeLock(message: string): string | undefined {
  const found = LOCK_HELD.exec(message);
  if (!found) return undefined;
  const [, path, program, pid] = found;
  return `the warehouse ${path} is open in ${holder(Number(pid), program!)} (PID ${pid}): let it finish, or stop it (kill ${pid}), then run gmp transform again`;
}

/** The process as its command line names it (Linux), the dbt of a gmp transform by that name. */
function holder(pid: number, program: string): string {
  let command: string;
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return program;
  }
  if (command.includes('build_then_freshness.py')) return 'the dbt of another gmp transform';
  return command ? command.slice(0, 120) : program;
}
