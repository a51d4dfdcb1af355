import { describe, expect, it } from 'vitest';
import { freshnessFromResults } from './freshness.js';

const criteria = { warn_after: { count: 2 }, error_after: { count: 7 } };

describe('freshnessFromResults', () => {
  it("reads an endpoint without a closed partition as having no date, not as dbt's year 1", () => {
    // What dbt source freshness writes for an empty lake_freshness table.
    const [never, fresh] = freshnessFromResults([
      {
        unique_id: 'source.game_market.lake_freshness.tags',
        status: 'error',
        max_loaded_at: '0001-01-01T00:00:00+00:00',
        max_loaded_at_time_ago_in_s: 63_930_000_000,
        criteria,
      },
      {
        unique_id: 'source.game_market.lake_freshness.zgames',
        status: 'pass',
        max_loaded_at: '2026-12-06T00:00:00+00:00',
        max_loaded_at_time_ago_in_s: 90_000,
        criteria,
      },
    ]);
    expect(never).toEqual({
      endpoint: 'tags',
      newestDate: null,
      ageDays: null,
      status: 'error',
      warnAfterDays: 2,
      errorAfterDays: 7,
    });
    expect(fresh).toMatchObject({ newestDate: '2026-12-06', ageDays: 1, status: 'fresh' });
  });
});
