import { describe, expect, it } from 'vitest';
import { dayFromIso } from './dates.js';
import { parseUpdatedWindow, UpdatedWindowIndex } from './updated-window.js';

/** A toy catalogue: the game at position p was updated on day p % 10. */
const dayOf = (position: number) => position % 10;
const positions = (index: UpdatedWindowIndex, from: number, to: number, games: number) => {
  const matches = index.matching({ from, to }, games);
  return Array.from({ length: matches.count }, (_, i) => matches.at(i));
};

describe('updated window filter', () => {
  it('parses two dates and refuses anything else', () => {
    expect(parseUpdatedWindow('2025-06-01,2025-06-03')).toEqual({ from: dayFromIso('2025-06-01'), to: dayFromIso('2025-06-03') });
    for (const bad of ['', '2025-06-01', '2025-06-01,', '2025-02-30,2025-03-01', '2025-06-01,2025-06-02,2025-06-03', '06/01/2025,06/02/2025']) {
      expect(parseUpdatedWindow(bad), bad).toBeUndefined();
    }
  });

  it('finds the matching positions in order, as the catalogue grows and shrinks', () => {
    const index = new UpdatedWindowIndex(dayOf, 0, 9);
    expect(positions(index, 3, 4, 25)).toEqual([3, 4, 13, 14, 23, 24]);
    expect(positions(index, 3, 4, 40)).toEqual([3, 4, 13, 14, 23, 24, 33, 34]); // grown: only the new tail is scanned
    expect(positions(index, 3, 4, 14)).toEqual([3, 4, 13]); // shrunk: the tail is hidden
    expect(positions(index, 3, 4, 40)).toHaveLength(8);
  });

  it('answers windows outside the possible days, or reversed, with nothing', () => {
    const index = new UpdatedWindowIndex(dayOf, 0, 9);
    expect(positions(index, 10, 20, 100)).toEqual([]);
    expect(positions(index, 5, 4, 100)).toEqual([]);
    expect(positions(index, 0, 9, 0)).toEqual([]);
  });
});
