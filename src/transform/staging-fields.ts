/**
 * Which item fields the models read, taken from the staging models themselves (the only models
 * that read the items: `dbt/models/staging/stg_*.sql`), so the list has one owner, the SQL. A
 * staging model reads the items of the base model it refers to (`ref('base_games')`), through
 * the JSON macros on its `item` column: `json_int('item', 'id')`, or `select_json_fields(...,
 * 'item', fields=[('game_id', 'id', 'integer'), ...])`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { SchemaStatus } from '../lake/schema-drift.js';
import { dbtDir } from '../paths.js';
import type { FieldRead, VanishedField } from '../warehouse/verdict.js';

const STAGING_DIR = join(dbtDir, 'models', 'staging');

/** The item fields every staging model reads, sorted by endpoint and field. */
export function stagingFieldReads(dir = STAGING_DIR): FieldRead[] {
  const reads = readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .flatMap((name) => fieldReadsOf(basename(name, '.sql'), readFileSync(join(dir, name), 'utf8')));
  return reads.sort(
    (a, b) => a.endpoint.localeCompare(b.endpoint) || a.field.localeCompare(b.field) || a.model.localeCompare(b.model),
  );
}

const FIELD_TYPES = 'integer|number|text|boolean|date|timestamp|json';

/** The item fields one model's SQL reads: none unless it refers to exactly one base model. */
export function fieldReadsOf(model: string, sql: string): FieldRead[] {
  const bases = new Set([...sql.matchAll(/ref\(\s*'base_(\w+)'\s*\)/g)].map((match) => match[1]!));
  if (bases.size !== 1) return [];
  const [endpoint] = bases as unknown as [string];
  const paths = new Set<string>();
  for (const match of sql.matchAll(/json_\w+\(\s*'item'\s*,\s*'([^']+)'/g)) paths.add(match[1]!);
  const fieldList = /select_json_fields\([\s\S]*?'item'[\s\S]*?fields\s*=\s*\[([\s\S]*?)\]\s*\)/.exec(sql)?.[1] ?? '';
  for (const match of fieldList.matchAll(
    new RegExp(String.raw`\(\s*'[^']+'\s*,\s*'([^']+)'\s*,\s*'(?:${FIELD_TYPES})'\s*\)`, 'g'),
  ))
    paths.add(match[1]!);
  // Item schemas go two levels deep: a deeper path needs its first two.
  return [...paths].map((path) => ({ endpoint, field: path.split('.').slice(0, 2).join('.'), model }));
}

/** The fields the models read that are gone from their endpoint's items (in any listing shape). */
export function vanishedReads(statuses: SchemaStatus[], reads: FieldRead[]): VanishedField[] {
  const vanished: VanishedField[] = [];
  for (const read of reads) {
    const gone = statuses
      .filter((status) => status.endpoint === read.endpoint)
      .flatMap((status) => status.gone)
      .find((entry) => entry.field === read.field);
    if (gone) vanished.push({ ...read, since: gone.since });
  }
  return vanished;
}
