import { describe, expect, it } from 'vitest';
import { describeLock } from './warehouse-lock.js';

describe('describeLock', () => {
  it("names the process holding the warehouse and what to do, from DuckDB's message", () => {
    // A PID no process has (above Linux's pid_max), so the name DuckDB gave is the one shown.
    const message =
      'IO Error: Could not set lock on file "/w/dev.duckdb": Conflicting lock is held in /usr/bin/python3.11 (PID 99999999) by user root. See also https://duckdb.org/docs';
    expect(describeLock(message)).toBe(
      'the warehouse /w/dev.duckdb is open in /usr/bin/python3.11 (PID 99999999): let it finish, or stop it (kill 99999999), then run gmp transform again',
    );
  });

  it('leaves any other message to the caller', () => {
    expect(describeLock('Catalog Error: Table with name x does not exist!')).toBeUndefined();
  });
});
