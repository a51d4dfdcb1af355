import { describe, expect, it } from 'vitest';
import { freshnessOf } from './freshness.js';

describe('freshnessOf', () => {
  it('derives thresholds from how often an endpoint is refreshed: one missed refresh warns, three fail, never within a week', () => {
    expect(freshnessOf({ name: 'games', path: 'games', updatedFilter: 'updated' })).toEqual({
      warnAfterDays: 2,
      errorAfterDays: 7,
    });
    expect(freshnessOf({ name: 'games', path: 'games', updatedFilter: 'updated', refreshDays: 30 })).toEqual({
      warnAfterDays: 2,
      errorAfterDays: 7,
    });
    expect(freshnessOf({ name: 'tags', path: 'tags' })).toEqual({ warnAfterDays: 2, errorAfterDays: 7 });
    expect(freshnessOf({ name: 'publishers', path: 'publishers', refreshDays: 30 })).toEqual({
      warnAfterDays: 31,
      errorAfterDays: 90,
    });
  });

  it('keeps the thresholds endpoints.json gives', () => {
    expect(freshnessOf({ name: 'tags', path: 'tags', freshness: { warnAfterDays: 5, errorAfterDays: 6 } })).toEqual({
      warnAfterDays: 5,
      errorAfterDays: 6,
    });
  });
});
