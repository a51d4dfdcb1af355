import pLimit from 'p-limit';
import { refreshDaysOf } from '../config/freshness.js';
import { findEndpoint } from '../config/load.js';
import { isPerItem, type Endpoint, type EndpointsFile } from '../config/schema.js';
import { itemsWorkNow, knowledgeOf } from './items.js';
import type { ItemsWork } from './planner.js';
import { ConfigError } from '../errors.js';
import type { ObjectStore } from '../lake/store.js';
import { backlogDays } from './backlog.js';
import { addDays, dayNumber, daysBetween, parseDate, todayUtc, yesterdayUtc } from '../dates.js';
import { dateOfFolder, isLoad, loadPrefix, parseWindowId, partitionId, unitId } from '../lake/layout.js';
import { snapshotPartition, updatedPartition, type Partition } from './partition.js';
import { isClosed, readPartition, type ListingInLake, type PartitionInLake } from './listing-state.js';

/**
 * snapshot: the full listing (any endpoint): the open snapshot resumed, else today's begun.
 * updated: the `updated` partitions of days (endpoints that allow it). daily: `updated` where
 * allowed, plus that endpoint's open snapshot if one is unfinished (a backfill), and a snapshot
 * of every other endpoint once its last one is `refreshDays` old.
 */
export const MODES = ['snapshot', 'updated', 'daily'] as const;
export type Mode = (typeof MODES)[number];

/** Mode words that no longer run, each with the word that replaced it. */
const RENAMED_MODES: Readonly<Record<string, Mode>> = { incremental: 'updated' };

/** A `--mode` value as a mode; a usage error for any other word, naming the replacement of a renamed one. */
export function parseMode(value: string): Mode {
  if ((MODES as readonly string[]).includes(value)) return value as Mode;
  const renamed = RENAMED_MODES[value];
  if (renamed) throw new ConfigError(`--mode ${value} is now --mode ${renamed}`);
  throw new ConfigError(`--mode ${value} is not a mode: use ${MODES.join(', ')}`);
}

export interface Selection {
  /** Endpoint names, or 'all'. */
  endpoints: string[] | 'all';
  mode: Mode;
  date?: string;
  from?: string;
  to?: string;
}

/** A partition to work on; `backfill` marks an open snapshot continued by a daily run. */
export interface Work {
  inLake: PartitionInLake;
  backfill: boolean;
  /** Pages the endpoint's previous listing of this kind held: what a new one is expected to cost. */
  typicalPages?: number;
  /** Unit ids to restrict the work to (windows of the partition, or the partition itself). */
  units?: Set<string>;
}

/** The partitions a run covers, planned against the lake, in the order it works through them. */
export async function selectWork(
  file: EndpointsFile,
  selection: Selection,
  store: ObjectStore,
  now = new Date(),
): Promise<Work[]> {
  const { mode } = selection;
  checkDayFlags(selection);
  const today = todayUtc(now);
  const all = selection.endpoints === 'all';
  const endpoints = all
    ? file.endpoints
    : unique(selection.endpoints as string[]).map((name) => findEndpoint(file, name));
  const date =
    selection.date === undefined ? undefined : notInFuture(parseDate(selection.date, '--date'), today, '--date');
  const givenDays = selection.from
    ? daysBetween(selection.from, notInFuture(selection.to!, today, '--to'))
    : date
      ? [date]
      : undefined;
  const limit = pLimit(8);
  const context: SelectContext = {
    store,
    mode,
    now,
    today,
    date,
    givenDays,
    read: (partition) => limit(() => readPartition(store, partition)),
  };
  const work: Promise<Work[]>[] = [];
  // Resources fetched per item are planned by selectItemsWork.
  for (const endpoint of endpoints.filter((e) => !isPerItem(e))) {
    const updated = mode !== 'snapshot' && endpoint.updatedFilter !== undefined;
    if (mode === 'updated' && !updated) {
      if (all) continue;
      throw new ConfigError(`endpoint "${endpoint.name}" has no \`updated\` filter: use --mode snapshot`);
    }
    if (updated) {
      work.push(updatedWork(endpoint, context));
      // A daily run also continues the endpoint's open snapshot, as its backfill.
      if (mode === 'daily' && date === undefined) work.push(backfillWork(endpoint, context));
    } else work.push(snapshotWork(endpoint, context));
  }
  const selected = (await Promise.all(work)).flat();
  if (!selected.length && mode === 'updated' && !endpoints.some(isPerItem))
    throw new ConfigError('no endpoint of config/endpoints.json has an `updated` filter: use --mode snapshot');
  return selected;
}

