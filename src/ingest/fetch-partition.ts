import pLimit, { type LimitFunction } from 'p-limit';
import type { ObjectStore } from '../lake/store.js';
import type { PageResult, RawgClient } from '../source/client.js';
import { envelopeSchema } from '../source/envelope.js';
import { manifestSchema, pagesFor, parseStored, splitSchema, type Capped, type Manifest, type Split, type Success } from './manifest.js';
import { cappedKey, listingPrefix, manifestKey, pageKey, pageNumber, splitKey, successKey, unitId, type Window } from '../lake/layout.js';
import { listingParams, type Listing } from './partition.js';
import type { Lease, UnitLeases } from './lease.js';
import { isClosed, planListingNow, type ListingPlan, type PartitionPlan } from './plan.js';
import { splitWindow, snapshotWindow } from './windows.js';

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
  /** Why a listing stays open for good, or for now, though nothing failed. */
  note?: string;
}

export interface FetchContext {
  /** Only pages are asked of the client: unit tests answer them in process. */
  client: Pick<RawgClient, 'fetchPage'>;
  allowance: PageAllowance;
  concurrency: number;
  pageSize: number;
  /** Results the API serves per listing (its depth cap). */
  maxResults: number;
  runId: string;
  /** Today (UTC): an `updated` partition is sealed only once its day is over. */
  today: string;
  /** Aborted by SIGINT/SIGTERM: no new request starts; writes under way finish. */
  signal?: AbortSignal;
  /** Unit ids to work on (the partition's, or some of its windows'); default: all of it. */
  units?: Set<string>;
  /** Leases shared with other runs on the lake: a unit another run holds is skipped. */
  leases?: UnitLeases;
  onProgress?: (progress: PartitionProgress) => void;
}

/** What fetching one listing did; `split` when it turned out deeper than the API serves. */
type ListingResult =
  | { kind: 'complete'; pages: number; count: number; resized?: 'grew' | 'shrank' }
  | { kind: 'stopped'; pages: number; note?: string }
  | { kind: 'split'; split: Split }
  | { kind: 'capped'; pages: number; note: string };

/**
 * Brings one partition to complete: sizes every listing it will read (splitting those deeper than
 * the API serves into windows), then fetches exactly the pages the lake lacks, window by window,
 * then writes `_SUCCESS`. Stops early, leaving everything resumable, when the run's page allowance
 * runs out or the run is interrupted.
 */
export async function fetchPartition(plan: PartitionPlan, ctx: FetchContext): Promise<PartitionOutcome> {
  const { store, root } = plan;
  const counters = { pagesFetched: 0, pagesSkipped: 0, pagesDone: 0, pagesTotal: 0 };
  if (root.state.status === 'complete') {
    return { complete: true, pagesFetched: 0, pagesSkipped: root.state.pages, pages: root.state.pages };
  }
  const fetcher = new ListingFetcher(store, ctx, counters, smallestCap(root, ctx.maxResults));
  const selected = !ctx.units || ctx.units.has(unitId(root.listing));
  // Every split is found and recorded before the first page is read: a run stopped part-way
  // leaves the next one nothing to learn but the pages themselves.
  const result = await fetcher.bringToEnd(await fetcher.size(root, selected), selected);
  const outcome = { pagesFetched: counters.pagesFetched, pagesSkipped: counters.pagesSkipped };
  if (result.kind !== 'complete') return { ...outcome, complete: false, pages: result.pages, ...(result.note ? { note: result.note } : {}) };

  if (result.windows) {
    // Every window is complete: the snapshot as a whole is.
    const success: Success = { pages: result.pages, count: result.count, windows: result.windows, runId: ctx.runId, completedAt: new Date().toISOString() };
    await store.putIfAbsent(successKey(root.listing), JSON.stringify(success));
  }
  return { ...outcome, complete: true, pages: result.pages, ...(result.resized ? { resized: result.resized } : {}) };
}

type TreeResult =
  { kind: 'complete'; pages: number; count: number; windows?: number; resized?: 'grew' | 'shrank' } | { kind: 'incomplete'; pages: number; note?: string };

/** What page 1 of a new listing told: its manifest (page 1 stored beside it), a split, or nothing yet (stopped). */
type Probe = { kind: 'sized'; manifest: Manifest; present: Set<number> } | { kind: 'split'; split: Split } | { kind: 'stopped' };

