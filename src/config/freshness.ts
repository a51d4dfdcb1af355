import type { Endpoint, Freshness } from './schema.js';

/** How many days a snapshot of the endpoint serves daily mode before a new one is read (`refreshDays`, default 1). */
export const refreshDaysOf = (endpoint: Pick<Endpoint, 'refreshDays'>): number => endpoint.refreshDays ?? 1;

/**
 * An endpoint's freshness thresholds: its own from endpoints.json, else derived from how often
 * it is refreshed (a daily `updated` partition, or a snapshot every `refreshDays`). Missing one
 * refresh warns; the error comes after three refreshes, and never within a week.
 */
export function freshnessOf(endpoint: Endpoint): Freshness {
  if (endpoint.freshness) return endpoint.freshness;
  const refreshDays = endpoint.updatedFilter ? 1 : refreshDaysOf(endpoint);
  return { warnAfterDays: refreshDays + 1, errorAfterDays: Math.max(7, 3 * refreshDays) };
}
