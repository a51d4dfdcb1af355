import type { Endpoint } from '../config/schema.js';
import { dateOfFolder, loadPrefix, successKey } from '../lake/layout.js';
import type { ObjectStore } from '../lake/store.js';
import { addDays, dayNumber, todayUtc, yesterdayUtc } from './dates.js';
import { updatedPartition } from './partition.js';

/**
 * The `updated` days an endpoint still owes the lake, oldest first: every day from the one after
 * its newest sealed `updated` partition, or from its newest snapshot's date when that is later (a
 * snapshot holds every game as of its day), up to yesterday. A lake that holds neither owes
 * yesterday only: the days before the catalogue is read are the catalogue's, not a backlog.
 * A daily run fetches exactly these; `gmp plan`, `gmp lake status` and the verdict name them.
 */
export async function backlogDays(store: ObjectStore, endpoint: Endpoint, now = new Date()): Promise<string[]> {
  const yesterday = yesterdayUtc(now);
  const [sealed, snapshot] = await Promise.all([newestSealedDay(store, endpoint, yesterday), newestSnapshotDay(store, endpoint, todayUtc(now))]);
  const starts = [sealed === undefined ? undefined : addDays(sealed, 1), snapshot].filter((day): day is string => day !== undefined);
  const start = starts.length ? starts.sort().at(-1)! : yesterday;
  const count = dayNumber(yesterday) - dayNumber(start) + 1;
  return Array.from({ length: Math.max(0, count) }, (_, i) => addDays(start, i));
}

/** Days of a backlog as one phrase: "3 days behind: 2026-12-08 … 2026-12-10". */
export function describeBacklog(days: readonly string[]): string {
  if (!days.length) return 'caught up';
  if (days.length === 1) return `1 day behind: ${days[0]}`;
  return `${days.length} days behind: ${days[0]} … ${days.at(-1)}`;
}

/** The newest `updated` day up to `until` whose partition is sealed: one LIST, then a GET per day from the newest back. */
async function newestSealedDay(store: ObjectStore, endpoint: Endpoint, until: string): Promise<string | undefined> {
  const days = await daysIn(store, endpoint, 'updated', until);
  for (const day of days.reverse()) {
    if (await store.exists(successKey({ partition: updatedPartition(endpoint, day) }))) return day;
  }
  return undefined;
}

/** The newest snapshot's date, open or sealed: from it on, the `updated` days keep the catalogue current. */
async function newestSnapshotDay(store: ObjectStore, endpoint: Endpoint, until: string): Promise<string | undefined> {
  return (await daysIn(store, endpoint, 'snapshot', until)).at(-1);
}

async function daysIn(store: ObjectStore, endpoint: Endpoint, load: 'snapshot' | 'updated', until: string): Promise<string[]> {
  return (await store.listChildren(loadPrefix(endpoint.name, load))).map(dateOfFolder).filter((day): day is string => day !== undefined && day <= until);
}
