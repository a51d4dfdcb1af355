import { lakeStatus } from '../ingest/status.js';
import type { ObjectStore } from '../lake/store.js';

/** A run of consecutive days, first and last included: `["2024-05-01", "2024-05-31"]`. */
export type DayRange = [string, string];

/**
 * The lake's closed partitions (complete, or capped: all the API serves of them is in), per endpoint and load, as runs of
 * days: a year of daily windows is one range, so the list stays short enough for dbt's --vars.
 */
export type LakePartitions = Record<string, Record<string, DayRange[]>>;

/** One listing of `raw/`; partitions still being written (an open backfill) are left out. */
export async function completePartitions(store: ObjectStore): Promise<LakePartitions> {
  const dates = new Map<string, Map<string, string[]>>();
  for (const status of await lakeStatus(store)) {
    if (!status.complete && !status.capped) continue;
    const loads = dates.get(status.endpoint) ?? new Map<string, string[]>();
    loads.set(status.load, [...(loads.get(status.load) ?? []), status.date]);
    dates.set(status.endpoint, loads);
  }
  const partitions: LakePartitions = {};
  for (const [endpoint, loads] of [...dates].sort(([a], [b]) => a.localeCompare(b))) {
    partitions[endpoint] = {};
    for (const [load, days] of [...loads].sort(([a], [b]) => a.localeCompare(b))) partitions[endpoint][load] = dayRanges(days);
  }
  return partitions;
}

/** Sorted, de-duplicated days folded into runs of consecutive days. */
export function dayRanges(days: readonly string[]): DayRange[] {
  const ranges: DayRange[] = [];
  for (const day of [...new Set(days)].sort()) {
    const last = ranges.at(-1);
    if (last && nextDay(last[1]) === day) last[1] = day;
    else ranges.push([day, day]);
  }
  return ranges;
}

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}