class ListingFetcher {
  /** Page 1's `next` link of each listing this run sized, by unit id: page 1 is stored, not to be counted as skipped. */
  readonly #firstPages = new Map<string, string | null>();
  /** Page-1 probes of sibling windows run side by side, as many as pages would. */
  readonly #probes: LimitFunction;
  #sizingFailed = false;
  /** The lease of the listing whose pages are being fetched: lost, no new page starts. */
  #lease: Lease | undefined;

  constructor(
    private readonly store: ObjectStore,
    private readonly ctx: FetchContext,
    private readonly counters: { pagesFetched: number; pagesSkipped: number; pagesDone: number; pagesTotal: number },
    /** The depth cap: as configured, or lower once the API has shown where it really is. */
    private maxResults: number,
  ) {
    this.#probes = pLimit(Math.max(1, ctx.concurrency));
  }

  /**
   * The listing tree with every selected new listing sized by its page 1: a manifest (and page 1)
   * where it fits, a split record and sized windows where it is deeper than the API serves.
   */
  async size(plan: ListingPlan, selected: boolean): Promise<ListingPlan> {
    const { state, listing } = plan;
    if (state.status === 'split') {
      const windows = await settleAll(state.windows.map((window) => this.size(window, selected || this.#asked(window))));
      return { listing, state: { ...state, windows } };
    }
    if (state.status !== 'new' || !selected) return plan;
    let probe: Probe | ListingPlan | 'leased';
    try {
      // Page 1 is asked only while this run holds the listing, and only if no run has sized it since.
      probe = await this.#probes(() =>
        this.#leased<Probe | ListingPlan>(plan, false, (fresh) => (fresh.state.status === 'new' ? this.#probe(listing) : Promise.resolve(fresh))),
      );
    } catch (error) {
      // One fatal error (quota, key, store) stops the sizing: the probes still queued ask nothing.
      this.#sizingFailed = true;
      throw error;
    }
    if (probe === 'leased') return plan;
    if ('listing' in probe) return this.size(probe, selected);
    switch (probe.kind) {
      case 'sized':
        return { listing, state: { status: 'resume', manifest: probe.manifest, present: probe.present } };
      case 'split':
        return this.size({ listing, state: { status: 'split', split: probe.split, windows: newWindows(listing, probe.split) } }, true);
      default:
        return plan;
    }
  }

  #asked(window: ListingPlan): boolean {
    return Boolean(this.ctx.units?.has(unitId(window.listing)));
  }

  /** A listing and, when it splits, its windows one after another; `selected`: a unit asked for it. */
  async bringToEnd(plan: ListingPlan, selected: boolean): Promise<TreeResult> {
    const { state, listing } = plan;
    if (state.status === 'split') return this.#windows(state.split, state.windows, selected);
    if (state.status === 'complete') {
      this.counters.pagesSkipped += state.pages;
      return { kind: 'complete', pages: state.pages, count: state.success?.count ?? state.pages };
    }
    if (state.status === 'capped') return { kind: 'incomplete', pages: state.pages, note: cappedNote(state.capped) };
    // New still: not selected, or the run stopped before its page 1 was asked.
    if (!selected || (state.status === 'new' && (!this.ctx.leases || this.#mustStop()))) return { kind: 'incomplete', pages: 0 };
    if (state.status === 'new') {
      // Another run held it while this one sized: it may have sized it since, or let it go unsized.
      const sized = await this.size(plan, true);
      return sized.state.status === 'new' ? { kind: 'incomplete', pages: 0 } : this.bringToEnd(sized, selected);
    }

    const result = await this.#leased<ListingResult | ListingPlan>(plan, true, (fresh) =>
      fresh.state.status === 'resume' ? this.#fetchListing(listing, fresh.state.manifest, fresh.state.present) : Promise.resolve(fresh),
    );
    if (result === 'leased') return { kind: 'incomplete', pages: state.present.size };
    // Another run moved the listing on (completed, split or capped it) before this one held it.
    if ('listing' in result) return this.bringToEnd(result, selected);
    switch (result.kind) {
      case 'complete':
        return result;
      case 'split': {
        // A cap lower than the manifest was planned for: the windows are sized before any is read.
        const windows = await settleAll(newWindows(listing, result.split).map((window) => this.size(window, true)));
        return this.#windows(result.split, windows, true);
      }
      default:
        return { kind: 'incomplete', pages: result.pages, ...(result.note ? { note: result.note } : {}) };
    }
  }

  async #windows(split: Split, windows: ListingPlan[], selected: boolean): Promise<TreeResult> {
    let pages = 0;
    let open = false;
    let note: string | undefined;
    let leaves = 0;
    for (const window of windows) {
      // Stopped (allowance spent, interrupted): the windows not yet closed wait for the next run.
      if (this.#mustStop() && !isClosed(window)) {
        open = true;
        continue;
      }
      const result = await this.bringToEnd(window, selected || this.#asked(window));
      pages += result.pages;
      if (result.kind === 'incomplete') {
        open = true;
        note ??= result.note;
      } else leaves += result.windows ?? 1;
    }
    if (open) return { kind: 'incomplete', pages, ...(note ? { note } : {}) };
    // The count the listing had when it was split: the same whichever runs read its windows.
    return { kind: 'complete', pages, count: split.count, windows: leaves };
  }

  #mustStop(): boolean {
    return this.ctx.allowance.remaining <= 0 || Boolean(this.ctx.signal?.aborted) || Boolean(this.#lease?.lost);
  }

  /**
   * `work` on the listing as the lake holds it once this run holds its lease (another run may
   * have moved it on meanwhile); 'leased' when another run holds it. `fetching`: the lease, if
   * lost, stops the listing's pages (a probe is one request, past stopping).
   */
  async #leased<T>(plan: ListingPlan, fetching: boolean, work: (fresh: ListingPlan) => Promise<T>): Promise<T | 'leased'> {
    const { leases } = this.ctx;
    if (!leases) return work(plan);
    const held = await leases.hold(plan.listing, async (lease) => {
      if (fetching) this.#lease = lease;
      try {
        return await work(await planListingNow(this.store, plan.listing));
      } finally {
        if (fetching) this.#lease = undefined;
      }
    });
    return held ? held.value : 'leased';
  }

  #take(): boolean {
    if (this.#mustStop()) return false;
    this.ctx.allowance.remaining -= 1;
    return true;
  }

  /**
   * Page 1 of a new listing tells its size: a split when it is deeper than the API serves, else
   * its manifest, written before the page, so a crash between the two costs nothing on resume.
   */
  async #probe(listing: Listing): Promise<Probe> {
    const { ctx } = this;
    if (this.#sizingFailed || !this.#take()) return { kind: 'stopped' };
    const params = { ...listingParams(listing), page_size: String(ctx.pageSize) };
    const first = await ctx.client.fetchPage(listing.partition.endpoint.path, 1, params);
    this.counters.pagesFetched += 1;
    try {
      return await this.#sizedBy(listing, first);
    } finally {
      if (first.status === 'page') first.release?.();
    }
  }

  /** The split or the manifest page 1 calls for; page 1 stored when the manifest followed has its page size. */
  async #sizedBy(listing: Listing, first: PageResult): Promise<Probe> {
    const { ctx, store } = this;
    const count = first.status === 'page' ? first.envelope.count : 0;
    const pages = first.status === 'page' ? pagesFor(count, ctx.pageSize) : 0;
    if (pages > Math.floor(this.maxResults / ctx.pageSize)) {
      const split = await this.#split(listing, count, this.maxResults);
      if (split?.kind === 'split') return split;
    }
    let manifest: Manifest = {
      endpoint: listing.partition.endpoint.name,
      path: listing.partition.endpoint.path,
      load: listing.partition.load,
      date: listing.partition.date,
      params: listingParams(listing),
      ...(listing.window ? { window: listing.window } : {}),
      pageSize: ctx.pageSize,
      count,
      pages,
      createdAt: new Date().toISOString(),
    };
    if (!(await store.putIfAbsent(manifestKey(listing), JSON.stringify(manifest)))) {
      // Another run started this listing at the same moment: follow its manifest.
      manifest = parseStored(manifestSchema, (await store.get(manifestKey(listing)))!, manifestKey(listing));
    }
    const present = new Set<number>();
    if (first.status === 'page' && manifest.pageSize === ctx.pageSize) {
      await store.putIfAbsent(pageKey(listing, 1), first.body);
      present.add(1);
      this.#firstPages.set(unitId(listing), first.envelope.next);
      this.#progress(manifest);
    }
    return { kind: 'sized', manifest, present };
  }

  #progress(manifest: Manifest): void {
    const { counters } = this;
    counters.pagesDone += 1;
    this.ctx.onProgress?.({
      pagesDone: counters.pagesDone + counters.pagesSkipped,
      pagesTotal: Math.max(counters.pagesDone + counters.pagesSkipped, manifest.pages),
    });
  }

