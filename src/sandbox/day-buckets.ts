/**
 * Positions of a catalogue sorted by a per-position day, then by position: a counting sort into
 * one Int32Array, so the games of a range of days are one contiguous run and counting them costs
 * two reads. Built for the first `size` positions; a smaller catalogue (positions >= games hidden)
 * is answered from the same index by cutting each day's run, which is sorted by position.
 */
import type { DayRange } from './game-filters.js';

/** A second condition on each position: its day in another per-position array lies in the ranges. */
export interface Narrowing {
  days: Int32Array;
  ranges: readonly DayRange[];
}

/** Offsets [start, end) into the sorted positions. */
interface Run {
  start: number;
  end: number;
}

export class DayBuckets {
  /** starts[d]..starts[d+1] hold the positions of day firstDay + d. */
  private readonly starts: Int32Array;
  private readonly positions: Int32Array;

  /** Positions whose day lies outside [firstDay, lastDay] are left out: they match no range. */
  constructor(
    readonly size: number,
    days: Int32Array,
    private readonly firstDay: number,
    private readonly lastDay: number,
  ) {
    const span = lastDay - firstDay + 1;
    const starts = new Int32Array(span + 1);
    for (let position = 0; position < size; position++) {
      const bucket = days[position]! - firstDay;
      if (bucket >= 0 && bucket < span) starts[bucket + 1]!++;
    }
    for (let bucket = 0; bucket < span; bucket++) starts[bucket + 1]! += starts[bucket]!;
    const positions = new Int32Array(starts[span]!);
    const next = starts.slice(0, span);
    for (let position = 0; position < size; position++) {
      const bucket = days[position]! - firstDay;
      if (bucket >= 0 && bucket < span) positions[next[bucket]!++] = position;
    }
    this.starts = starts;
    this.positions = positions;
  }

  /** How many positions below `games` have a day in the sorted, disjoint ranges (and pass `narrowing`). */
  count(ranges: readonly DayRange[], games: number, narrowing?: Narrowing): number {
    const runs = this.runs(ranges, games);
    if (!narrowing) return runs.reduce((sum, run) => sum + run.end - run.start, 0);
    // The hot loop of a probe on both days, written out: a call per position would double its time.
    const { positions } = this;
    const { days } = narrowing;
    let count = 0;
    for (const { from, to } of narrowing.ranges) {
      for (const run of runs) {
        for (let offset = run.start; offset < run.end; offset++) {
          const day = days[positions[offset]!]!;
          if (day >= from && day <= to) count++;
        }
      }
    }
    return count;
  }

  /** The same positions in (day, position) order: those at [start, end) of that listing. */
  slice(ranges: readonly DayRange[], games: number, start: number, end: number, narrowing?: Narrowing): number[] {
    const out: number[] = [];
    const passes = narrowing ? passesNarrowing(narrowing) : () => true;
    let skip = start;
    for (const run of this.runs(ranges, games)) {
      if (out.length >= end - start) break;
      // Without a narrowing, whole runs before `start` are skipped without reading them.
      if (!narrowing && skip >= run.end - run.start) {
        skip -= run.end - run.start;
        continue;
      }
      for (let offset = run.start; offset < run.end && out.length < end - start; offset++) {
        const position = this.positions[offset]!;
        if (!passes(position)) continue;
        if (skip > 0) skip--;
        else out.push(position);
      }
    }
    return out;
  }

  /** The offset of `position` (whose day is `day`) in the listing of the ranges, as `slice` orders it. */
  rank(ranges: readonly DayRange[], games: number, position: number, day: number): number {
    const bucket = day - this.firstDay;
    const at = this.firstAtOrAbove(this.starts[bucket]!, this.starts[bucket + 1]!, position);
    let before = 0;
    for (const run of this.runs(ranges, games)) {
      if (at >= run.start && at < run.end) return before + at - run.start;
      before += run.end - run.start;
    }
    throw new RangeError(`position ${position} is not in the listing`);
  }

  private runs(ranges: readonly DayRange[], games: number): Run[] {
    const runs: Run[] = [];
    for (const range of ranges) {
      const first = Math.max(range.from, this.firstDay) - this.firstDay;
      const last = Math.min(range.to, this.lastDay) - this.firstDay;
      if (first > last) continue;
      if (games >= this.size) {
        runs.push({ start: this.starts[first]!, end: this.starts[last + 1]! });
        continue;
      }
      for (let bucket = first; bucket <= last; bucket++) {
        const start = this.starts[bucket]!;
        const end = this.firstAtOrAbove(start, this.starts[bucket + 1]!, games);
        if (end > start) runs.push({ start, end });
      }
    }
    return runs;
  }

  /** The first offset in [low, high) whose position is >= limit (high when none is). */
  private firstAtOrAbove(low: number, high: number, limit: number): number {
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.positions[mid]! < limit) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

/** The narrowing as one test per position, its ranges flattened so the hot loop reads one array. */
function passesNarrowing({ days, ranges }: Narrowing): (position: number) => boolean {
  const bounds = Int32Array.from(ranges.flatMap((range) => [range.from, range.to]));
  return (position) => {
    const day = days[position]!;
    for (let i = 0; i < bounds.length; i += 2) if (day >= bounds[i]! && day <= bounds[i + 1]!) return true;
    return false;
  };
}
