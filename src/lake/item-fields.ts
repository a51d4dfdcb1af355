/**
 * The shape of an endpoint's items: which fields they carry and with which JSON types, to two
 * levels (`esrb_rating.id`, `platforms[].platform`), and how that shape drifts between runs. A
 * null is no type: a field sometimes null keeps its type, and one only ever null has none yet.
 */

export const JSON_TYPES = ['string', 'number', 'boolean', 'object', 'array'] as const;
export type JsonType = (typeof JSON_TYPES)[number];

/** One field as seen in a summary's items. */
export interface FieldStats {
  /** Its JSON types other than null, sorted; empty when every value seen was null. */
  types: JsonType[];
  /** The share of the items that carry it (0..1]. */
  share: number;
}

/** The fields of `items` items: paths `name`, `parent.child` and `list[].child`. */
export interface FieldSummary {
  items: number;
  fields: Record<string, FieldStats>;
}

/** What changed between two summaries of an endpoint's items. */
export interface FieldDrift {
  added: string[];
  removed: string[];
  retyped: { field: string; from: JsonType[]; to: JsonType[] }[];
}

/**
 * A field is taken as gone only when the items now should have shown it about this many times at
 * its old share: an optional field (a status nobody has yet) missing from a few items is chance.
 */
export const MIN_EXPECTED_SIGHTINGS = 5;

const NULL_BIT = 1 << JSON_TYPES.length;

function typeBit(value: unknown): number {
  if (value === null) return NULL_BIT;
  if (Array.isArray(value)) return 1 << 4;
  switch (typeof value) {
    case 'string':
      return 1;
    case 'number':
      return 1 << 1;
    case 'boolean':
      return 1 << 2;
    case 'object':
      return 1 << 3;
    default:
      return 0;
  }
}

/** A field's tally while items are counted: its types as bits, the items carrying it, its children. */
interface Tally {
  bits: number;
  items: number;
  /** The last item counted, so a child seen in many elements of one array counts that item once. */
  lastItem: number;
  children?: Map<string, Tally>;
}

/**
 * Counts the fields of items as they are stored, cheaply (no path strings are built per item):
 * one per listing shape of an endpoint, filled by every page a run stores.
 */
export class FieldCensus {
  #items = 0;
  readonly #fields = new Map<string, Tally>();

  get items(): number {
    return this.#items;
  }

  add(items: readonly unknown[]): void {
    for (const item of items) {
      if (!isRecord(item)) continue;
      const at = ++this.#items;
      // for...in rather than Object.entries: no array a key, on the ingest's hot path.
      for (const name in item) {
        const value = item[name];
        const tally = count(this.#fields, name, value, at);
        if (value === null || typeof value !== 'object') continue;
        const children = (tally.children ??= new Map());
        if (!Array.isArray(value)) {
          countChildren(children, value as Record<string, unknown>, at);
          continue;
        }
        for (const element of value) if (isRecord(element)) countChildren(children, element, at);
      }
    }
  }

  summary(): FieldSummary {
    const fields: Record<string, FieldStats> = {};
    const put = (path: string, tally: Tally) =>
      (fields[path] = { types: typesOf(tally.bits), share: round(tally.items / this.#items) });
    for (const [name, tally] of this.#fields) {
      put(name, tally);
      const sep = tally.bits & (1 << 4) ? '[].' : '.';
      for (const [child, inner] of tally.children ?? []) put(`${name}${sep}${child}`, inner);
    }
    return { items: this.#items, fields: sortedFields(fields) };
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function countChildren(children: Map<string, Tally>, parent: Record<string, unknown>, at: number): void {
  for (const child in parent) count(children, child, parent[child], at);
}

function count(fields: Map<string, Tally>, name: string, value: unknown, at: number): Tally {
  let tally = fields.get(name);
  if (!tally) {
    tally = { bits: 0, items: 0, lastItem: 0 };
    fields.set(name, tally);
  }
  tally.bits |= typeBit(value);
  if (tally.lastItem !== at) {
    tally.lastItem = at;
    tally.items += 1;
  }
  return tally;
}

function typesOf(bits: number): JsonType[] {
  return JSON_TYPES.filter((_, i) => bits & (1 << i));
}

const round = (share: number): number => Math.round(share * 10_000) / 10_000;

function sortedFields(fields: Record<string, FieldStats>): Record<string, FieldStats> {
  return Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * How `now` differs from `before`, and the summary to keep from here on. A field is added when
 * `before` lacks it (a child of a field whose children were never seen is only recorded); removed when no item now carries it though they should have shown it
 * (MIN_EXPECTED_SIGHTINGS); retyped when it now shows a type it never had (a field that was
 * only null has no type to change from). A field neither seen nor taken as gone keeps its entry.
 */
export function diffFields(before: FieldSummary, now: FieldSummary): { drift: FieldDrift; next: FieldSummary } {
  const drift: FieldDrift = { added: [], removed: [], retyped: [] };
  const next: Record<string, FieldStats> = {};
  // Parents whose children were seen before: a child of any other (an array always empty, an
  // object always null until now) is seen for the first time, not added.
  const parentsSeen = new Set(Object.keys(before.fields).map(parentOf));
  for (const [field, seen] of Object.entries(now.fields)) {
    const old = before.fields[field];
    const parent = parentOf(field);
    if (!old) {
      if (parent === undefined || parentsSeen.has(parent)) drift.added.push(field);
    } else if (old.types.length && seen.types.some((type) => !old.types.includes(type)))
      drift.retyped.push({ field, from: old.types, to: seen.types });
    // A type not shown this time is kept: the items seen may just not have had it.
    next[field] =
      old && !drift.retyped.some((r) => r.field === field)
        ? { types: union(old.types, seen.types), share: seen.share }
        : seen;
  }
  for (const [field, old] of Object.entries(before.fields)) {
    if (now.fields[field]) continue;
    if (now.items * old.share >= MIN_EXPECTED_SIGHTINGS) drift.removed.push(field);
    else next[field] = old;
  }
  return { drift, next: { items: now.items, fields: sortedFields(next) } };
}

/** `platforms` for `platforms[].platform` and `esrb_rating` for `esrb_rating.id`; undefined for a top-level field. */
function parentOf(field: string): string | undefined {
  const at = field.indexOf('.');
  return at < 0 ? undefined : field.slice(0, at).replace(/\[\]$/, '');
}

function union(a: JsonType[], b: JsonType[]): JsonType[] {
  return JSON_TYPES.filter((type) => a.includes(type) || b.includes(type));
}

/**
 * A summary as a flat list of fields and types (`number`, `string|number`, `null` for a field only
 * ever null), in the form a dataset's schema is usually described (an OpenLineage schema facet's).
 */
export function fieldList(summary: FieldSummary): { name: string; type: string }[] {
  return Object.entries(summary.fields).map(([name, { types }]) => ({
    name,
    type: types.length ? types.join('|') : 'null',
  }));
}

export const hasDrift = (drift: FieldDrift): boolean =>
  drift.added.length + drift.removed.length + drift.retyped.length > 0;

/** `+score, -released, ~rating number→string`: a drift in one short phrase. */
export function describeDrift(drift: FieldDrift): string {
  return [
    ...drift.added.map((field) => `+${field}`),
    ...drift.removed.map((field) => `-${field}`),
    ...drift.retyped.map(({ field, from, to }) => `~${field} ${from.join('|')}→${to.join('|')}`),
  ].join(', ');
}
