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

/**
 * The built-in sandbox serves its API under this path, and only it does: a run record whose
 * `api` ends in it fetched synthetic data. Any other base URL (the real API, a proxy, a replay)
 * may hold real data.
 */
export const SANDBOX_PREFIX = '/sandbox';
export const SANDBOX_API_PATH = `${SANDBOX_PREFIX}/api`;

export function isSandboxApi(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).pathname.replace(/\/+$/, '') === SANDBOX_API_PATH;
  } catch {
    return false;
  }
}

/** Every built-in sandbox serves the same kind of synthetic data, on whatever port it was given: one origin, one budget. */
export const SANDBOX_ORIGIN = 'sandbox';

/** A URL path as a key segment: `/sandbox/api/` is `_sandbox_api`. */
export const pathSegment = (path: string): string => path.replace(/\/+$/, '').replace(/\//g, '_');

/**
 * The API a budget belongs to, as a key segment: host, port and path, lower case, without
 * scheme, credentials, query or trailing slashes; every loopback name is one host.
 */
export function apiIdentity(baseUrl: string): string {
  const url = new URL(baseUrl);
  let host = url.hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]' || /^127\./.test(host)) host = '127.0.0.1';
  const port = url.port ? `-${url.port}` : '';
  return `${host}${port}${pathSegment(url.pathname)}`;
}

/**
 * The origin a lake, its run records and its ledger name an API by: the identity of its base URL
 * (host, port, path), and one origin for the built-in sandbox whatever its port, so every run of
 * `make run` spends from one sandbox budget.
 */
export const apiOrigin = (baseUrl: string): string => (isSandboxApi(baseUrl) ? SANDBOX_ORIGIN : apiIdentity(baseUrl));

/** Whether a ledger's API segment is the sandbox's: its origin, or, in a ledger kept before origins, its path. */
export const isSandboxOrigin = (identity: string): boolean =>
  identity === SANDBOX_ORIGIN || identity.endsWith(pathSegment(SANDBOX_API_PATH));

const originSchema = z.object({ origin: z.string().min(1), boundAt: z.string() });

/** The origin the lake is bound to; undefined for a lake no run has fetched into yet. */
export async function readLakeOrigin(store: ObjectStore): Promise<string | undefined> {
  const bytes = await store.get(ORIGIN_KEY);
  return bytes ? parseStoredJson(originSchema, bytes, ORIGIN_KEY).origin : undefined;
}

/** Fails in one line, exit 2, when the lake holds another origin's data than `origin`; `seenIn` says what told. */
export function checkLakeOrigin(
  store: ObjectStore,
  bound: string | undefined,
  origin: string,
  seenIn = `its ${ORIGIN_KEY}`,
): void {
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
