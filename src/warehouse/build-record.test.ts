import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtFromPath, incrementalBase, readBuildRecord, recordBuiltFrom } from './build-record.js';

describe('the build record: what an incremental dev build may add to', () => {
  let dir: string;
  let warehouse: string;
  const verdict = (failedTests: string[]) => ({
    checkedAt: '2026-12-01T00:00:00.000Z',
    failedTests,
    skippedModels: [],
  });
  const base = () => {
    const record = readBuildRecord(warehouse);
    return record && incrementalBase(record) ? record.lake : undefined;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gmp-built-from-'));
    warehouse = join(dir, 'game_market.duckdb');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is the recorded lake after a build whose tests passed', () => {
    recordBuiltFrom(warehouse, 'file:///lake', verdict([]));
    expect(base()).toBe('file:///lake');
  });

  it('is none after a build whose tests failed, or with no record', () => {
    expect(base()).toBeUndefined();
    recordBuiltFrom(warehouse, 'file:///lake', verdict(['unique_dim_games_game_id']));
    expect(base()).toBeUndefined();
  });

  it('is none for a warehouse recorded before the build stamps (no layout), so it is rebuilt whole', () => {
    writeFileSync(
      builtFromPath(warehouse),
      JSON.stringify({ lake: 'file:///lake', builtAt: '2026-11-30T00:00:00.000Z', verdict: verdict([]) }),
    );
    expect(base()).toBeUndefined();
  });

  it('keeps what the build saw, and the time of the build when a later check rewrites the verdict', () => {
    const saw = {
      inputs: 'abc',
      partitions: { games: { snapshot: [['2026-12-01', '2026-12-01']] as [string, string][] } },
    };
    recordBuiltFrom(warehouse, 'file:///lake', verdict([]), saw, '2026-12-01T05:00:00.000Z');
    expect(readBuildRecord(warehouse)).toMatchObject({
      ...saw,
      builtAt: '2026-12-01T05:00:00.000Z',
      verdict: verdict([]),
    });
  });
});
