/**
 * The shape of each endpoint's items as runs last saw it, for telling when the API changes it.
 * One folder per endpoint and listing shape (RAWG's filtered listings carry thinner items than
 * unfiltered ones); a generation is written, with a conditional write, only when the shape
 * changed, so a folder holds one small object per change and the newest is the current shape.
 *
 *   _schema/{endpoint}/filter={none|updated}/{generation}.json
 */

export const SCHEMA_PREFIX = '_schema/';

/** The shape of a listing with no filter; a filtered one is named by its filters' names (`updated`). */
export const UNFILTERED = 'none';

/** The shape a listing's items have: its filter parameters' names, sorted, or `none`. */
export const itemShapeOf = (params: Record<string, string>): string =>
  Object.keys(params).sort().join('+') || UNFILTERED;

export const schemaFolder = (endpoint: string, filter: string): string =>
  `${SCHEMA_PREFIX}${endpoint}/filter=${filter}/`;
export const schemaKey = (endpoint: string, filter: string, generation: number): string =>
  `${schemaFolder(endpoint, filter)}${String(generation).padStart(9, '0')}.json`;

/** A key of `_schema/` taken apart; undefined for any other key. */
export function parseSchemaKey(key: string): { endpoint: string; filter: string; generation: number } | undefined {
  const match = /^_schema\/([^/]+)\/filter=([^/]+)\/(\d+)\.json$/.exec(key);
  return match ? { endpoint: match[1]!, filter: match[2]!, generation: Number(match[3]) } : undefined;
}
