import { describe, expect, it } from 'vitest';
import type { EndpointFreshness } from '../warehouse/verdict.js';
import { freshnessAt } from './freshness-now.js';

const games: EndpointFreshness = {
  endpoint: 'games',
  newestDate: '2026-12-05',
  ageDays: 1,
  status: 'fresh',
  warnAfterDays: 2,
  errorAfterDays: 7,
};

describe('freshnessAt: the last verdict aged to now, by dbt source freshness rule', () => {
  it('counts the age again from the newest partition: fresh yesterday, stale days later', () => {
    expect(freshnessAt([games], new Date('2026-12-06T12:00:00Z'))).toEqual([{ ...games, ageDays: 1, status: 'fresh' }]);
    expect(freshnessAt([games], new Date('2026-12-08T12:00:00Z'))).toEqual([{ ...games, ageDays: 3, status: 'warn' }]);
    expect(freshnessAt([games], new Date('2026-12-13T00:00:01Z'))).toEqual([{ ...games, ageDays: 8, status: 'error' }]);
  });

  it('passes a threshold only once the age is past it, as dbt does', () => {
    expect(freshnessAt([games], new Date('2026-12-07T00:00:00Z'))[0]).toMatchObject({ ageDays: 2, status: 'fresh' });
    expect(freshnessAt([games], new Date('2026-12-07T00:00:01Z'))[0]).toMatchObject({ ageDays: 2, status: 'warn' });
  });

  it('keeps an endpoint with no closed partition an error, with no age', () => {
    const none: EndpointFreshness = { ...games, endpoint: 'tags', newestDate: null, ageDays: null, status: 'error' };
    expect(freshnessAt([none], new Date('2026-12-06T00:00:00Z'))).toEqual([none]);
  });
});