  /**
   * One sized listing: exactly the missing pages at bounded concurrency; then growth followed
   * through `next`; then `_SUCCESS`.
   */
  async #fetchListing(listing: Listing, planned: Manifest, present: Set<number>): Promise<ListingResult> {
    const { ctx, store, counters } = this;
    const prefix = listingPrefix(listing);
    const nextOf = new Map<number, string | null>();
    const id = unitId(listing);
    if (this.#firstPages.has(id)) nextOf.set(1, this.#firstPages.get(id)!);
    // Page 1 read by this run's sizing is not a page skipped.
    counters.pagesSkipped += present.size - nextOf.size;

    /** Fetches one page and stores it; its `next` link, or 'end' when the API refuses the page. */
    const fetchAndStore = async (page: number, manifest: Manifest): Promise<{ next: string | null } | 'end'> => {
      const params = { ...manifest.params, page_size: String(manifest.pageSize) };
      const result = await ctx.client.fetchPage(listing.partition.endpoint.path, page, params);
      counters.pagesFetched += 1;
      if (result.status === 'end') return 'end';
      // Only the link and the bytes live on: the parsed page can be collected during the upload.
      const {
        body,
        envelope: { next },
      } = result;
      try {
        await store.putIfAbsent(pageKey(listing, page), body);
      } finally {
        result.release?.();
      }
      present.add(page);
      // Only a link at or past the planned end is followed; the lake has the rest.
      if (page >= manifest.pages) nextOf.set(page, next);
      this.#progress(manifest);
      return { next };
    };
    const stopped = (pages: number, note?: string): ListingResult => ({ kind: 'stopped', pages, ...(note ? { note } : {}) });

    // Deeper than the API serves (a cap lowered since the manifest, or no filter to split by):
    // split it if it can be, else fetch what is served and no page past it.
    const servable = Math.floor(this.maxResults / planned.pageSize);
    if (planned.pages > servable) {
      const split = await this.#split(listing, planned.count, this.maxResults);
      if (split) return split;
    }

    // The pages the lake lacks, at bounded concurrency under the client's rate cap: `concurrency`
    // workers take the next missing page in turn, so nothing waits in memory per page.
    let capped = false;
    let failed = false;
    let firstRefusedPage: number | undefined;
    const missing = Array.from({ length: Math.min(planned.pages, servable) }, (_, i) => i + 1).filter((page) => !present.has(page));
    let cursor = 0;
    const worker = async () => {
      while (cursor < missing.length) {
        const page = missing[cursor++]!;
        if (failed) return; // one fatal error (quota, key, store) stops the listing: no more requests
        if (firstRefusedPage !== undefined && page > firstRefusedPage) return; // past the end or the cap
        if (!this.#take()) {
          capped = true;
          return;
        }
        try {
          if ((await fetchAndStore(page, planned)) === 'end') firstRefusedPage = Math.min(firstRefusedPage ?? page, page);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    // allSettled: after a fatal error, the writes already under way finish before the run ends.
    const settled = await Promise.allSettled(Array.from({ length: ctx.concurrency }, worker));
    const failure = settled.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    if (capped) return stopped(planned.pages);

    if (firstRefusedPage === undefined && planned.pages > servable) return this.#cap(listing, planned.count, servable);

    let last: number;
    let resized: 'grew' | 'shrank' | undefined;
    if (firstRefusedPage !== undefined) {
      // A page that `count` promised was refused: the API's depth cap, or a listing that shrank.
      const cap = await this.#refusalIsCap(listing, planned, firstRefusedPage);
      if (cap === 'stopped') return stopped(planned.pages);
      if (cap) {
        const maxResults = (firstRefusedPage - 1) * planned.pageSize;
        this.maxResults = Math.min(this.maxResults, maxResults);
        const split = await this.#split(listing, cap.count, maxResults);
        if (split) return split;
        return this.#cap(listing, cap.count, firstRefusedPage - 1);
      }
      last = firstRefusedPage - 1;
      resized = 'shrank';
    } else {
      // Follow `next` past the planned end while the listing keeps growing.
      last = planned.pages;
      while (present.has(last + 1)) last += 1;
      let next = last === 0 ? null : await nextLink(last);
      while (next) {
        if (!this.#take()) return stopped(last);
        const fetched = await fetchAndStore(last + 1, planned);
        if (fetched === 'end') break;
        last += 1;
        resized = 'grew';
        next = fetched.next;
      }
    }

    // Trust the lake, not memory: one more LIST proves every page is there before the marker.
    const stored = new Set((await store.list(prefix)).map((key) => pageNumber(key, prefix)));
    for (let page = 1; page <= last; page++) if (!stored.has(page)) return stopped(last);

    const { partition } = listing;
    if (partition.load === 'updated' && partition.date >= ctx.today) {
      return stopped(last, `the ${partition.date} window stays open until its UTC day is over; the next run completes it`);
    }
    const success: Success = { pages: last, count: planned.count, ...(resized ? { resized } : {}), runId: ctx.runId, completedAt: new Date().toISOString() };
    await store.putIfAbsent(successKey(listing), JSON.stringify(success));
    return { kind: 'complete', pages: last, count: planned.count, ...(resized ? { resized } : {}) };

    async function nextLink(page: number): Promise<string | null> {
      if (nextOf.has(page)) return nextOf.get(page)!;
      const bytes = await store.get(pageKey(listing, page));
      return bytes ? parseStored(envelopeSchema, bytes, pageKey(listing, page)).next : null;
    }
  }

  /**
   * A refused page within what `count` promised is the cap when the listing still holds that
   * many items (page 1 asked again tells), a shrink otherwise.
   */
  async #refusalIsCap(listing: Listing, manifest: Manifest, page: number): Promise<{ count: number } | undefined | 'stopped'> {
    if (!this.#take()) return 'stopped';
    const first = await this.ctx.client.fetchPage(listing.partition.endpoint.path, 1, { ...manifest.params, page_size: String(manifest.pageSize) });
    this.counters.pagesFetched += 1;
    if (first.status !== 'page') return undefined;
    first.release?.();
    return first.envelope.count > (page - 1) * manifest.pageSize ? { count: first.envelope.count } : undefined;
  }

  /** Closes a listing the API serves only `pages` of: kept as far as served, never complete. */
  async #cap(listing: Listing, count: number, pages: number): Promise<ListingResult> {
    const capped: Capped = { count, maxResults: this.maxResults, pages, createdAt: new Date().toISOString() };
    await this.store.putIfAbsent(cappedKey(listing), JSON.stringify(capped));
    return { kind: 'capped', pages, note: cappedNote(capped) };
  }

  /** Records the windows that replace a listing too deep for the API, if it can be split. */
  async #split(listing: Listing, count: number, maxResults: number): Promise<ListingResult | undefined> {
    const whole: Window | undefined = listing.window ?? snapshotWindow(listing.partition);
    const windows = whole && splitWindow(whole);
    if (!windows) return undefined;
    const split: Split = { count, maxResults, windows, createdAt: new Date().toISOString() };
    if (!(await this.store.putIfAbsent(splitKey(listing), JSON.stringify(split)))) {
      // Another run split it first: follow its windows.
      return { kind: 'split', split: parseStored(splitSchema, (await this.store.get(splitKey(listing)))!, splitKey(listing)) };
    }
    return { kind: 'split', split };
  }
}

/** Every promise settled, as the worker pool waits: the writes under way finish before a failure is thrown. */
async function settleAll<T>(promises: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(promises);
  const failure = settled.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<T>).value);
}

/** The windows a split record names, none of them started. */
function newWindows(listing: Listing, split: Split): ListingPlan[] {
  return split.windows.map((window) => ({ listing: { partition: listing.partition, window }, state: { status: 'new' } }));
}

/** The lowest depth cap the partition's split records have seen, or the configured one. */
function smallestCap(plan: ListingPlan, configured: number): number {
  const { state } = plan;
  if (state.status !== 'split') return configured;
  return state.windows.reduce((cap, window) => smallestCap(window, cap), Math.min(configured, state.split.maxResults));
}

function cappedNote(capped: Capped): string {
  return `the API serves ${capped.maxResults} of its ${capped.count} items and this endpoint has no filter to read the rest in windows: the pages up to the cap are kept; the listing stays incomplete`;
}