/** What selecting one endpoint's work needs to know of the run. */
interface SelectContext {
  store: ObjectStore;
  mode: Selection['mode'];
  now: Date;
  today: string;
  /** `--date`, checked. */
  date: string | undefined;
  /** The `updated` days `--date` or `--from`/`--to` name. */
  givenDays: string[] | undefined;
  /** Plans a partition against the lake, a few at a time. */
  read: (partition: Partition) => Promise<PartitionInLake>;
}

function checkDayFlags(selection: Selection): void {
  if ((selection.from === undefined) !== (selection.to === undefined)) {
    throw new ConfigError('--from and --to go together: give both, or --date');
  }
  if (selection.from !== undefined && selection.date !== undefined) {
    throw new ConfigError('give either --date or --from/--to, not both');
  }
  if (selection.from !== undefined && selection.mode === 'snapshot') {
    throw new ConfigError(
      '--from/--to select days of `updated` partitions: a snapshot is taken of today, use --mode updated',
    );
  }
}

/** An endpoint's `updated` partitions: the days given; else a daily run's backlog, oldest first; else yesterday. */
async function updatedWork(endpoint: Endpoint, { store, mode, now, givenDays, read }: SelectContext): Promise<Work[]> {
  const days = givenDays ?? (mode === 'daily' ? await backlogDays(store, endpoint, now) : [yesterdayUtc(now)]);
  return Promise.all(
    days.map(async (day) => {
      const dayInLake = await read(updatedPartition(endpoint, day));
      // A daily run prices today's `updated` partition by the day before's (one GET of its marker).
      if (mode !== 'daily' || dayInLake.root.state.status !== 'new') return { inLake: dayInLake, backfill: false };
      const before = await read(updatedPartition(endpoint, addDays(day, -1)));
      return { inLake: dayInLake, backfill: false, ...typical(before) };
    }),
  );
}

/** A daily run's share of an endpoint's open snapshot, if one is open. */
async function backfillWork(endpoint: Endpoint, { store, today, read }: SelectContext): Promise<Work[]> {
  const open = await openSnapshot(store, endpoint, today, read);
  return open && !isClosed(open.root) ? [{ inLake: open, backfill: true }] : [];
}

/**
 * An endpoint read whole: the snapshot of `--date`; in a daily run, the open snapshot, or a new
 * one once the last is `refreshDays` old; otherwise the open snapshot, or today's.
 */
async function snapshotWork(endpoint: Endpoint, { store, mode, today, date, read }: SelectContext): Promise<Work[]> {
  if (date !== undefined) return [{ inLake: await read(snapshotPartition(endpoint, date)), backfill: false }];
  const last = await openSnapshot(store, endpoint, today, read);
  if (mode === 'daily') {
    if (last && !isClosed(last.root)) return [{ inLake: last, backfill: false }];
    const age = last ? dayNumber(today) - dayNumber(last.partition.date) : Infinity;
    if (last && age < refreshDaysOf(endpoint))
      return last.partition.date === today ? [{ inLake: last, backfill: false }] : [];
  } else if (last && (!isClosed(last.root) || last.partition.date === today)) {
    return [{ inLake: last, backfill: false }];
  }
  return [{ inLake: await read(snapshotPartition(endpoint, today)), backfill: false, ...(last ? typical(last) : {}) }];
}

/**
 * The per-item endpoints a run covers, read from the lake (their batches, and the parent's items
 * for their popularity and versions): every one in daily mode (each gets its share of the day),
 * and those named with --endpoint in any mode (they may spend what the budget allows).
 */
export async function selectItemsWork(
  file: EndpointsFile,
  selection: Selection,
  store: ObjectStore,
  now = new Date(),
): Promise<ItemsWork[]> {
  const named = selection.endpoints === 'all' ? [] : selection.endpoints;
  const chosen = file.endpoints.filter(
    (e) => isPerItem(e) && (named.includes(e.name) || (selection.endpoints === 'all' && selection.mode === 'daily')),
  );
  return Promise.all(
    chosen.map((endpoint) =>
      itemsWorkNow(store, {
        endpoint,
        date: todayUtc(now),
        batches: [],
        knowledge: knowledgeOf(new Map(), []),
        explicit: named.includes(endpoint.name),
      }),
    ),
  );
}

