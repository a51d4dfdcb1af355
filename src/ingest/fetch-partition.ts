import pLimit, { type LimitFunction } from 'p-limit';
import type { ObjectStore } from '../lake/store.js';
import { itemIds, type PageResult } from '../source/bodies.js';
import type { RawgClient } from '../source/client.js';
import { envelopeSchema } from '../source/envelope.js';
import { ApiError } from '../errors.js';
import {
  manifestSchema,
  pagesFor,
  parseStored,
  splitSchema,
  type Capped,
  type Manifest,
  type Split,
  type Success,
} from '../lake/markers.js';
import {
  cappedKey,
  listingPrefix,
  manifestKey,
  pageKey,
  pageRead,
  splitKey,
  successKey,
  unitId,
  windowId,
  type Window,
} from '../lake/layout.js';
import { listingParams, partitionLabel, type Listing } from './partition.js';
import { reconcile, windowsAccountFor, type PageRead } from './reconcile.js';
import type { Lease, UnitLeases } from './lease.js';
import { isClosed, listingCount, readListingNow, type ListingInLake, type PartitionInLake } from './listing-state.js';
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
  /**
   * Seal a listing only when its pages agree with one state of the API (default). Off, a listing
   * is sealed once every page it was planned with is stored: the check tests switch off to show
   * what it prevents.
   */
  reconcile?: boolean;
  onProgress?: (progress: PartitionProgress) => void;
  /** The items of each page this run stored (not those another run stored first): what schema drift compares. */
  onItems?: (listing: Listing, items: readonly unknown[]) => void;
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
export async function fetchPartition(inLake: PartitionInLake, ctx: FetchContext): Promise<PartitionOutcome> {
  const { store, root } = inLake;
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
  if (result.kind !== 'complete')
    return { ...outcome, complete: false, pages: result.pages, ...(result.note ? { note: result.note } : {}) };

  if (result.windows) {
    // Every window is complete: the snapshot as a whole is.
    const success: Success = {
      pages: result.pages,
      count: result.count,
      windows: result.windows,
      runId: ctx.runId,
      completedAt: new Date().toISOString(),
    };
    await store.putIfAbsent(successKey(root.listing), JSON.stringify(success));
  }
  return { ...outcome, complete: true, pages: result.pages, ...(result.resized ? { resized: result.resized } : {}) };
}

type TreeResult =
  | { kind: 'complete'; pages: number; count: number; windows?: number; resized?: 'grew' | 'shrank' }
  | { kind: 'incomplete'; pages: number; note?: string };

/** What page 1 of a new listing told: its manifest (page 1 stored beside it), a split, or nothing yet (stopped). */
type Probe =
  { kind: 'sized'; manifest: Manifest; present: Set<number> } | { kind: 'split'; split: Split } | { kind: 'stopped' };

/** Passes of reading pages again that one run gives a listing before it leaves it open. */
export const RECONCILE_PASSES = 4;

/** A page read kept in memory: which read of the page it is, the count it saw, its items' ids. */
type Read = PageRead & { read: number };

/** A listing being read by this run (ListingFetcher.#listingRead). */
interface ListingRead {
  listing: Listing;
  planned: Manifest;
  /** Pages the lake holds. */
  present: Set<number>;
  /** The newest read of each page this run made or loaded. */
  reads: Map<number, Read>;
  /** Pages the API refused in this run: not part of the listing as it stands, whatever the lake holds. */
  gone: Set<number>;
  /** Fetches one read of a page and stores it under its own key; 'end' when the API refuses the page. */
  fetchAndStore: (page: number, read: number) => Promise<Read | 'end'>;
}

/** The pages of a listing agree with one state of the API: the count and pages it is sealed with. */
type Agreed = { kind: 'sealed'; count: number; pages: number };

const stopped = (pages: number, note?: string): Extract<ListingResult, { kind: 'stopped' }> => ({
  kind: 'stopped',
  pages,
  ...(note ? { note } : {}),
});

