import type { EndpointsFile } from '../config/schema.js';
import { findEndpoint } from '../config/load.js';
import { ConfigError } from '../errors.js';
import { daysBetween, parseDate, todayUtc, yesterdayUtc } from './dates.js';
import { snapshotPartition, updatedPartition, type Partition } from './partition.js';

/**
 * snapshot: the full listing (any endpoint). incremental: the `updated` day windows (endpoints
 * that allow it). daily: incremental where allowed, snapshot for the rest.
 */
export const MODES = ['snapshot', 'incremental', 'daily'] as const;
export type Mode = (typeof MODES)[number];

export interface Selection {
  /** Endpoint names, or 'all'. */
  endpoints: string[] | 'all';
  mode: Mode;
  date?: string;
  from?: string;
  to?: string;
}

/** The partitions a run covers, in the order it works through them. */
export function selectPartitions(file: EndpointsFile, selection: Selection, now = new Date()): Partition[] {
  const { mode } = selection;
  if ((selection.from === undefined) !== (selection.to === undefined)) {
    throw new ConfigError('--from and --to go together: give both, or --date');
  }
  if (selection.from !== undefined && selection.date !== undefined) {
    throw new ConfigError('give either --date or --from/--to, not both');
  }
  if (selection.from !== undefined && mode === 'snapshot') {
    throw new ConfigError('--from/--to select incremental windows: a snapshot is taken of today, use --mode incremental');
  }
  const all = selection.endpoints === 'all';
  const endpoints = selection.endpoints === 'all' ? file.endpoints : selection.endpoints.map((name) => findEndpoint(file, name));

  const updatedDays = selection.from
    ? daysBetween(selection.from, selection.to!)
    : [selection.date ? parseDate(selection.date, '--date') : yesterdayUtc(now)];
  const snapshotDay = selection.date ? parseDate(selection.date, '--date') : todayUtc(now);

  const partitions: Partition[] = [];
  for (const endpoint of endpoints) {
    const incremental = mode !== 'snapshot' && endpoint.incremental !== undefined;
    if (mode === 'incremental' && !incremental) {
      if (all) continue;
      throw new ConfigError(`endpoint "${endpoint.name}" has no incremental window: use --mode snapshot`);
    }
    if (incremental) partitions.push(...updatedDays.map((day) => updatedPartition(endpoint, day)));
    else partitions.push(snapshotPartition(endpoint, snapshotDay));
  }
  return partitions;
}
