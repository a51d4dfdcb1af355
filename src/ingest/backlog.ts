import pLimit from 'p-limit';
import type { Endpoint } from '../config/schema.js';
import { dateOfFolder, loadPrefix, successKey } from '../lake/layout.js';
import type { ObjectStore } from '../lake/store.js';
import { addDays, dayNumber, todayUtc, yesterdayUtc } from '../dates.js';
import { updatedPartition } from './partition.js';

/**
 * The `updated` days an endpoint still owes the lake, oldest first: every day up to yesterday
 * without a sealed `updated` partition, from its newest snapshot's date (a snapshot holds every
 * game as of its day, so the days before it are its own), or without a snapshot from its oldest
 * `updated` day. A lake that holds neither owes yesterday only: the days before the catalogue is
 * read are the catalogue's, not a backlog. A daily run fetches exactly these; `gmp plan`,
 * `gmp lake status` and the verdict name them. Costs two LISTs and a GET per day folder since the
 * start, so a day left open (budget spent, a listing that would not reconcile) is never skipped.
 */
export async function backlogDays(store: ObjectStore, endpoint: Endpoint, now = new Date()): Promise<string[]> {
  const yesterday = yesterdayUtc(now);
  const [updated, snapshots] = await Promise.all([
    daysIn(store, endpoint, 'updated', yesterday),
    daysIn(store, endpoint, 'snapshot', todayUtc(now)),
  ]);
  const start = snapshots.at(-1) ?? updated[0] ?? yesterday;
  const limit = pLimit(8);
  const sealed = new Set(
    (
      await Promise.all(
        updated
          .filter((day) => day >= start)
          .map((day) =>
            limit(async () =>
              (await store.exists(successKey({ partition: updatedPartition(endpoint, day) }))) ? day : undefined,
            ),
          ),
      )
    ).filter((day) => day !== undefined),
  );
  const count = dayNumber(yesterday) - dayNumber(start) + 1;
  return Array.from({ length: Math.max(0, count) }, (_, i) => addDays(start, i)).filter((day) => !sealed.has(day));
}

async function daysIn(
  store: ObjectStore,
  endpoint: Endpoint,
  load: 'snapshot' | 'updated',
  until: string,
): Promise<string[]> {
  return (await store.listChildren(loadPrefix(endpoint.name, load)))
    .map(dateOfFolder)
    .filter((day): day is string => day !== undefined && day <= until);
}
