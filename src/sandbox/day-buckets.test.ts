import { describe, expect, it } from 'vitest';
import { DayBuckets } from './day-buckets.js';

/** A toy catalogue: the game at position p is on day p % 10, except every 7th which has none (-1). */
const SIZE = 40;
const days = Int32Array.from({ length: SIZE }, (_, p) => (p % 7 === 6 ? -1 : p % 10));
const buckets = new DayBuckets(SIZE, days, 0, 9);
type Ranges = { from: number; to: number }[];
const all = (ranges: Ranges, games: number) => buckets.slice(ranges, games, 0, SIZE);

describe('day buckets', () => {
  it('lists the positions of the days in range, by day then position, and counts them', () => {
    expect(all([{ from: 3, to: 4 }], SIZE)).toEqual([3, 23, 33, 4, 14, 24]); // 13 and 34 have no day
    expect(buckets.count([{ from: 3, to: 4 }], SIZE)).toBe(6);
    expect(
      all(
        [
          { from: 0, to: 0 },
          { from: 9, to: 9 },
        ],
        SIZE,
      ),
    ).toEqual([0, 10, 30, 9, 19, 29, 39]);
  });

  it('hides positions at or above a smaller catalogue size', () => {
    expect(all([{ from: 3, to: 4 }], 24)).toEqual([3, 23, 4, 14]);
    expect(buckets.count([{ from: 3, to: 4 }], 24)).toBe(4);
    expect(buckets.count([{ from: 0, to: 9 }], 10)).toBe(9);
    expect(all([{ from: 0, to: 9 }], 0)).toEqual([]);
  });

  it('narrows to the positions whose other day is in other ranges', () => {
    // The other day of position p is p itself.
    const narrowing = {
      days: Int32Array.from({ length: SIZE }, (_, p) => p),
      ranges: [
        { from: 0, to: 9 },
        { from: 30, to: 35 },
      ],
    };
    expect(buckets.slice([{ from: 3, to: 4 }], SIZE, 0, SIZE, narrowing)).toEqual([3, 33, 4]);
    expect(buckets.count([{ from: 3, to: 4 }], SIZE, narrowing)).toBe(3);
    expect(buckets.count([{ from: 3, to: 4 }], 30, narrowing)).toBe(2);
  });

  it('slices any part of a listing, across days, with and without a narrowing', () => {
    const ranges = [{ from: 2, to: 5 }];
    const narrowing = { days: Int32Array.from({ length: SIZE }, (_, p) => p % 3), ranges: [{ from: 1, to: 2 }] };
    for (const games of [SIZE, 25]) {
      for (const narrow of [undefined, narrowing]) {
        const count = buckets.count(ranges, games, narrow);
        const full = buckets.slice(ranges, games, 0, SIZE, narrow);
        expect(full).toHaveLength(count);
        for (let start = 0; start <= count; start++) {
          for (let end = start; end <= count + 2; end++) {
            expect(buckets.slice(ranges, games, start, end, narrow), `${games} ${start}..${end}`).toEqual(
              full.slice(start, end),
            );
          }
        }
      }
    }
  });

  it('answers days outside its span, and reversed ranges, with nothing', () => {
    expect(all([{ from: 10, to: 20 }], SIZE)).toEqual([]);
    expect(all([{ from: -5, to: -1 }], SIZE)).toEqual([]);
    expect(all([{ from: 5, to: 4 }], SIZE)).toEqual([]);
    expect(all([{ from: -100, to: 100 }], SIZE)).toHaveLength(SIZE - 5);
  });
});
