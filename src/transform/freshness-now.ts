import type { EndpointFreshness, FreshnessStatus } from '../warehouse/verdict.js';

import { DAY_MS, startOfDay } from '../dates.js';

/**
 * The freshness verdict again at `now`, without dbt: for a check that found nothing new since the
 * last build, whose verdict names each endpoint's newest closed partition and thresholds (the
 * lake listing and the config are unchanged, so those are too). Only the clock moves: the age is
 * counted again from the partition's day, and the status follows dbt's rule for
 * `dbt source freshness` (older than `errorAfterDays` whole days is error, than `warnAfterDays`
 * warn). An endpoint without a closed partition stays an error.
 */
export function freshnessAt(recorded: readonly EndpointFreshness[], now: Date): EndpointFreshness[] {
  return recorded.map((endpoint) => {
    if (endpoint.newestDate === null) return { ...endpoint, ageDays: null, status: 'error' };
    const ageMs = now.getTime() - startOfDay(endpoint.newestDate);
    return { ...endpoint, ageDays: Math.floor(ageMs / DAY_MS), status: statusAt(ageMs, endpoint) };
  });
}

/** dbt's FreshnessThreshold: a threshold is passed when the age is strictly greater than it. */
function statusAt(ageMs: number, { warnAfterDays, errorAfterDays }: EndpointFreshness): FreshnessStatus {
  if (ageMs > errorAfterDays * DAY_MS) return 'error';
  if (ageMs > warnAfterDays * DAY_MS) return 'warn';
  return 'fresh';
}
