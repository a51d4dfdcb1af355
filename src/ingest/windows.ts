/**
 * How a snapshot too deep for the API is cut into windows: by the day of `updated`, which every
 * game has (a release date does not), halving a range until each half fits under the depth cap.
 * The windows end the day before the snapshot's date: the games of that day (and every game
 * edited or added while the snapshot is read) are the `updated` partitions' from that date on.
 * So every window is a past listing, which only loses items while it is read (reconcile.ts).
 * The halves of a range cover it exactly, so at planning time every game is in one window.
 */
import { addDays, dayNumber } from '../dates.js';
import type { Window } from '../lake/layout.js';
import type { Partition } from './partition.js';

/** Older than any `updated` stamp the API has: the first window starts here. */
export const WINDOW_FLOOR = '1970-01-01';

/** The window a snapshot starts as, when its endpoint can be read in windows. */
export function snapshotWindow(partition: Partition): Window | undefined {
  if (partition.load !== 'snapshot' || !partition.endpoint.updatedFilter) return undefined;
  return { from: WINDOW_FLOOR, to: addDays(partition.date, -1) };
}

/** The two halves of a window; undefined for a single day, which cannot be split further. */
export function splitWindow(window: Window): [Window, Window] | undefined {
  const days = dayNumber(window.to) - dayNumber(window.from);
  if (days <= 0) return undefined;
  const middle = addDays(window.from, Math.floor(days / 2));
  return [
    { from: window.from, to: middle },
    { from: addDays(middle, 1), to: window.to },
  ];
}
