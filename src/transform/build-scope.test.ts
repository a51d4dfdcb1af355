import { describe, expect, it } from 'vitest';
import { changedEndpoints, scopeBuild, type ScopeInputs } from './build-scope.js';
import { WAREHOUSE_LAYOUT, type BuildRecord } from '../warehouse/build-record.js';
import type { LakePartitions } from '../lake/partitions.js';

const LAKE = 'file:///lake';
const listing: LakePartitions = {
  games: { snapshot: [['2026-12-01', '2026-12-01']], updated: [['2026-11-30', '2026-12-05']] },
  tags: { snapshot: [['2026-12-01', '2026-12-01']] },
};
const verdict = { checkedAt: '2026-12-06T01:00:00.000Z', failedTests: [] as string[], skippedModels: [] as string[] };
const record: BuildRecord = {
  lake: LAKE,
  layout: WAREHOUSE_LAYOUT,
  builtAt: '2026-12-06T01:00:00.000Z',
  verdict,
  inputs: 'fingerprint',
  partitions: listing,
};

function plan(overrides: Partial<ScopeInputs> = {}) {
  return scopeBuild({
    record,
    lake: LAKE,
    inputs: 'fingerprint',
    partitions: listing,
    endpoints: ['games', 'tags', 'genres'],
    fullRefresh: false,
    ...overrides,
  });
}

describe('scopeBuild: build or skip, and how much', () => {
  it('builds nothing when the listing, the project and the config are what the last build saw', () => {
    expect(plan()).toEqual({ build: 'none', last: record });
  });

  it('builds what depends on the endpoints with new partitions, and the lake listing', () => {
    const next = {
      ...listing,
      tags: {
        snapshot: [
          ['2026-12-01', '2026-12-01'],
          ['2026-12-06', '2026-12-06'],
        ] as [string, string][],
      },
    };
    expect(plan({ partitions: next })).toEqual({
      build: 'some',
      endpoints: ['tags'],
      select: ['source:lake.tags+', 'lake_partitions'],
    });
    const firstOfGenres = { ...listing, genres: { snapshot: [['2026-12-06', '2026-12-06']] as [string, string][] } };
    expect(plan({ partitions: firstOfGenres })).toMatchObject({ build: 'some', endpoints: ['genres'] });
  });

  it('selects no source of an endpoint the config does not name, only the listing', () => {
    const stray = { ...listing, creators: { snapshot: [['2026-12-06', '2026-12-06']] as [string, string][] } };
    expect(plan({ partitions: stray })).toEqual({ build: 'some', endpoints: [], select: ['lake_partitions'] });
  });

  it('builds every model when the project, the config or the settings changed, or the record predates the fingerprint', () => {
    expect(plan({ inputs: 'another' })).toMatchObject({
      build: 'all',
      fullRefresh: false,
      reason: expect.stringContaining('changed'),
    });
    const { inputs: _inputs, partitions: _partitions, ...older } = record;
    expect(plan({ record: older })).toMatchObject({ build: 'all', fullRefresh: false });
  });

  it('rebuilds whole with --full-refresh, with no record, from another lake, another layout, or after failed tests', () => {
    const whole = { build: 'all', fullRefresh: true };
    expect(plan({ fullRefresh: true })).toEqual(whole);
    expect(plan({ record: undefined })).toEqual(whole);
    expect(plan({ lake: 'file:///other' })).toEqual(whole);
    expect(plan({ record: { ...record, layout: 1 } })).toEqual(whole);
    expect(plan({ record: { ...record, verdict: { ...verdict, failedTests: ['unique_dim_games_game_id'] } } })).toEqual(
      whole,
    );
  });
});

describe('changedEndpoints', () => {
  it('names endpoints whose partitions were added, removed or appeared, sorted', () => {
    const now: LakePartitions = {
      games: { snapshot: [['2026-12-01', '2026-12-01']] },
      stores: { snapshot: [['2026-12-02', '2026-12-02']] },
    };
    expect(changedEndpoints(listing, now)).toEqual(['games', 'stores', 'tags']);
    expect(changedEndpoints(listing, structuredClone(listing))).toEqual([]);
  });
});
