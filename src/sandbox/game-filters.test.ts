import { describe, expect, it } from 'vitest';
import { dayFromIso } from './dates.js';
import { mergeRanges, parseGamesFilter, parseRange } from './game-filters.js';

const day = (text: string) => dayFromIso(text)!;
const parse = (query: string) => parseGamesFilter(new URLSearchParams(query));

describe('games filters', () => {
  it('parses a range of two dates and refuses anything else', () => {
    expect(parseRange('2025-06-01,2025-06-03')).toEqual({ from: day('2025-06-01'), to: day('2025-06-03') });
    for (const bad of [
      '',
      '2025-06-01',
      '2025-06-01,',
      '2025-02-30,2025-03-01',
      '2025-06-01,2025-06-02,2025-06-03',
      '06/01/2025,06/02/2025',
    ]) {
      expect(parseRange(bad), bad).toBeUndefined();
    }
  });

  it('reads updated, dates with several ranges, both, or none', () => {
    expect(parse('key=k&page=2')).toEqual({ filter: undefined });
    expect(parse('updated=2025-06-14,2025-06-14')).toEqual({
      filter: { updated: { from: day('2025-06-14'), to: day('2025-06-14') } },
    });
    expect(parse('dates=2020-01-01,2020-12-31.2010-01-01,2010-12-31&updated=2025-01-01,2025-06-14')).toEqual({
      filter: {
        updated: { from: day('2025-01-01'), to: day('2025-06-14') },
        dates: [
          { from: day('2010-01-01'), to: day('2010-12-31') },
          { from: day('2020-01-01'), to: day('2020-12-31') },
        ],
      },
    });
  });

  it('answers one line naming the malformed filter', () => {
    for (const [query, name] of [
      ['updated=2025-06-14', 'updated'],
      ['updated=', 'updated'],
      ['dates=2020-01-01', 'dates'],
      ['dates=2020-01-01,2020-12-31.', 'dates'],
      ['dates=2020-01-01,2020-12-31;2021-01-01,2021-12-31', 'dates'],
      ['dates=2020-01-01,2020-12-31&updated=yesterday,today', 'updated'],
    ]) {
      const parsed = parse(query!);
      expect('error' in parsed && parsed.error, query).toMatch(new RegExp(`^${name}`));
    }
  });

  it('merges overlapping and adjacent ranges and drops reversed ones', () => {
    expect(
      mergeRanges([
        { from: 10, to: 20 },
        { from: 1, to: 3 },
        { from: 15, to: 30 },
        { from: 31, to: 31 },
        { from: 9, to: 5 },
      ]),
    ).toEqual([
      { from: 1, to: 3 },
      { from: 10, to: 31 },
    ]);
    expect(mergeRanges([{ from: 9, to: 5 }])).toEqual([]);
  });
});
