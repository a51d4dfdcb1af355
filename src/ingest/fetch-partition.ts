import pLimit from 'p-limit';
import type { RawgClient } from '../source/client.js';
import { envelopeSchema } from '../source/envelope.js';
import { manifestSchema, pagesFor, parseStored, type Manifest, type Success } from './manifest.js';
import { manifestKey, pageKey, pageNumber, partitionPrefix, successKey } from './partition.js';
import type { PartitionPlan } from './plan.js';

/** Shared by the partitions of one run: how many more pages `--max-pages` allows. */
export interface PageAllowance {
  remaining: number;
}

export interface PartitionProgress {
  pagesDone: number;
  pagesTotal: number;
}

export interface PartitionOutcome {
  complete: boolean;
  pagesFetched: number;
  pagesSkipped: number;
  /** Pages in the partition when it completed (or as far as known). */
  pages: number;
  resized?: 'grew' | 'shrank';
}

interface Context {
  client: RawgClient;
  allowance: PageAllowance;
  concurrency: number;
  pageSize: number;
  runId: string;
  onProgress?: (progress: PartitionProgress) => void;
}

/**
 * Brings one partition to complete: fetches exactly the pages the lake lacks, follows a
 * catalogue that grew, stops at one that shrank, then writes `_SUCCESS`. Stops early, leaving
 * the partition resumable, when the run's page allowance runs out.
 */
export async function fetchPartition(plan: PartitionPlan, ctx: Context): Promise<PartitionOutcome> {
  const { partition, store, state } = plan;
  if (state.status === 'complete') {
    const { pages } = state.success;
    return { complete: true, pagesFetched: 0, pagesSkipped: pages, pages };
  }

  let pagesFetched = 0;
  const present = state.status === 'resume' ? new Set(state.present) : new Set<number>();
  const alreadyStored = present.size;
  const nextOf = new Map<number, string | null>();
  let firstMissingPage: number | undefined;

  /** Fetches one page and stores it; its `next` link, or 'end' when the API says it is past the end. */
  const fetchAndStore = async (page: number, manifest: Manifest): Promise<{ next: string | null } | 'end'> => {
    const params = { ...manifest.params, page_size: String(manifest.pageSize) };
    const result = await ctx.client.fetchPage(partition.endpoint.path, page, params);
    pagesFetched += 1;
    if (result.status === 'end') return 'end';
    // Only the link and the bytes live on: the parsed page can be collected during the upload.
    const { body, envelope: { next } } = result;
    await store.putIfAbsent(pageKey(partition, page), body);
    present.add(page);
    nextOf.set(page, next);
    ctx.onProgress?.({ pagesDone: present.size, pagesTotal: Math.max(present.size, manifest.pages) });
    return { next };
  };
  const take = (): boolean => {
    if (ctx.allowance.remaining <= 0) return false;
    ctx.allowance.remaining -= 1;
    return true;
  };
  const stopped = (pages: number): PartitionOutcome => ({ complete: false, pagesFetched, pagesSkipped: alreadyStored, pages });

  // A new partition: page 1 tells the size; the manifest goes in before the page, so a crash
  // between the two costs nothing on resume.
  let manifest = state.status === 'resume' ? state.manifest : undefined;
  if (!manifest) {
    if (!take()) return stopped(0);
    const params = { ...partition.params, page_size: String(ctx.pageSize) };
    const first = await ctx.client.fetchPage(partition.endpoint.path, 1, params);
    pagesFetched += 1;
    const count = first.status === 'page' ? first.envelope.count : 0;
    manifest = {
      endpoint: partition.endpoint.name,
      path: partition.endpoint.path,
      load: partition.load,
      date: partition.date,
      params: partition.params,
      pageSize: ctx.pageSize,
      count,
      pages: first.status === 'page' ? pagesFor(count, ctx.pageSize) : 0,
      createdAt: new Date().toISOString(),
    };
    if (!(await store.putIfAbsent(manifestKey(partition), JSON.stringify(manifest)))) {
      // Another run started this partition at the same moment: follow its manifest.
      manifest = parseStored(manifestSchema, (await store.get(manifestKey(partition)))!, manifestKey(partition));
    }
    if (first.status === 'page') {
      await store.putIfAbsent(pageKey(partition, 1), first.body);
      present.add(1);
      nextOf.set(1, first.envelope.next);
    }
  }
  const planned: Manifest = manifest;

  // The pages the lake lacks, at bounded concurrency under the client's rate cap.
  const limit = pLimit(ctx.concurrency);
  let capped = false;
  let failed = false;
  const missing = Array.from({ length: planned.pages }, (_, i) => i + 1).filter((page) => !present.has(page));
  // allSettled: after a fatal error, the writes already under way finish before the run ends.
  const settled = await Promise.allSettled(
    missing.map((page) =>
      limit(async () => {
        if (failed) return; // one fatal error (quota, key, store) stops the partition: no more requests
        if (firstMissingPage !== undefined && page > firstMissingPage) return; // past a shrunk end
        if (!take()) {
          capped = true;
          return;
        }
        try {
          if ((await fetchAndStore(page, planned)) === 'end') firstMissingPage = Math.min(firstMissingPage ?? page, page);
        } catch (error) {
          failed = true;
          throw error;
        }
      }),
    ),
  );
  const failure = settled.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
  if (capped) return stopped(planned.pages);

  // The catalogue shrank: the pages before the first missing one are the whole listing.
  let last: number;
  let resized: 'grew' | 'shrank' | undefined;
  if (firstMissingPage !== undefined) {
    last = firstMissingPage - 1;
    resized = 'shrank';
  } else {
    // Follow `next` past the planned end while the catalogue keeps growing.
    last = planned.pages;
    while (present.has(last + 1)) last += 1;
    let next = last === 0 ? null : await nextLink(last);
    while (next) {
      if (!take()) return stopped(last);
      const fetched = await fetchAndStore(last + 1, planned);
      if (fetched === 'end') break;
      last += 1;
      resized = 'grew';
      next = fetched.next;
    }
  }

  // Trust the lake, not memory: one more LIST proves every page is there before the marker.
  const stored = new Set((await store.list(partitionPrefix(partition))).map(pageNumber));
  for (let page = 1; page <= last; page++) if (!stored.has(page)) return stopped(last);

  const success: Success = {
    pages: last,
    count: planned.count,
    ...(resized ? { resized } : {}),
    runId: ctx.runId,
    completedAt: new Date().toISOString(),
  };
  await store.putIfAbsent(successKey(partition), JSON.stringify(success));
  return { complete: true, pagesFetched, pagesSkipped: alreadyStored, pages: last, ...(resized ? { resized } : {}) };

  async function nextLink(page: number): Promise<string | null> {
    if (nextOf.has(page)) return nextOf.get(page)!;
    const bytes = await store.get(pageKey(partition, page));
    return bytes ? parseStored(envelopeSchema, bytes, pageKey(partition, page)).next : null;
  }
}