class ListingFetcher {
  /** Page 1 of each listing this run sized, by unit id: stored, not to be counted as skipped. */
  readonly #firstPages = new Map<string, Read>();
  /** Items this run saw leave or join the listings it read (count changes between their answers). */
  #movement = 0;
  /** The largest drift of the listing being read (listings are read one at a time). */
  #drift = 0;
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
  async size(inLake: ListingInLake, selected: boolean): Promise<ListingInLake> {
    const { state, listing } = inLake;
    if (state.status !== 'split') {
      const sized = await this.#sizeOne(inLake, selected);
      return sized.state.status === 'split' ? this.size(sized, true) : sized;
    }
    // One level at a time: the windows' counts are checked against their parent before any
    // window is split further, so an API that ignores the filter costs a few probes, not a tree.
    const fresh = new Set<ListingInLake>();
    const probed = await settleAll(
      state.windows.map(async (window) => {
        if (window.state.status === 'split') return window;
        const sized = await this.#sizeOne(window, selected || this.#asked(window));
        if (sized !== window && sized.state.status === 'split') fresh.add(sized);
        return sized;
      }),
    );
    this.#checkSplit(listing, state.split, probed);
    const windows = await settleAll(
      probed.map(async (window) =>
        window.state.status === 'split'
          ? this.size(window, fresh.has(window) || selected || this.#asked(window))
          : window,
      ),
    );
    return { listing, state: { ...state, windows } };
  }

  /** A listing not split: sized by its page 1 when it is new and selected, else as it is. */
  async #sizeOne(inLake: ListingInLake, selected: boolean): Promise<ListingInLake> {
    const { state, listing } = inLake;
    if (state.status !== 'new' || !selected) return inLake;
    let probe: Probe | ListingInLake | 'leased';
    try {
      // Page 1 is asked only while this run holds the listing, and only if no run has sized it since.
      probe = await this.#probes(() =>
        this.#leased<Probe | ListingInLake>(inLake, false, (fresh) =>
          fresh.state.status === 'new' ? this.#probe(listing) : Promise.resolve(fresh),
        ),
      );
    } catch (error) {
      // One fatal error (quota, key, store) stops the sizing: the probes still queued ask nothing.
      this.#sizingFailed = true;
      throw error;
    }
    if (probe === 'leased') return inLake;
    if ('listing' in probe) return probe;
    switch (probe.kind) {
      case 'sized':
        return { listing, state: { status: 'resume', manifest: probe.manifest, present: probe.present } };
      case 'split':
        return { listing, state: { status: 'split', split: probe.split, windows: newWindows(listing, probe.split) } };
      default:
        return inLake;
    }
  }

  /**
   * A split's windows, once all are sized, must account for the listing they replace: an API that
   * answers the filter with nothing, or with everything, would otherwise seal a snapshot of neither.
   */
  #checkSplit(listing: Listing, split: Split, windows: ListingInLake[]): void {
    const counts = windows.map((window) => listingCount(window.state));
    if (counts.some((count) => count === undefined)) return;
    if (windowsAccountFor(split.count, counts as number[], this.#movement)) return;
    const filter = listing.partition.endpoint.updatedFilter ?? 'updated';
    const sum = (counts as number[]).reduce((total, count) => total + count, 0);
    throw new ApiError(
      `${partitionLabel(listing.partition)}: the API answered the \`${filter}\` filter's windows ${windows.map((w) => windowId(w.listing.window!)).join(', ')} with ${sum} items for a listing of ${split.count}: it does not honour \`${filter}\` as the pipeline reads it, and nothing is sealed until it does`,
    );
  }

  #asked(window: ListingInLake): boolean {
    return Boolean(this.ctx.units?.has(unitId(window.listing)));
  }

  /** A listing and, when it splits, its windows one after another; `selected`: a unit asked for it. */
  async bringToEnd(inLake: ListingInLake, selected: boolean): Promise<TreeResult> {
    const { state, listing } = inLake;
    if (state.status === 'split') return this.#windows(state.split, state.windows, selected);
    if (state.status === 'complete') {
      this.counters.pagesSkipped += state.pages;
      return { kind: 'complete', pages: state.pages, count: state.success?.count ?? state.pages };
    }
    if (state.status === 'capped') return { kind: 'incomplete', pages: state.pages, note: cappedNote(state.capped) };
    // New still: not selected, or the run stopped before its page 1 was asked.
    if (!selected || (state.status === 'new' && (!this.ctx.leases || this.#mustStop())))
      return { kind: 'incomplete', pages: 0 };
    if (state.status === 'new') {
      // Another run held it while this one sized: it may have sized it since, or let it go unsized.
      const sized = await this.size(inLake, true);
      return sized.state.status === 'new' ? { kind: 'incomplete', pages: 0 } : this.bringToEnd(sized, selected);
    }

    const result = await this.#leased<ListingResult | ListingInLake>(inLake, true, (fresh) =>
      fresh.state.status === 'resume'
        ? this.#fetchListing(listing, fresh.state.manifest, fresh.state.present)
        : Promise.resolve(fresh),
    );
    if (result === 'leased') return { kind: 'incomplete', pages: state.present.size };
    // Another run moved the listing on (completed, split or capped it) before this one held it.
    if ('listing' in result) return this.bringToEnd(result, selected);
    switch (result.kind) {
      case 'complete':
        return result;
      case 'split': {
        // A cap lower than the manifest was planned for: the windows are sized before any is read.
        const sized = await this.size(
          { listing, state: { status: 'split', split: result.split, windows: newWindows(listing, result.split) } },
          true,
        );
        if (sized.state.status !== 'split') throw new Error('a split listing sized as something else');
        return this.#windows(result.split, sized.state.windows, true);
      }
      default:
        return { kind: 'incomplete', pages: result.pages, ...(result.note ? { note: result.note } : {}) };
    }
  }

  async #windows(split: Split, windows: ListingInLake[], selected: boolean): Promise<TreeResult> {
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
  async #leased<T>(
    inLake: ListingInLake,
    fetching: boolean,
    work: (fresh: ListingInLake) => Promise<T>,
  ): Promise<T | 'leased'> {
    const { leases } = this.ctx;
    if (!leases) return work(inLake);
    const held = await leases.hold(unitId(inLake.listing), async (lease) => {
      if (fetching) this.#lease = lease;
      try {
        return await work(await readListingNow(this.store, inLake.listing));
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
      if ((await store.putIfAbsent(pageKey(listing, 1), first.body)) && first.items)
        ctx.onItems?.(listing, first.items);
      present.add(1);
      this.#firstPages.set(unitId(listing), { read: 1, count: first.envelope.count, ids: first.ids });
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
   * One sized listing: the missing pages from the last to the first at bounded concurrency; then,
   * until its pages agree with one state of the API (reconcile.ts), the pages that disagree read
   * again under new keys, a few passes at most; then `_SUCCESS`.
   */
  async #fetchListing(listing: Listing, planned: Manifest, present: Set<number>): Promise<ListingResult> {
    this.#drift = 0;
    const read = this.#listingRead(listing, planned, present);
    const first = await this.#firstPass(read);
    if (first) return first;
    const { partition } = listing;
    if (partition.load === 'updated' && partition.date >= this.ctx.today) {
      // Not reconciled yet: it still gains games, and is read again once its day is over.
      return stopped(
        present.size,
        `the ${partition.date} window stays open until its UTC day is over; the next run completes it`,
      );
    }
    const verdict = await this.#agree(read);
    if (verdict.kind === 'stopped') return verdict;
    return this.#seal(listing, planned, verdict);
  }

  /** A listing being read: what this run knows of its pages, and how it reads one more. */
  #listingRead(listing: Listing, planned: Manifest, present: Set<number>): ListingRead {
    const { ctx, store, counters } = this;
    const reads = new Map<number, Read>();
    const gone = new Set<number>();
    const first = this.#firstPages.get(unitId(listing));
    if (first) reads.set(1, first);
    // Page 1 read by this run's sizing is not a page skipped.
    counters.pagesSkipped += present.size - (first ? 1 : 0);
    const fetchAndStore = async (page: number, read: number): Promise<Read | 'end'> => {
      const params = { ...planned.params, page_size: String(planned.pageSize) };
      const result = await ctx.client.fetchPage(listing.partition.endpoint.path, page, params);
      counters.pagesFetched += 1;
      if (result.status === 'end') {
        gone.add(page);
        reads.delete(page);
        return 'end';
      }
      gone.delete(page);
      const fetched: Read = { read, count: result.envelope.count, ids: result.ids };
      let stored: boolean;
      try {
        stored = await store.putIfAbsent(pageKey(listing, page, read), result.body);
      } finally {
        result.release?.();
      }
      if (stored && result.items) ctx.onItems?.(listing, result.items);
      // Another run stored this read first: the lake's copy is the one a seal is checked against.
      const kept = stored ? fetched : await this.#storedRead(listing, page, read);
      this.#saw(Math.abs(kept.count - planned.count));
      reads.set(page, kept);
      present.add(page);
      this.#progress(planned);
      return kept;
    };
    return { listing, planned, present, reads, gone, fetchAndStore };
  }

  /**
   * The pages the lake lacks, deepest first, telling the API's cap from a listing that shrank.
   * Undefined when the listing is read as far as the API serves it; else how it ended (split,
   * capped, or stopped).
   */
  async #firstPass(read: ListingRead): Promise<ListingResult | undefined> {
    const { listing, planned, present, reads, fetchAndStore } = read;
    const firstRead = (page: number) => fetchAndStore(page, 1);
    // Deeper than the API serves (a cap lowered since the manifest, or no filter to split by):
    // split it if it can be, else fetch what is served and no page past it.
    const servable = Math.floor(this.maxResults / planned.pageSize);
    if (planned.pages > servable) {
      const split = await this.#split(listing, planned.count, this.maxResults);
      if (split) return split;
    }

    // The pages the lake lacks, from the last to the first: in a listing that only loses items,
    // a removal then moves items only into pages still to be read.
    const missing = Array.from({ length: Math.min(planned.pages, servable) }, (_, i) => i + 1)
      .filter((page) => !present.has(page))
      .reverse();
    // The first refusal stops the pass: it is the cap (the pages below it would be wasted) or a
    // shrink. The deepest page goes alone first: against a lower cap, it is the one page refused.
    const deepest = missing.length > 1 ? await this.#readPages(missing.slice(0, 1), firstRead, true) : undefined;
    const pass =
      deepest?.refused.length || deepest?.capped
        ? deepest
        : await this.#readPages(deepest ? missing.slice(1) : missing, firstRead, true);
    if (pass.capped) return stopped(planned.pages);
    if (!pass.refused.length) return planned.pages > servable ? this.#cap(listing, planned.count, servable) : undefined;

    const lowest = Math.min(...pass.refused);
    const cap = await this.#findCap(listing, planned, lowest, reads, firstRead);
    if (cap === 'stopped') return stopped(planned.pages);
    if (cap) {
      // Learnt once: every listing of the partition not yet read is sized to it before its pages are.
      this.maxResults = Math.min(this.maxResults, cap.pages * planned.pageSize);
      const split = await this.#split(listing, cap.count, cap.pages * planned.pageSize);
      if (split) return split;
      const upToCap = Array.from({ length: cap.pages }, (_, i) => cap.pages - i).filter((page) => !present.has(page));
      if ((await this.#readPages(upToCap, firstRead)).capped) return stopped(planned.pages);
      return this.#cap(listing, cap.count, cap.pages);
    }
    // A shrink: the rest of the pass goes on below the refused page.
    const rest = await this.#readPages(
      missing.filter((page) => page < lowest && !present.has(page)),
      firstRead,
      false,
    );
    return rest.capped ? stopped(planned.pages) : undefined;
  }

  /**
   * Until the listing's pages agree with one state of the API (reconcile.ts), the pages that
   * disagree are read again under new keys, a few passes at most: the count and pages to seal
   * with, or why the listing stays open.
   */
  async #agree(read: ListingRead): Promise<Extract<ListingResult, { kind: 'stopped' }> | Agreed> {
    const { ctx } = this;
    const { listing, planned, present, reads, gone, fetchAndStore } = read;
    const prefix = listingPrefix(listing);
    const servable = Math.floor(this.maxResults / planned.pageSize);
    const shrinkOnly = onlyLoses(listing, planned);
    for (let passes = 0; ; passes++) {
      // Trust the lake, not memory: one LIST names the newest read of every page before the marker.
      const newest = await this.#newestReads(prefix);
      for (const [page, number] of newest) {
        if (!gone.has(page) && (reads.get(page)?.read ?? 0) < number)
          reads.set(page, await this.#storedRead(listing, page, number));
      }
      if (ctx.reconcile === false) {
        // Switched off: sealed once the planned pages are stored, or up to the first one refused.
        let pages = 0;
        while (newest.has(pages + 1)) pages += 1;
        if (pages < Math.min(planned.pages, servable) && !gone.has(pages + 1)) return stopped(pages);
        return { kind: 'sealed', count: planned.count, pages };
      }
      const verdict = reconcile(reads, planned.pageSize, shrinkOnly);
      if (verdict.kind === 'sealed') return verdict;
      if (passes === RECONCILE_PASSES) {
        return stopped(
          present.size,
          `the listing kept changing while it was read (${verdict.why}) after ${RECONCILE_PASSES} passes: it stays incomplete; the next run reads it again`,
        );
      }
      const wanted = verdict.pages.filter((page) => page <= servable);
      if (wanted.length === 0)
        return stopped(
          present.size,
          `${verdict.why}, past the ${this.maxResults} results the API serves: it stays incomplete`,
        );
      const again = await this.#readPages(wanted, (page) => fetchAndStore(page, (newest.get(page) ?? 0) + 1));
      if (again.capped) return stopped(present.size);
      // A page refused now: the listing shrank under it, so the page below is read again to learn where it ends.
      const below = again.refused.map((page) => page - 1).filter((page) => page >= 1 && !wanted.includes(page));
      if (below.length) {
        const latest = await this.#newestReads(prefix);
        const more = await this.#readPages(
          [...new Set(below)].sort((a, b) => b - a),
          (page) => fetchAndStore(page, (latest.get(page) ?? 0) + 1),
        );
        if (more.capped) return stopped(present.size);
      }
    }
  }

  /** `_SUCCESS`, with the count and pages the listing was sealed with, and whether it grew or shrank on the way. */
  async #seal(listing: Listing, planned: Manifest, { count, pages }: Agreed): Promise<ListingResult> {
    const resized = count > planned.count ? 'grew' : count < planned.count ? 'shrank' : undefined;
    const success: Success = {
      pages,
      count,
      ...(resized ? { resized } : {}),
      runId: this.ctx.runId,
      completedAt: new Date().toISOString(),
    };
    await this.store.putIfAbsent(successKey(listing), JSON.stringify(success));
    return { kind: 'complete', pages, count, ...(resized ? { resized } : {}) };
  }

  /**
   * Reads pages in the order given by `concurrency` workers, each taking the next page in turn.
   * Stops taking pages once the allowance is spent (`capped`), a fatal error is thrown, or (when
   * `stopAtRefusal`) the API refuses a page; the pages refused are returned.
   */
  async #readPages(
    pages: number[],
    read: (page: number) => Promise<Read | 'end'>,
    stopAtRefusal = false,
  ): Promise<{ capped: boolean; refused: number[] }> {
    let capped = false;
    let failed = false;
    const refused: number[] = [];
    let cursor = 0;
    const worker = async () => {
      while (cursor < pages.length) {
        if (failed) return; // one fatal error (quota, key, store) stops the listing: no more requests
        if (stopAtRefusal && refused.length) return;
        const page = pages[cursor++]!;
        if (!this.#take()) {
          capped = true;
          return;
        }
        try {
          if ((await read(page)) === 'end') refused.push(page);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    // allSettled: after a fatal error, the writes already under way finish before the run ends.
    const settled = await Promise.allSettled(Array.from({ length: Math.max(1, this.ctx.concurrency) }, worker));
    const failure = settled.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    return { capped, refused };
  }

  /**
   * A refused page within what `count` promised is the cap when the listing still holds that many
   * items (page 1 asked again tells), a shrink otherwise. The cap is then found between the
   * highest page served and the lowest refused, halving: a few requests, once for the partition.
   */
  async #findCap(
    listing: Listing,
    manifest: Manifest,
    refusedPage: number,
    reads: Map<number, Read>,
    read: (page: number) => Promise<Read | 'end'>,
  ): Promise<{ count: number; pages: number } | undefined | 'stopped'> {
    if (!this.#take()) return 'stopped';
    const first = await this.ctx.client.fetchPage(listing.partition.endpoint.path, 1, {
      ...manifest.params,
      page_size: String(manifest.pageSize),
    });
    this.counters.pagesFetched += 1;
    if (first.status !== 'page') return undefined;
    first.release?.();
    const { count } = first.envelope;
    if (count <= (refusedPage - 1) * manifest.pageSize) return undefined;
    // The pages served on the way are stored: they are kept if the listing cannot be split.
    let served = Math.max(1, ...[...reads.keys()].filter((page) => page < refusedPage));
    let refused = refusedPage;
    while (refused - served > 1) {
      const middle = Math.floor((served + refused) / 2);
      if (!this.#take()) return 'stopped';
      if ((await read(middle)) === 'end') refused = middle;
      else served = middle;
    }
    return { count, pages: served };
  }

  /** How far a listing's count moved from its manifest's: items that left it or joined it (the largest a listing showed, summed). */
  #saw(drift: number): void {
    if (drift <= this.#drift) return;
    this.#movement += drift - this.#drift;
    this.#drift = drift;
  }

  /** The newest read of each page stored under `prefix`. */
  async #newestReads(prefix: string): Promise<Map<number, number>> {
    const newest = new Map<number, number>();
    for (const key of await this.store.list(prefix)) {
      const parsed = pageRead(key, prefix);
      if (parsed && (newest.get(parsed.page) ?? 0) < parsed.read) newest.set(parsed.page, parsed.read);
    }
    return newest;
  }

  /** A read stored by an earlier run (or another one): its count and its items' ids, from its bytes. */
  async #storedRead(listing: Listing, page: number, read: number): Promise<Read> {
    const key = pageKey(listing, page, read);
    const envelope = parseStored(envelopeSchema, (await this.store.get(key)) ?? new Uint8Array(), key);
    return { read, count: envelope.count, ids: itemIds(envelope) };
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
      return {
        kind: 'split',
        split: parseStored(splitSchema, (await this.store.get(splitKey(listing)))!, splitKey(listing)),
      };
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
function newWindows(listing: Listing, split: Split): ListingInLake[] {
  return split.windows.map((window) => ({
    listing: { partition: listing.partition, window },
    state: { status: 'new' },
  }));
}

/** The lowest depth cap the partition's split records have seen, or the configured one. */
function smallestCap(inLake: ListingInLake, configured: number): number {
  const { state } = inLake;
  if (state.status !== 'split') return configured;
  return state.windows.reduce((cap, window) => smallestCap(window, cap), Math.min(configured, state.split.maxResults));
}

function cappedNote(capped: Capped): string {
  return `the API serves ${capped.maxResults} of its ${capped.count} items and this endpoint has no filter to read the rest in windows: the pages up to the cap are kept; the listing stays incomplete`;
}

/**
 * A listing that can only lose items while it is read: its `updated` days all end before the day
 * it was started, so an edit (to today) or a deletion takes items out and nothing comes in.
 */
function onlyLoses(listing: Listing, manifest: Manifest): boolean {
  const { partition, window } = listing;
  const lastDay = window ? window.to : partition.load === 'updated' ? partition.date : undefined;
  return lastDay !== undefined && lastDay < manifest.createdAt.slice(0, 10);
}
