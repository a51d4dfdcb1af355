/**
 * The one planner: from the selected work and the month's budget, the units of work, what they
 * cost, and how they split into shards that runners (the CLI, Dagger, Step Functions, Actions)
 * execute as `gmp ingest --unit ...`. `gmp plan --json` prints exactly this.
 */
import { refreshDaysOf } from '../config/freshness.js';
import { daysLeftInMonth } from '../dates.js';
import type { Budget } from './ledger.js';
import { pagesFor } from '../lake/markers.js';
import { listingPrefix, unitId, windowId } from '../lake/layout.js';
import { knownApiRequests, openListings, type ListingInLake } from './listing-state.js';
import type { Work } from './select.js';
import { itemsUnitId } from '../lake/items.js';
import type { ItemsBatch } from '../lake/items.js';
import type { ParentItem } from '../lake/parent-items.js';
import { costOfNextPoints, type Coverage, type ItemsKnowledge } from './items.js';
import type { Endpoint } from '../config/schema.js';

/**
 * The share of what a day may spend, once the daily days are paid for, that goes to resources
 * fetched per item (a game's detail): a quarter, so the catalogue's backfill, which every mart
 * needs, keeps most of it, while the details of the few thousand games that make most of the
 * market (by `added`) still arrive within the first weeks.
 */
export const ITEMS_SHARE = 0.25;

/** A per-item endpoint as the lake holds it now: its batches and what is known and left. */
export interface ItemsWork {
  endpoint: Endpoint;
  /** The day a new batch is pinned to (today). */
  date: string;
  batches: ItemsBatch[];
  knowledge: ItemsKnowledge;
  /** Named on the command line: it may spend what the budget and --max-pages allow; otherwise (daily) its share. */
  explicit: boolean;
}

export interface ItemsUnit {
  id: string;
  endpoint: string;
  date: string;
  /** new: a batch to pin; resume: a pinned batch not yet sealed; complete: nothing to fetch now. */
  state: 'new' | 'resume' | 'complete';
  /** The items a new batch pins, most added first (ids and versions); empty otherwise. */
  chosen: ParentItem[];
  apiRequestsExpected: number;
  coverage: Coverage;
  /** What the next 10 points of `added`-weighted coverage cost, in requests. */
  nextTenPoints: { requests: number; points: number };
  /** The requests a new batch may take (its share, or what a named run may spend). */
  allowance: number;
}

export interface PlannedUnit {
  id: string;
  endpoint: string;
  load: string;
  date: string;
  /** The window of a snapshot read in windows (`updated~A~B`), else null. */
  window: string | null;
  state: 'new' | 'resume' | 'complete' | 'capped';
  /** Pages of the listing when known. */
  pages: number | null;
  /** Requests known to be needed (a new listing: 1, its page 1). */
  apiRequestsKnown: number;
  /** Requests expected, from the counts already seen (a new window's share of its parent). */
  apiRequestsExpected: number;
  /** A daily run's share of an open backfill. */
  backfill: boolean;
}

export interface Shard {
  units: string[];
  /** Pages the shard may fetch; null: no cap but the budget. */
  maxPages: number | null;
  /** What to run after `gmp`. */
  args: string[];
}

export interface WorkPlan {
  api: string;
  budget: Budget;
  units: PlannedUnit[];
  /** The open units' expected requests, summed. */
  apiRequestsExpected: number;
  /** Pages a daily run gives the open backfill (0 when none is open, or not in daily mode). */
  backfillPages: number;
  runsNeeded: number;
  monthsNeeded: number;
  /** Per endpoint, the `updated` days the plan still has to fetch, oldest first: a daily run's backlog. */
  backlog: { endpoint: string; days: string[] }[];
  shards: Shard[];
  /** The resources fetched per item (a game's detail): their batch, coverage and next step. */
  items: ItemsUnit[];
}

export interface PlanOptions {
  api: string;
  budget: Budget;
  pageSize: number;
  /** `--max-pages` of the run being planned. */
  maxPages?: number;
  shards?: number;
  /** The configured request rate, divided between shards that run at once. */
  requestsPerSecond: number;
  now?: Date;
}

