import { createHash } from 'node:crypto';
import type { ObjectStore } from '../../src/lake/store.js';
import type { S3Request } from '../../bench/lib/access-log.js';
import type { TestLake } from '../support/lakes.js';

/** 500 pages of 40: twice the sandbox's default depth cap, so the snapshot is read in windows. */
export const GAMES = 20_000;
/**
 * The ingester's concurrency in this suite (set through GMP_ENDPOINTS): at most this many pages are
 * in progress at a kill. Fixed here, so the kill moments (after 1 to 20 requests) cut into fetching.
 */
export const CONCURRENCY = 8;

/** A small seeded generator (mulberry32), so a failing run's kill moments can be replayed with FAULT_SEED. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** sha256 of every page object, by key: equal maps mean byte-identical pages. */
export function pageDigests(objects: Map<string, string>): Map<string, string> {
  const digests = new Map<string, string>();
  for (const [key, body] of objects) {
    if (/\/page=\d+\.json$/.test(key)) digests.set(key, createHash('sha256').update(body).digest('hex'));
  }
  return digests;
}

export async function pageCount(store: ObjectStore): Promise<number> {
  return (await store.list('raw/')).filter((key) => /\/page=\d+\.json$/.test(key)).length;
}

/**
 * Every marker of a partition (manifests, split records, success markers, windows included), with
 * only the fields that describe the data (not when, nor by which run).
 */
export function stableMarkers(objects: Map<string, string>, prefix: string): Record<string, Record<string, unknown>> {
  const markers: Record<string, Record<string, unknown>> = {};
  for (const [key, body] of objects) {
    if (!key.startsWith(prefix) || !/\/(_manifest\.json|_split\.json|_SUCCESS)$/.test(key)) continue;
    const {
      createdAt: _created,
      runId: _run,
      completedAt: _completed,
      ...stable
    } = JSON.parse(body) as Record<string, unknown>;
    markers[key] = stable;
  }
  return markers;
}

export const bucketOf = (lake: TestLake): string => new URL(lake.url).hostname;

/** Successful PUTs by object key: a key with more than one was written twice. */
export function successfulPuts(requests: S3Request[]): Map<string, number> {
  const puts = new Map<string, number>();
  for (const { operation, key, status } of requests) {
    if (operation === 'PutObject' && status === 200) puts.set(key, (puts.get(key) ?? 0) + 1);
  }
  return puts;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
