import type { PageResult } from '../../src/source/bodies.js';
import type { RawgClient } from '../../src/source/client.js';

/** An item of a fake listing: an id, and the day it was last updated (what `updated=A,B` filters). */
export interface FakeItem {
  id: number;
  updated: string;
}

/** One request the fake answered (or refused by throwing). */
export interface FakeRequest {
  path: string;
  page: number;
  params: Record<string, string>;
}

export interface FakeRawgOptions {
  /** The items of each list endpoint, by path; tests may change them between requests. */
  listings: Record<string, FakeItem[]>;
  /** Results the fake serves per listing: a page past it answers "Invalid page." while `count` says more. */
  maxResults?: number;
  /** Called before every request, as RawgClient calls it: the ledger reserves here; throwing sends nothing. */
  beforeAttempt?: () => Promise<void>;
  /** Called with each request before it is answered: a test grows or shrinks a listing here, or throws a fault. */
  onRequest?: (request: FakeRequest, fake: FakeRawg) => void;
}

/**
 * What src/ingest needs of RawgClient (`fetchPage`), answered in process: RAWG's envelope, its
 * `next` links on the public host, offset paging over the listing as it is at that moment, the
 * `updated` range filter, and the depth cap. No HTTP, no retries, no rate cap: tests that use it
 * say "(fake client)".
 */
export class FakeRawg implements Pick<RawgClient, 'fetchPage'> {
  readonly listings: Record<string, FakeItem[]>;
  /** Requests answered, in order, faults included. */
  readonly requests: FakeRequest[] = [];
  readonly #options: FakeRawgOptions;

  constructor(options: FakeRawgOptions) {
    this.#options = options;
    this.listings = options.listings;
  }

  async fetchPage(path: string, page: number, params: Record<string, string> = {}): Promise<PageResult> {
    await this.#options.beforeAttempt?.();
    await new Promise((resolve) => setImmediate(resolve));
    const request = { path, page, params: { ...params } };
    this.requests.push(request);
    this.#options.onRequest?.(request, this);

    const items = this.#filtered(path, params);
    const size = Number(params.page_size ?? 40);
    const offset = (page - 1) * size;
    const maxResults = this.#options.maxResults ?? Infinity;
    if ((page > 1 && offset >= items.length) || offset + size > maxResults) return { status: 'end' };
    const link = (to: number) =>
      `https://api.rawg.io/api/${path}?${new URLSearchParams({ ...params, page: String(to), page_size: String(size) })}`;
    const envelope = {
      count: items.length,
      next: offset + size < items.length ? link(page + 1) : null,
      previous: page > 1 ? link(page - 1) : null,
    };
    const results = items.slice(offset, offset + size);
    return {
      status: 'page',
      envelope,
      ids: results.map((item) => item.id),
      body: new TextEncoder().encode(JSON.stringify({ ...envelope, results })),
    };
  }

  #filtered(path: string, params: Record<string, string>): FakeItem[] {
    const items = this.listings[path];
    if (!items) throw new Error(`the fake API has no listing ${path}`);
    const range = params.updated?.split(',');
    const inRange = range ? items.filter((item) => item.updated >= range[0]! && item.updated <= range[1]!) : items;
    // A stable order, as the API's: by id.
    return [...inRange].sort((a, b) => a.id - b.id);
  }
}

/** `count` items, ids from 1, updated on days spread evenly from `from` to `to`. */
export function fakeItems(count: number, from = '2000-01-01', to = '2026-11-30'): FakeItem[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const span = Date.parse(`${to}T00:00:00Z`) - start;
  return Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    updated: new Date(start + Math.floor((span * i) / Math.max(1, count - 1) / 86_400_000) * 86_400_000)
      .toISOString()
      .slice(0, 10),
  }));
}

/** The ids in a lake's stored pages (every read of each), from their bytes. */
export function idsInPages(contents: Map<string, string>): number[] {
  const ids: number[] = [];
  for (const [key, text] of contents) {
    if (/\/page=\d+(\.read\d+)?\.json$/.test(key))
      for (const item of (JSON.parse(text) as { results: FakeItem[] }).results) ids.push(item.id);
  }
  return ids;
}
