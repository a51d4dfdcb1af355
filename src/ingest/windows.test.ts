import { describe, expect, it } from 'vitest';
import { findEndpoint, loadEndpoints } from '../config/load.js';
import { addDays, dayNumber } from '../dates.js';
import { snapshotPartition, updatedPartition } from './partition.js';
import { snapshotWindow, splitWindow, WINDOW_FLOOR } from './windows.js';

const file = loadEndpoints();

describe('windows of a snapshot', () => {
  it('start from the floor to the snapshot date, only for a snapshot of an endpoint with an updated filter', () => {
    expect(snapshotWindow(snapshotPartition(findEndpoint(file, 'games'), '2026-11-30'))).toEqual({
      from: WINDOW_FLOOR,
      to: '2026-11-29',
    });
    expect(snapshotWindow(snapshotPartition(findEndpoint(file, 'genres'), '2026-11-30'))).toBeUndefined();
    expect(snapshotWindow(updatedPartition(findEndpoint(file, 'games'), '2026-11-30'))).toBeUndefined();
  });

  it('halve a range into two that cover it exactly, without overlap, down to single days', () => {
    const seen = new Set<number>();
    const leaves: { from: string; to: string }[] = [];
    const walk = (window: { from: string; to: string }) => {
      const halves = splitWindow(window);
      if (!halves) return leaves.push(window);
      const [a, b] = halves;
      expect(a.from).toBe(window.from);
      expect(b.to).toBe(window.to);
      expect(addDays(a.to, 1)).toBe(b.from);
      // Halves: neither side more than one day longer than the other.
      expect(Math.abs(dayNumber(a.to) - dayNumber(a.from) - (dayNumber(b.to) - dayNumber(b.from)))).toBeLessThanOrEqual(
        1,
      );
      halves.forEach(walk);
    };
    walk({ from: '2026-01-01', to: '2026-03-14' });
    for (const leaf of leaves) {
      expect(leaf.from).toBe(leaf.to);
      expect(seen.has(dayNumber(leaf.from))).toBe(false);
      seen.add(dayNumber(leaf.from));
    }
    expect(seen.size).toBe(dayNumber('2026-03-14') - dayNumber('2026-01-01') + 1);
  });

  it('cannot split a single day', () => {
    expect(splitWindow({ from: '2026-05-05', to: '2026-05-05' })).toBeUndefined();
    expect(splitWindow({ from: '2026-05-05', to: '2026-05-06' })).toEqual([
      { from: '2026-05-05', to: '2026-05-05' },
      { from: '2026-05-06', to: '2026-05-06' },
    ]);
  });
});
