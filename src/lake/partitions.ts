import { addDays } from '../dates.js';
import { lakeStatus, type PartitionStatus } from './status.js';
import { COMPACT_PREFIX, parseCompactSuccessKey, partitionId } from './layout.js';
import type { ObjectStore } from './store.js';

/** A run of consecutive days, first and last included: `["2024-05-01", "2024-05-31"]`. */
export type DayRange = [string, string];

/**
 * Partitions per endpoint and load, as runs of days: a year of daily windows is one range, so
 * the list stays short enough for dbt's --vars.
 */
export type LakePartitions = Record<string, Record<string, DayRange[]>>;

/** What a build may read: the closed partitions, and which of them have compacted parts to read instead of pages. */
export interface ReadablePartitions {
  /** Closed partitions (complete, or capped: all the API serves of them is in). */
  closed: LakePartitions;
  /** The closed partitions whose compaction marker is written. */
  compacted: LakePartitions;
  /** The complete ones (not capped): only a complete snapshot proves a game is gone (dim_games.is_deleted). */
  complete: LakePartitions;
}

/**
 * The partitions that will not change any more: complete, or capped. A partition still being
 * written (an open backfill, a window whose day is not over) is left out, of builds and of
 * compaction alike.
 */
export async function closedPartitions(store: ObjectStore): Promise<PartitionStatus[]> {
  return (await lakeStatus(store)).filter((status) => status.complete || status.capped);
}

/** The ids (`games/snapshot/2026-12-01`) of the partitions whose compaction is finished, from one listing of `compact/`. */
export async function compactedPartitionIds(store: ObjectStore): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const key of await store.list(COMPACT_PREFIX)) {
    const marker = parseCompactSuccessKey(key);
    if (marker) ids.add(partitionId(marker.endpoint, marker.load, marker.date));
  }
  return ids;
}

/** One listing of `raw/` and one of `compact/`: the closed partitions, and the compacted ones among them. */
export async function readablePartitions(store: ObjectStore): Promise<ReadablePartitions> {
  const [closed, compacted] = await Promise.all([closedPartitions(store), compactedPartitionIds(store)]);
  return {
    closed: byEndpointAndLoad(closed),
    compacted: byEndpointAndLoad(closed.filter((p) => compacted.has(partitionId(p.endpoint, p.load, p.date)))),
    complete: byEndpointAndLoad(closed.filter((p) => p.complete)),
  };
}

function byEndpointAndLoad(statuses: readonly PartitionStatus[]): LakePartitions {
  const dates = new Map<string, Map<string, string[]>>();
  for (const status of statuses) {
    const loads = dates.get(status.endpoint) ?? new Map<string, string[]>();
    loads.set(status.load, [...(loads.get(status.load) ?? []), status.date]);
    dates.set(status.endpoint, loads);
  }
  const partitions: LakePartitions = {};
  for (const [endpoint, loads] of [...dates].sort(([a], [b]) => a.localeCompare(b))) {
    partitions[endpoint] = {};
    for (const [load, days] of [...loads].sort(([a], [b]) => a.localeCompare(b)))
      partitions[endpoint][load] = dayRanges(days);
  }
  return partitions;
}

/** Sorted, de-duplicated days folded into runs of consecutive days. */
export function dayRanges(days: readonly string[]): DayRange[] {
  const ranges: DayRange[] = [];
  for (const day of [...new Set(days)].sort()) {
    const last = ranges.at(-1);
    if (last && addDays(last[1], 1) === day) last[1] = day;
    else ranges.push([day, day]);
  }
  return ranges;
}
