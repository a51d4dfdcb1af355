/**
 * The lake's key layout, and its only owner. Every reader and writer of the lake (ingest, status,
 * the report, the dbt source generator) spells keys through here:
 *
 *   raw/{endpoint}/load={snapshot|updated}/date={YYYY-MM-DD}/[window=updated~A~B/]page=00001.json
 *
 * (a page read again to reconcile a listing that changed while it was read is a new object,
 * `page=00001.read2.json`; the newest read of a page is the one a seal is checked against)
 * beside each listing's markers (`_manifest.json`, `_SUCCESS`, `_split.json`, `_capped.json`).
 */

/** The pages and their markers; the same partitions as Parquet; a record per run; the plans runners execute. */
export const RAW_PREFIX = 'raw/';
export const COMPACT_PREFIX = 'compact/';
export const RUNS_PREFIX = '_runs/';
export const PLANS_PREFIX = '_plans/';

/** A plan saved by `gmp plan --save NAME`, and its shards, which a Step Functions run maps over. */
export const planKey = (name: string): string => `${PLANS_PREFIX}${name}/plan.json`;
export const shardsKey = (name: string): string => `${PLANS_PREFIX}${name}/shards.json`;

export const LOADS = ['snapshot', 'updated'] as const;
export type Load = (typeof LOADS)[number];

export const isLoad = (value: string): value is Load => (LOADS as readonly string[]).includes(value);

/** The games whose `updated` day lies in [from, to]: a slice of a snapshot that fits under the depth cap. */
export interface Window {
  from: string;
  to: string;
}

/** What a key needs of a partition: its endpoint's name, load and logical date. */
export interface PartitionRef {
  endpoint: { name: string };
  load: Load;
  date: string;
}

/** A partition, or one window of it. */
export interface ListingRef {
  partition: PartitionRef;
  window?: Window;
}

const DAY = String.raw`\d{4}-\d{2}-\d{2}`;

/** `updated~2010-01-01~2011-06-30`: the window's name in keys and unit ids. */
export const windowId = (w: Window): string => `updated~${w.from}~${w.to}`;

export function parseWindowId(id: string): Window | undefined {
  const match = new RegExp(`^updated~(${DAY})~(${DAY})$`).exec(id);
  return match && match[1]! <= match[2]! ? { from: match[1]!, to: match[2]! } : undefined;
}

/** `games/snapshot/2026-12-01`: a partition's id in outputs, run records and unit ids. */
export const partitionId = (endpoint: string, load: string, date: string): string => `${endpoint}/${load}/${date}`;

/** A unit's id, as `gmp plan` prints it and `gmp ingest --unit` takes it: `games/snapshot/2026-12-01[/updated~A~B]`. */
export function unitId({ partition: { endpoint, load, date }, window }: ListingRef): string {
  return `${partitionId(endpoint.name, load, date)}${window ? `/${windowId(window)}` : ''}`;
}

/** The folder of an endpoint's partitions of one load; its children are `date=YYYY-MM-DD`. */
export const loadPrefix = (endpoint: string, load: Load): string => `${RAW_PREFIX}${endpoint}/load=${load}/`;

/** The date a `date=YYYY-MM-DD` folder name holds. */
export const dateOfFolder = (name: string): string | undefined => new RegExp(`^date=(${DAY})$`).exec(name)?.[1];

export function partitionPrefix(p: PartitionRef): string {
  return `${loadPrefix(p.endpoint.name, p.load)}date=${p.date}/`;
}

export function listingPrefix({ partition, window }: ListingRef): string {
  return `${partitionPrefix(partition)}${window ? `window=${windowId(window)}/` : ''}`;
}

/** Read 1 is the page's first read; a later read of the same page gets its own key, never overwriting. */
export const pageKey = (l: ListingRef, page: number, read = 1): string =>
  `${listingPrefix(l)}page=${String(page).padStart(5, '0')}${read > 1 ? `.read${read}` : ''}.json`;
export const manifestKey = (l: ListingRef): string => `${listingPrefix(l)}_manifest.json`;
export const successKey = (l: ListingRef): string => `${listingPrefix(l)}_SUCCESS`;
/** Written when a listing is too deep for the API: it names the windows that replace it. */
export const splitKey = (l: ListingRef): string => `${listingPrefix(l)}_split.json`;
/** Written when a listing is too deep for the API and cannot be split: the pages up to the cap are kept. */
export const cappedKey = (l: ListingRef): string => `${listingPrefix(l)}_capped.json`;

const PAGE_NAME = /^page=(\d+)(?:\.read(\d+))?\.json$/;

