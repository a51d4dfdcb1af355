import { z } from 'zod';

/** What a partition should contain, written once page 1 has told how many items there are. */
export const manifestSchema = z.object({
  endpoint: z.string(),
  path: z.string(),
  load: z.enum(['snapshot', 'updated']),
  date: z.string(),
  params: z.record(z.string(), z.string()),
  /** Set for a window of a snapshot: the `updated` days it covers. */
  window: z.object({ from: z.string(), to: z.string() }).optional(),
  pageSize: z.int().positive(),
  count: z.int().nonnegative(),
  pages: z.int().nonnegative(),
  createdAt: z.string(),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** Written last, when every page of the partition is in the lake. */
export const successSchema = z.object({
  pages: z.int().nonnegative(),
  count: z.int().nonnegative(),
  /** Set when the catalogue changed size while the partition was fetched. */
  resized: z.enum(['grew', 'shrank']).optional(),
  /** Set on a snapshot that was read in windows: how many. */
  windows: z.int().positive().optional(),
  runId: z.string(),
  completedAt: z.string(),
});
export type Success = z.infer<typeof successSchema>;

/**
 * Written instead of pages when a listing holds more than the API serves (its `count` says so, or
 * a page that `count` promised answered "Invalid page."): the windows that together replace it.
 */
export const splitSchema = z.object({
  count: z.int().nonnegative(),
  /** Results the API serves per listing, as assumed (config) or as seen (the first refused page). */
  maxResults: z.int().positive(),
  windows: z.array(z.object({ from: z.string(), to: z.string() })).min(2),
  createdAt: z.string(),
});
export type Split = z.infer<typeof splitSchema>;

/**
 * Written when a listing is deeper than the API serves and has no filter to split it by: the
 * pages up to the cap are kept; the listing is closed but never complete.
 */
export const cappedSchema = z.object({
  count: z.int().nonnegative(),
  maxResults: z.int().positive(),
  pages: z.int().nonnegative(),
  createdAt: z.string(),
});
export type Capped = z.infer<typeof cappedSchema>;

export const pagesFor = (count: number, pageSize: number): number => Math.max(1, Math.ceil(count / pageSize));

export { parseStoredJson as parseStored } from './stored-json.js';
