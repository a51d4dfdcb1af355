import type { z } from 'zod';
import { CorruptObjectError } from '../errors.js';
import { SCHEMA_PREFIX } from './item-schemas.js';

/**
 * One of the pipeline's own JSON objects read back from the lake. A damaged one fails in one line
 * that names its key and how to get past it, never as a bare JSON parser error.
 */
export function parseStoredJson<T>(schema: z.ZodType<T>, bytes: Uint8Array, key: string): T {
  const text = new TextDecoder().decode(bytes);
  if (!text.trim()) throw new CorruptObjectError(`lake object ${key} is empty: ${remedy(key)}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CorruptObjectError(`lake object ${key} is not valid JSON (${bytes.length} bytes): ${remedy(key)}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new CorruptObjectError(
      `lake object ${key} is not what the pipeline wrote (${field}${issue?.message}): ${remedy(key)}`,
    );
  }
  return parsed.data;
}

/** What deleting the object costs, which depends on what it is. */
function remedy(key: string): string {
  if (key.startsWith('_runs/'))
    return "delete it and rerun (the month's spend is the ledger's: it still counts that run's API requests)";
  if (/\/page=\d+(\.read\d+)?\.json$/.test(key)) return 'delete it and rerun: that page is fetched again';
  if (key.startsWith(SCHEMA_PREFIX))
    return "delete it and rerun: the next run records its endpoint's item fields from there";
  return 'delete it and rerun: the partition is checked again and only its missing pages are fetched';
}
