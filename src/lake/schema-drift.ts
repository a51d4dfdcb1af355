/**
 * Schema drift: each run summarises the fields of the items it stored, per endpoint and listing
 * shape, and compares them with the shape the lake last recorded (`_schema/`, src/lake/item-schemas.ts).
 * A change is written as the shape's next generation, once: of two runs that see it at the same
 * moment, one writes it and the other finds it recorded. Fields that vanish stay listed as gone
 * until they come back, so the build's verdict can fail while a field the models read is missing.
 */
import pLimit from 'p-limit';
import { z } from 'zod';
import { parseSchemaKey, schemaFolder, schemaKey, SCHEMA_PREFIX, UNFILTERED } from './item-schemas.js';
import type { ObjectStore } from './store.js';
import { parseStored } from './markers.js';
import { describeDrift, diffFields, hasDrift, JSON_TYPES, type FieldDrift, type FieldSummary } from './item-fields.js';

const types = z.array(z.enum(JSON_TYPES));
const summarySchema = z.object({
  items: z.int().nonnegative(),
  fields: z.record(z.string(), z.object({ types, share: z.number().min(0).max(1) })),
});
export const fieldDriftSchema = z.object({
  added: z.array(z.string()),
  removed: z.array(z.string()),
  retyped: z.array(z.object({ field: z.string(), from: types, to: types })),
});

/** One generation of an endpoint's item shape, as stored. */
const itemSchemaSchema = z.object({
  endpoint: z.string(),
  filter: z.string(),
  summary: summarySchema,
  /** Fields that vanished and have not come back: when, and which run saw it. */
  gone: z.record(z.string(), z.object({ since: z.string(), runId: z.string() })),
  /** What this generation changed from the one before; absent from the first. */
  change: z.object({ at: z.string(), runId: z.string(), drift: fieldDriftSchema }).optional(),
  runId: z.string(),
  writtenAt: z.string(),
});
type ItemSchema = z.infer<typeof itemSchemaSchema>;

/** A change of one endpoint's item shape, as a run reports it. */
export const schemaChangeSchema = fieldDriftSchema.extend({ endpoint: z.string(), filter: z.string() });
export type SchemaChange = z.infer<typeof schemaChangeSchema>;

/** An endpoint's item shape as the lake holds it now: its last change and the fields gone since. */
/** What a run stored of one endpoint's items in one listing shape. */
export interface ShapeSummary {
  endpoint: string;
  filter: string;
  summary: FieldSummary;
}

export interface SchemaStatus {
  endpoint: string;
  /** The listing shape: `none` (unfiltered) or the filters' names (`updated`). */
  filter: string;
  fields: number;
  lastChange?: { at: string; runId: string } & FieldDrift;
  gone: { field: string; since: string }[];
}

/** Tries at writing a generation while other runs write theirs. */
const WRITE_TRIES = 5;

/**
 * Compares what a run stored with each shape's newest generation and writes the next one where it
 * changed (the first run only records it: no drift). Returns the changes this run found.
 */
export async function recordItemSchemas(
  store: ObjectStore,
  shapes: readonly ShapeSummary[],
  { runId, at = new Date() }: { runId: string; at?: Date },
): Promise<SchemaChange[]> {
  const changes: SchemaChange[] = [];
  for (const { endpoint, filter, summary } of shapes) {
    for (let attempt = 1; ; attempt++) {
      const newest = await newestSchema(store, endpoint, filter);
      const next = nextGeneration(newest?.schema, { endpoint, filter, summary, runId, at: at.toISOString() });
      if (!next) break;
      if (
        await store.putIfAbsent(schemaKey(endpoint, filter, (newest?.generation ?? 0) + 1), `${JSON.stringify(next)}\n`)
      ) {
        if (next.change) changes.push({ endpoint, filter, ...next.change.drift });
        break;
      }
      // Another run wrote that generation first: compare with it instead.
      if (attempt === WRITE_TRIES) break;
    }
  }
  return changes;
}

/** The generation to write after `before` for what a run saw, or undefined when nothing changed. */
function nextGeneration(
  before: ItemSchema | undefined,
  seen: { endpoint: string; filter: string; summary: FieldSummary; runId: string; at: string },
): ItemSchema | undefined {
  const { endpoint, filter, summary, runId, at } = seen;
  if (!before) return { endpoint, filter, summary, gone: {}, runId, writtenAt: at };
  const { drift, next } = diffFields(before.summary, summary);
  if (!hasDrift(drift)) return undefined;
  const gone = { ...before.gone };
  for (const field of drift.added) delete gone[field];
  for (const field of drift.removed) gone[field] = { since: at, runId };
  return { endpoint, filter, summary: next, gone, change: { at, runId, drift }, runId, writtenAt: at };
}

async function newestSchema(
  store: ObjectStore,
  endpoint: string,
  filter: string,
): Promise<{ generation: number; schema: ItemSchema } | undefined> {
  const keys = await store.list(schemaFolder(endpoint, filter));
  const newest = keys
    .map((key) => ({ key, parsed: parseSchemaKey(key) }))
    .filter((entry) => entry.parsed?.generation !== undefined)
    .at(-1);
  if (!newest) return undefined;
  return { generation: newest.parsed!.generation, schema: await readSchema(store, newest.key) };
}

async function readSchema(store: ObjectStore, key: string): Promise<ItemSchema> {
  return parseStored(itemSchemaSchema, (await store.get(key)) ?? new Uint8Array(), key);
}

/** Every endpoint's item shape as the lake holds it: one LIST of `_schema/`, one GET per shape. */
export async function schemaStatus(store: ObjectStore): Promise<SchemaStatus[]> {
  const newest = new Map<string, string>();
  for (const key of await store.list(SCHEMA_PREFIX)) {
    const parsed = parseSchemaKey(key);
    // Keys list in order, and generations are zero-padded: the last of a folder is its newest.
    if (parsed) newest.set(`${parsed.endpoint}/${parsed.filter}`, key);
  }
  const limit = pLimit(8);
  const schemas = await Promise.all([...newest.values()].map((key) => limit(() => readSchema(store, key))));
  return schemas.map(({ endpoint, filter, summary, gone, change }) => ({
    endpoint,
    filter,
    fields: Object.keys(summary.fields).length,
    ...(change ? { lastChange: { at: change.at, runId: change.runId, ...change.drift } } : {}),
    gone: Object.entries(gone).map(([field, { since }]) => ({ field, since })),
  }));
}

/** `games` for unfiltered listings, `games (updated= listings)` for filtered ones. */
export const shapeLabel = ({ endpoint, filter }: { endpoint: string; filter: string }): string =>
  filter === UNFILTERED ? endpoint : `${endpoint} (${filter.split('+').join('=, ')}= listings)`;

/** `games (updated= listings): fields changed: +score, -released`. */
export const changeLine = (change: SchemaChange): string =>
  `${shapeLabel(change)}: item fields changed: ${describeDrift(change)}`;

/** A shape's status in one line: its last change and the fields still gone; undefined when it never changed. */
export function statusLine(status: SchemaStatus): string | undefined {
  const parts = [
    ...(status.lastChange
      ? [`item fields changed on ${status.lastChange.at.slice(0, 10)}: ${describeDrift(status.lastChange)}`]
      : []),
    ...(status.gone.length
      ? [`gone from its items: ${status.gone.map((g) => `${g.field} (since ${g.since.slice(0, 10)})`).join(', ')}`]
      : []),
  ];
  return parts.length ? `${shapeLabel(status)}: ${parts.join('; ')}` : undefined;
}
