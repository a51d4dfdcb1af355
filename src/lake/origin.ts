/**
 * A lake is bound to the one API that fills it. The first run that fetches writes the API's
 * normalised origin at the lake's root; every run after checks it, so partitions read from one
 * API never count as done for another, and compaction and the warehouse, which read one lake,
 * never mix two.
 *
 *   _origin.json    {"origin": "api.rawg.io_api", "boundAt": "..."}
 */
import { z } from 'zod';
import { LakeBoundError } from '../errors.js';
import type { ObjectStore } from './store.js';
import { parseStoredJson } from './stored-json.js';

export const ORIGIN_KEY = '_origin.json';

const originSchema = z.object({ origin: z.string().min(1), boundAt: z.string() });

/** The origin the lake is bound to; undefined for a lake no run has fetched into yet. */
export async function readLakeOrigin(store: ObjectStore): Promise<string | undefined> {
  const bytes = await store.get(ORIGIN_KEY);
  return bytes ? parseStoredJson(originSchema, bytes, ORIGIN_KEY).origin : undefined;
}

/** Fails in one line, exit 2, when the lake holds another origin's data than `origin`; `seenIn` says what told. */
export function checkLakeOrigin(store: ObjectStore, bound: string | undefined, origin: string, seenIn = `its ${ORIGIN_KEY}`): void {
  if (bound === undefined || bound === origin) return;
  throw new LakeBoundError(
    `the lake ${store.location} holds data from ${bound} (${seenIn}), not from ${origin}: give this API its own lake with LAKE_URL (or --lake)`,
  );
}

/**
 * Binds the lake to `origin` unless it is bound already (a conditional write: of two runs that
 * race, one binds and the other is checked against it); fails as checkLakeOrigin does.
 */
export async function bindLake(store: ObjectStore, origin: string, now = new Date()): Promise<void> {
  const written = await store.putIfAbsent(ORIGIN_KEY, `${JSON.stringify({ origin, boundAt: now.toISOString() })}\n`);
  if (!written) checkLakeOrigin(store, await readLakeOrigin(store), origin);
}