export function planWork(work: Work[], options: PlanOptions, itemsWork: ItemsWork[] = []): WorkPlan {
  const units = work.flatMap((item) => unitsOf(item, options.pageSize));
  const open = units.filter((unit) => unit.state === 'new' || unit.state === 'resume');
  const apiRequestsExpected = open.reduce((sum, unit) => sum + unit.apiRequestsExpected, 0);
  const { budget } = options;

  // A daily run gives an open backfill an even share of what the month has left once today's own
  // work and a day like it for each day still to come are paid for.
  const todayNeeds = open.filter((unit) => !unit.backfill).reduce((sum, unit) => sum + unit.apiRequestsExpected, 0);
  const aDay = work.filter((item) => !item.backfill).reduce((sum, item) => sum + dailyCost(item, options.pageSize), 0);
  const days = daysLeftInMonth(options.now);
  const backfillShare = Math.floor(Math.max(0, budget.left - todayNeeds - aDay * (days - 1)) / days);
  const items = itemsWork.map((item) =>
    itemsUnitOf(
      item,
      item.explicit ? Math.max(0, budget.left - apiRequestsExpected) : Math.floor(backfillShare * ITEMS_SHARE),
      options.maxPages,
    ),
  );
  const backfillPages = open.some((unit) => unit.backfill)
    ? Math.min(
        backfillShare -
          items
            .filter((_, index) => !itemsWork[index]!.explicit)
            .reduce((sum, unit) => sum + unit.apiRequestsExpected, 0),
        options.maxPages ?? Infinity,
      )
    : 0;
  const perRun = Math.min(options.maxPages ?? Infinity, budget.monthly);
  const monthsNeeded =
    apiRequestsExpected === 0
      ? 0
      : apiRequestsExpected <= budget.left
        ? 1
        : 1 + Math.ceil((apiRequestsExpected - budget.left) / budget.monthly);
  const runsNeeded = apiRequestsExpected === 0 ? 0 : Math.max(monthsNeeded, Math.ceil(apiRequestsExpected / perRun));

  return {
    api: options.api,
    budget,
    units,
    apiRequestsExpected,
    backfillPages,
    runsNeeded,
    monthsNeeded,
    backlog: backlogOf(open),
    shards: [
      ...shardsOf(open, { ...options, backfillPages }),
      ...items.filter((unit) => unit.apiRequestsExpected > 0).map((unit) => itemsShard(unit, shardRate(options))),
    ],
    items,
  };
}

/**
 * A per-item endpoint's unit: a pinned batch not yet sealed is resumed (exactly its missing
 * items); otherwise, unless today's batch is sealed, a new batch pins the items that add most to
 * the `added`-weighted coverage, as many as `allowance` and --max-pages allow.
 */
export function itemsUnitOf(work: ItemsWork, allowance: number, maxPages?: number): ItemsUnit {
  const { endpoint, knowledge } = work;
  const base = {
    endpoint: endpoint.name,
    coverage: knowledge.coverage,
    nextTenPoints: costOfNextPoints(knowledge, 10),
    chosen: [] as ParentItem[],
    allowance,
  };
  const open = work.batches.find((batch) => batch.manifest && !batch.sealed);
  if (open) {
    const missing = open.manifest!.items.filter((item) => !open.stored.has(item.id) && !open.gone.has(item.id)).length;
    return {
      ...base,
      id: itemsUnitId(endpoint.name, open.date),
      date: open.date,
      state: 'resume',
      apiRequestsExpected: missing,
    };
  }
  const id = itemsUnitId(endpoint.name, work.date);
  const sealedToday = work.batches.some((batch) => batch.date === work.date && batch.sealed);
  const size = sealedToday ? 0 : Math.max(0, Math.min(allowance, maxPages ?? Infinity, knowledge.candidates.length));
  if (size === 0) return { ...base, id, date: work.date, state: 'complete', apiRequestsExpected: 0 };
  return {
    ...base,
    id,
    date: work.date,
    state: 'new',
    chosen: knowledge.candidates.slice(0, size),
    apiRequestsExpected: size,
  };
}

/** A runner runs a per-item batch by naming its endpoint: the run plans it again, the same way. */
function itemsShard(unit: ItemsUnit, rate: string[]): Shard {
  return {
    units: [unit.id],
    maxPages: unit.apiRequestsExpected,
    args: ['ingest', '--endpoint', unit.endpoint, '--max-pages', String(unit.apiRequestsExpected), ...rate, '--json'],
  };
}

/** Shards run at once, so each is given its share of the configured rate (none to give with one shard). */
function shardRate(options: PlanOptions): string[] {
  const count = Math.max(1, options.shards ?? 1);
  return count > 1 ? ['--requests-per-second', String(Number((options.requestsPerSecond / count).toFixed(3)))] : [];
}

/** The open `updated` units' days, by endpoint, in the order they run (oldest first). */
function backlogOf(open: PlannedUnit[]): WorkPlan['backlog'] {
  const byEndpoint = new Map<string, string[]>();
  for (const unit of open)
    if (unit.load === 'updated') byEndpoint.set(unit.endpoint, [...(byEndpoint.get(unit.endpoint) ?? []), unit.date]);
  return [...byEndpoint].map(([endpoint, days]) => ({ endpoint, days }));
}