/** The units named by `gmp ingest --unit`, planned against the lake. */
export async function selectUnits(
  file: EndpointsFile,
  ids: string[],
  store: ObjectStore,
  now = new Date(),
): Promise<Work[]> {
  const byPartition = new Map<string, { partition: Partition; units: Set<string> }>();
  for (const id of unique(ids)) {
    const partition = parseUnitId(file, id, todayUtc(now));
    const key = partitionId(partition.endpoint.name, partition.load, partition.date);
    const entry = byPartition.get(key) ?? { partition, units: new Set<string>() };
    entry.units.add(id);
    byPartition.set(key, entry);
  }
  const limit = pLimit(8);
  return Promise.all(
    [...byPartition.values()].map(({ partition, units }) =>
      limit(async () => {
        const inLake = await readPartition(store, partition);
        for (const id of units) mustBeUnitOf(inLake, id);
        return { inLake, backfill: false, units };
      }),
    ),
  );
}

/**
 * Exit 2 unless `id` names a listing of the partition as the lake records it: the partition
 * itself, or a window of a split the lake holds. A stale or mistyped window would otherwise be
 * run, and found incomplete, forever. A complete partition holds every window it ever had.
 */
function mustBeUnitOf(inLake: PartitionInLake, id: string): void {
  const { root, partition } = inLake;
  if (id === unitId(root.listing) || root.state.status === 'complete') return;
  const ids = new Set<string>();
  const walk = (listing: ListingInLake) => {
    ids.add(unitId(listing.listing));
    if (listing.state.status === 'split') listing.state.windows.forEach(walk);
  };
  walk(root);
  if (ids.has(id)) return;
  const why =
    root.state.status === 'new'
      ? `the lake holds no snapshot ${unitId(root.listing)}`
      : `${unitId(root.listing)} has no such window`;
  throw new ConfigError(
    `--unit ${id} names no unit of the current plan (${why}): \`gmp plan --endpoint ${partition.endpoint.name}\` lists the units`,
  );
}

/** `games/snapshot/2026-12-01[/updated~A~B]` as the partition it belongs to; exit 2 when malformed. */
function parseUnitId(file: EndpointsFile, id: string, today: string): Partition {
  const [name, load, date, window, ...rest] = id.split('/');
  const bad = () =>
    new ConfigError(
      `--unit "${id}" is not a unit id: use one that \`gmp plan --json\` printed, e.g. genres/snapshot/${today}`,
    );
  if (!name || !load || !date || rest.length || !isLoad(load)) throw bad();
  if (window !== undefined && (load !== 'snapshot' || !parseWindowId(window))) throw bad();
  const endpoint = findEndpoint(file, name);
  const day = notInFuture(parseDate(date, '--unit'), today, '--unit');
  if (load === 'updated') {
    if (!endpoint.updatedFilter)
      throw new ConfigError(`endpoint "${name}" has no \`updated\` filter: --unit ${id} cannot exist`);
    return updatedPartition(endpoint, day);
  }
  return snapshotPartition(endpoint, day);
}

/**
 * The newest snapshot of an endpoint in the lake, planned; undefined when there is none. An open
 * snapshot is resumed by later runs, whatever day they run on, until it is complete.
 */
async function openSnapshot(
  store: ObjectStore,
  endpoint: Endpoint,
  today: string,
  read: (partition: Partition) => Promise<PartitionInLake>,
): Promise<PartitionInLake | undefined> {
  const dates = (await store.listChildren(loadPrefix(endpoint.name, 'snapshot')))
    .map(dateOfFolder)
    .filter((day): day is string => day !== undefined && day <= today);
  const newest = dates.at(-1);
  return newest === undefined ? undefined : read(snapshotPartition(endpoint, newest));
}

/** The pages a closed listing held, as the expected cost of the next one like it. */
function typical(inLake: PartitionInLake): { typicalPages?: number } {
  const { state } = inLake.root;
  return state.status === 'complete' || state.status === 'capped' ? { typicalPages: state.pages } : {};
}

function notInFuture(date: string, today: string, flag: string): string {
  if (date > today)
    throw new ConfigError(`${flag} ${date} is in the future (today is ${today} UTC): the API has no data for it yet`);
  return date;
}

const unique = <T>(items: T[]): T[] => [...new Set(items)];
