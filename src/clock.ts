import { readFileSync } from 'node:fs';
import { ConfigError } from './errors.js';

/**
 * The time the ledger (which month a request is charged to), leases and the sandbox's counts
 * read. `GMP_CLOCK_FILE` names a file holding an ISO instant: the clock then stands at that
 * instant, re-read on every call, so a test can move every process across a month end at a
 * moment it chooses. Unset, it is the system clock.
 */
export function now(): Date {
  const file = process.env.GMP_CLOCK_FILE;
  if (!file) return new Date();
  const time = new Date(readFileSync(file, 'utf8').trim());
  if (Number.isNaN(time.getTime())) throw new ConfigError(`GMP_CLOCK_FILE ${file} holds no ISO time`);
  return time;
}