/** What a day's work of this kind costs: a listing's pages, spread over the days between its snapshots. */
function dailyCost(item: Work, pageSize: number): number {
  const cost = unitsOf(item, pageSize).reduce(
    (sum, unit) =>
      sum + (unit.state === 'new' || unit.state === 'resume' ? unit.apiRequestsExpected : (unit.pages ?? 0)),
    0,
  );
  const { load, endpoint } = item.inLake.partition;
  return load === 'snapshot' ? cost / refreshDaysOf(endpoint) : cost;
}

const unitIdOf = (inLake: ListingInLake): string => unitId(inLake.listing);
const windowIdOf = (inLake: ListingInLake): string | null =>
  inLake.listing.window ? windowId(inLake.listing.window) : null;

function unitsOf(item: Work, pageSize: number): PlannedUnit[] {
  const { inLake, backfill, units: only, typicalPages } = item;
  const { partition } = inLake;
  const base = { endpoint: partition.endpoint.name, load: partition.load, date: partition.date, backfill };
  const root = inLake.root;
  if (root.state.status === 'complete' || root.state.status === 'capped') {
    return [
      {
        ...base,
        id: unitIdOf(root),
        window: null,
        state: root.state.status,
        pages: root.state.pages,
        apiRequestsKnown: 0,
        apiRequestsExpected: 0,
      },
    ];
  }
  const expected = expectedCounts(root, pageSize);
  return openListings(root)
    .filter((listing) => !only || only.has(unitIdOf(listing)) || only.has(unitIdOf(root)))
    .map((listing) => {
      const { state } = listing;
      const known = knownApiRequests(listing);
      return {
        ...base,
        id: unitIdOf(listing),
        window: windowIdOf(listing),
        state: state.status as 'new' | 'resume',
        pages: state.status === 'resume' ? state.manifest.pages : null,
        apiRequestsKnown: known,
        apiRequestsExpected: Math.max(
          known,
          expected.get(listingPrefix(listing.listing)) ?? (listing === root ? (typicalPages ?? known) : known),
        ),
      };
    });
}

/**
 * The requests a window not yet started should take: its parent's count less what its started
 * siblings hold, shared among the siblings not yet started (halves cover their parent exactly).
 */
function expectedCounts(root: ListingInLake, pageSize: number): Map<string, number> {
  const expected = new Map<string, number>();
  const countOf = (inLake: ListingInLake): number | undefined => {
    const { state } = inLake;
    if (state.status === 'split') return state.split.count;
    if (state.status === 'resume') return state.manifest.count;
    if (state.status === 'complete' || state.status === 'capped') return state.pages * pageSize;
    return undefined;
  };
  const walk = (inLake: ListingInLake) => {
    if (inLake.state.status !== 'split') return;
    const { windows, split } = inLake.state;
    const unknown = windows.filter((window) => countOf(window) === undefined);
    const rest = Math.max(0, split.count - windows.reduce((sum, window) => sum + (countOf(window) ?? 0), 0));
    for (const window of unknown)
      expected.set(listingPrefix(window.listing), pagesFor(rest / unknown.length, pageSize));
    windows.forEach(walk);
  };
  walk(root);
  return expected;
}

/**
 * Open units dealt round-robin into at most `shards` shards. A daily run's backfill units get
 * their own shards, capped together at the backfill's share; the rest run uncapped.
 */
function shardsOf(open: PlannedUnit[], options: PlanOptions & { backfillPages: number }): Shard[] {
  const count = Math.max(1, options.shards ?? 1);
  const deal = (units: PlannedUnit[], slots: number): string[][] => {
    const dealt: string[][] = Array.from({ length: Math.min(slots, units.length) }, () => []);
    units.forEach((unit, index) => dealt[index % dealt.length]!.push(unit.id));
    return dealt;
  };
  const shard = (ids: string[], maxPages: number | null): Shard => ({
    units: ids,
    maxPages,
    args: [
      'ingest',
      ...ids.flatMap((id) => ['--unit', id]),
      ...(maxPages === null ? [] : ['--max-pages', String(maxPages)]),
      ...shardRate(options),
      '--json',
    ],
  });
  const regular = open.filter((unit) => !unit.backfill);
  const backfill = open.filter((unit) => unit.backfill);
  const regularCap = options.maxPages ?? null;
  const shards = deal(regular, count).map((ids, _, all) =>
    shard(ids, regularCap === null ? null : Math.max(1, Math.floor(regularCap / all.length))),
  );
  if (backfill.length && options.backfillPages > 0) {
    const dealt = deal(backfill, Math.min(count, options.backfillPages));
    for (const ids of dealt) shards.push(shard(ids, Math.floor(options.backfillPages / dealt.length)));
  }
  return shards;
}
