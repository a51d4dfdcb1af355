import { randomBytes } from 'node:crypto';
import pLimit from 'p-limit';
import { z } from 'zod';
import { RUNS_PREFIX } from './layout.js';
import type { ObjectStore } from './store.js';
import { parseStored } from './markers.js';
import { schemaChangeSchema } from './schema-drift.js';

export const partitionSummarySchema = z.object({
  endpoint: z.string(),
  load: z.enum(['snapshot', 'updated']),
  date: z.string(),
  apiRequests: z.int(),
  pagesFetched: z.int(),
  pagesSkipped: z.int(),
  storeRequests: z.int(),
  retries: z.int(),
  complete: z.boolean(),
  /** Why the partition stays open though nothing failed (budget spent, depth cap, day not over). */
  note: z.string().optional(),
  /** Units another run held when this one came to them: skipped, left to that run. */
  leased: z.array(z.string()).optional(),
  durationMs: z.int(),
});
export type PartitionSummary = z.infer<typeof partitionSummarySchema>;

/** A batch of a resource fetched per item (src/lake/items.ts): `pagesFetched` counts its items. */
export const itemsSummarySchema = partitionSummarySchema.extend({ load: z.literal('items') });
export type ItemsSummary = z.infer<typeof itemsSummarySchema>;

export const runRecordSchema = z.object({
  runId: z.string(),
  /** The API's base URL (never with a key). */
  api: z.string(),
  /** The API's origin, as the lake is bound to it (absent from records written before lakes were bound). */
  origin: z.string().optional(),
  startedAt: z.string(),
  finishedAt: z.string(),
  outcome: z.enum(['complete', 'incomplete', 'failed', 'interrupted']),
  error: z.string().optional(),
  apiRequests: z.int(),
  retries: z.int(),
  storeRequests: z.int(),
  /** This run's requests by the UTC month (YYYY-MM) the ledger charged them to. */
  charged: z.record(z.string(), z.int()).optional(),
  /** The month's spend by every run on this API, from the ledger, once this run had closed its account. */
  month: z.object({ month: z.string(), spent: z.int(), budget: z.int() }).optional(),
  /** How the items this run stored differ from the shape the lake recorded for their endpoint; absent when they do not. */
  schemaDrift: z.array(schemaChangeSchema).optional(),
  partitions: z.array(partitionSummarySchema),
  /** The batches of resources fetched per item this run worked on. */
  items: z.array(itemsSummarySchema).optional(),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

/** Sorts by start time, so a month's runs share a key prefix: `20261126T134500Z-3fa2c1`. */
export function newRunId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export const runKey = (runId: string): string => `${RUNS_PREFIX}${runId}.json`;

export async function writeRunRecord(store: ObjectStore, record: RunRecord): Promise<void> {
  await store.putIfAbsent(runKey(record.runId), `${JSON.stringify(record, null, 2)}\n`);
}

/** The run records of one calendar month (UTC), oldest first. */
export function monthRuns(store: ObjectStore, month = new Date()): Promise<RunRecord[]> {
  return runsSince(store, month.toISOString().slice(0, 7).replace('-', ''));
}

/** Every run record whose id starts with `idPrefix` ('' for all), oldest first (ids sort by start time). */
export async function runsSince(store: ObjectStore, idPrefix = '', { skipDamaged = false } = {}): Promise<RunRecord[]> {
  const keys = (await store.list(`${RUNS_PREFIX}${idPrefix}`)).filter((key) => key.endsWith('.json'));
  const limit = pLimit(8);
  const records = await Promise.all(
    keys.map((key) =>
      limit(async () => {
        const bytes = await store.get(key);
        try {
          return bytes ? parseStored(runRecordSchema, bytes, key) : undefined;
        } catch (error) {
          if (skipDamaged) return undefined;
          throw error;
        }
      }),
    ),
  );
  return records.filter((record): record is RunRecord => record !== undefined);
}
