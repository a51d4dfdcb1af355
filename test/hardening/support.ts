import { expect } from 'vitest';
import type { GmpResult } from '../support/gmp.js';

/** Looks like a real RAWG key, so a leak anywhere is found by a plain search. */
export const KEY = 'feedface0123456789abcdeffeedface';

/** The failure line: the one line on stderr that is not a JSON log event. It must match, and the key is nowhere. */
export function failureLine(result: GmpResult, code: number): string {
  expect(result.code, result.stderr).toBe(code);
  const lines = result.stderr
    .trim()
    .split('\n')
    .filter((line) => line && !line.startsWith('{'));
  expect(lines, result.stderr).toHaveLength(1);
  expect(result.stderr + result.stdout).not.toContain(KEY);
  return lines[0]!;
}