/** The page number and read of a page key directly under `prefix`, or undefined for other objects. */
export function pageRead(key: string, prefix = ''): { page: number; read: number } | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const match = PAGE_NAME.exec(key.slice(prefix.length));
  return match ? { page: Number(match[1]), read: match[2] === undefined ? 1 : Number(match[2]) } : undefined;
}

/** The page number of a page key (any read of it) directly under `prefix`, or undefined for other objects. */
export const pageNumber = (key: string, prefix = ''): number | undefined => pageRead(key, prefix)?.page;

/** A key of `raw/`, taken apart; `name` is the object's own name (`page=00001.json`, `_SUCCESS`, ...). */
export interface LakeKey {
  endpoint: string;
  load: Load;
  date: string;
  /** The window's id (`updated~A~B`) when the object belongs to a window. */
  window?: string;
  name: string;
}

const RAW_KEY = new RegExp(`^raw/([^/]+)/load=([^/]+)/date=(${DAY})/(?:window=([^/]+)/)?([^/]+)$`);

/** Undefined for keys outside the layout. */
export function parseLakeKey(key: string): LakeKey | undefined {
  const match = RAW_KEY.exec(key);
  if (!match || !isLoad(match[2]!)) return undefined;
  const [, endpoint, load, date, window, name] = match as unknown as [
    string,
    string,
    Load,
    string,
    string | undefined,
    string,
  ];
  return { endpoint, load, date, name, ...(window === undefined ? {} : { window }) };
}

/** Any read of a page: every one is data (a build and compaction read them all; staging keeps one row a game). */
export const isPageName = (name: string): boolean => PAGE_NAME.test(name);

/** A page's first read: what page counts (`lake status`) count, once a page. */
export const isFirstRead = (name: string): boolean => pageRead(name)?.read === 1;

/**
 * The same page keys as one regular expression over a whole object path (any root before `raw/`),
 * for readers that match paths themselves, like Snowflake's external tables.
 */
export const PAGE_PATH_PATTERN = `.*/load=(${LOADS.join('|')})/date=[0-9]{4}-[0-9]{2}-[0-9]{2}/(window=[^/]+/)?page=[0-9]+([.]read[0-9]+)?[.]json`;

/** A page's or part's partition columns, as regular expressions over its path whose first group is the value. */
export const LOAD_IN_PATH = '/load=([^/]+)/';
export const DATE_IN_PATH = '/date=([^/]+)/';

/** Every page of an endpoint under a lake root, as a DuckDB glob (windows included). */
export const pagesGlob = (root: string, endpoint: string): string =>
  `${root}/raw/${endpoint}/load=*/date=*/**/page=*.json`;

/*
 * Compacted partitions: a closed partition's pages rewritten as Parquet parts beside the raw JSON,
 * which stays the record. The marker is written last: parts without it are not trusted.
 *
 *   compact/{endpoint}/load={snapshot|updated}/date={YYYY-MM-DD}/part-00000.parquet, _SUCCESS
 */

/** The folder of a partition's compacted parts. */
export const compactPrefix = (p: PartitionRef): string =>
  `${COMPACT_PREFIX}${p.endpoint.name}/load=${p.load}/date=${p.date}/`;
export const compactPartKey = (p: PartitionRef, part: number): string =>
  `${compactPrefix(p)}part-${String(part).padStart(5, '0')}.parquet`;
export const compactSuccessKey = (p: PartitionRef): string => `${compactPrefix(p)}_SUCCESS`;

const COMPACT_SUCCESS = new RegExp(`^compact/([^/]+)/load=([^/]+)/date=(${DAY})/_SUCCESS$`);

/** The partition whose compaction marker `key` is, or undefined for any other key. */
export function parseCompactSuccessKey(key: string): { endpoint: string; load: Load; date: string } | undefined {
  const match = COMPACT_SUCCESS.exec(key);
  if (!match || !isLoad(match[2]!)) return undefined;
  return { endpoint: match[1]!, load: match[2] as Load, date: match[3]! };
}

/** Every compacted part of an endpoint under a lake root, as a DuckDB glob. */
export const compactPartsGlob = (root: string, endpoint: string): string =>
  `${root}/compact/${endpoint}/load=*/date=*/part-*.parquet`;

/** The same part keys as one regular expression over a whole object path, for Snowflake's external tables. */
export const COMPACT_PART_PATH_PATTERN = `.*/load=(${LOADS.join('|')})/date=[0-9]{4}-[0-9]{2}-[0-9]{2}/part-[0-9]+[.]parquet`;
