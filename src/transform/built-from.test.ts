import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtFromPath, readBuiltFrom, recordBuiltFrom } from './built-from.js';

describe('readBuiltFrom: the lake an incremental dev build may add to', () => {
  let dir: string;
  let warehouse: string;
  const verdict = (failedTests: string[]) => ({ checkedAt: '2026-12-01T00:00:00.000Z', failedTests, skippedModels: [] });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gmp-built-from-'));
    warehouse = join(dir, 'game_market.duckdb');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is the recorded lake after a build whose tests passed', () => {
    recordBuiltFrom(warehouse, 'file:///lake', verdict([]));
    expect(readBuiltFrom(warehouse)).toBe('file:///lake');
  });

  it('is none after a build whose tests failed, or with no record', () => {
    expect(readBuiltFrom(warehouse)).toBeUndefined();
    recordBuiltFrom(warehouse, 'file:///lake', verdict(['unique_dim_games_game_id']));
    expect(readBuiltFrom(warehouse)).toBeUndefined();
  });

  it('is none for a warehouse recorded before the build stamps (no layout), so it is rebuilt whole', () => {
    writeFileSync(builtFromPath(warehouse), JSON.stringify({ lake: 'file:///lake', builtAt: '2026-11-30T00:00:00.000Z', verdict: verdict([]) }));
    expect(readBuiltFrom(warehouse)).toBeUndefined();
  });
});
