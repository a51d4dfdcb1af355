/**
 * The `updated=A,B` filter of `/games`. Which positions fall in a window is decided from the cheap
 * per-position `updated` day alone (no game is built), and remembered per window, so paging
 * through a window of a 400,000-game catalogue scans it once.
 */
import { dayFromIso } from './dates.js';

export interface DayWindow {
  from: number;
  to: number;
}

/** "YYYY-MM-DD,YYYY-MM-DD" as day numbers, or undefined when malformed. */
export function parseUpdatedWindow(text: string): DayWindow | undefined {
  const parts = text.split(',');
  if (parts.length !== 2) return undefined;
  const from = dayFromIso(parts[0]!.trim());
  const to = dayFromIso(parts[1]!.trim());
  if (from === undefined || to === undefined) return undefined;
  return { from, to };
}

interface Matches {
  positions: Int32Array;
  length: number;
  /** Positions below this have been examined. */
  scanned: number;
}

/**
 * Memory for remembered windows (positions are 4 bytes): old windows are forgotten first, since a
 * backfill walks day by day and rarely asks for an old window again.
 */
const MAX_REMEMBERED_POSITIONS = 4_000_000;

export class UpdatedWindowIndex {
  private readonly windows = new Map<string, Matches>();

  /**
   * `dayOf` gives the `updated` day of the game at a position; every game's day lies within
   * [firstDay, lastDay], so windows outside it are empty without a scan.
   */
  constructor(
    private readonly dayOf: (position: number) => number,
    private readonly firstDay: number,
    private readonly lastDay: number,
  ) {}

  /** The matching positions among the first `games`, ascending (the unfiltered order). */
  matching(window: DayWindow, games: number): { count: number; at(index: number): number } {
    if (window.from > window.to || window.to < this.firstDay || window.from > this.lastDay || games === 0) {
      return { count: 0, at: () => -1 };
    }
    const key = `${window.from},${window.to}`;
    let matches = this.windows.get(key);
    if (matches) this.windows.delete(key); // re-inserted below: the Map's order is the recency order
    else matches = { positions: new Int32Array(256), length: 0, scanned: 0 };
    this.scan(matches, window, games);
    this.forgetOldWindows(MAX_REMEMBERED_POSITIONS - matches.positions.length);
    this.windows.set(key, matches);
    const { positions } = matches;
    return { count: countBelow(positions, matches.length, games), at: (index) => positions[index]! };
  }

  private forgetOldWindows(budget: number): void {
    let used = 0;
    for (const matches of this.windows.values()) used += matches.positions.length;
    for (const [key, matches] of this.windows) {
      if (used <= budget) break;
      this.windows.delete(key);
      used -= matches.positions.length;
    }
  }

  private scan(matches: Matches, window: DayWindow, games: number): void {
    for (let position = matches.scanned; position < games; position++) {
      const day = this.dayOf(position);
      if (day < window.from || day > window.to) continue;
      if (matches.length === matches.positions.length) {
        const grown = new Int32Array(matches.positions.length * 2);
        grown.set(matches.positions);
        matches.positions = grown;
      }
      matches.positions[matches.length++] = position;
    }
    matches.scanned = Math.max(matches.scanned, games);
  }
}

/** How many of the sorted positions are below `limit` (a shrunk catalogue hides the rest). */
function countBelow(positions: Int32Array, length: number, limit: number): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (positions[mid]! < limit) low = mid + 1;
    else high = mid;
  }
  return low;
}
