/**
 * The `/games` filters the sandbox honours, with the real API's semantics: `updated=A,B` (the UTC
 * day of `updated`, both ends inclusive) and `dates=A,B` or `dates=A,B.C,D...` (a release date in
 * any of the ranges; a game without one never matches), `publishers=ID` and `developers=ID` (the
 * company's games). Given together, a game must match all.
 */
import { dayFromIso } from './dates.js';

/** Day numbers, both inclusive; `from > to` matches nothing. */
export interface DayRange {
  from: number;
  to: number;
}

export interface GamesFilter {
  updated?: DayRange;
  /** Sorted, disjoint and not empty: see `mergeRanges`. */
  dates?: DayRange[];
  /** A company's id: the games it publishes or develops. */
  publishers?: number;
  developers?: number;
}

export type ParsedFilter = { filter: GamesFilter | undefined } | { error: string };

/** The filter of a `/games` request: undefined when it has none, an error line when one is malformed. */
export function parseGamesFilter(params: URLSearchParams): ParsedFilter {
  const updatedText = params.get('updated');
  const datesText = params.get('dates');
  const companies = { publishers: params.get('publishers'), developers: params.get('developers') };
  if (updatedText === null && datesText === null && companies.publishers === null && companies.developers === null)
    return { filter: undefined };
  const filter: GamesFilter = {};
  for (const kind of ['publishers', 'developers'] as const) {
    const text = companies[kind];
    if (text === null) continue;
    if (!/^\d{1,9}$/.test(text)) return { error: `${kind} must be a company id` };
    filter[kind] = Number(text);
  }
  if (updatedText !== null) {
    const updated = parseRange(updatedText);
    if (!updated) return { error: 'updated must be two dates: YYYY-MM-DD,YYYY-MM-DD' };
    filter.updated = updated;
  }
  if (datesText !== null) {
    const ranges = datesText.split('.').map(parseRange);
    if (ranges.some((range) => range === undefined))
      return { error: 'dates must be ranges YYYY-MM-DD,YYYY-MM-DD separated by "."' };
    filter.dates = mergeRanges(ranges as DayRange[]);
  }
  return { filter };
}

/** "YYYY-MM-DD,YYYY-MM-DD" as day numbers, or undefined when malformed. */
export function parseRange(text: string): DayRange | undefined {
  const parts = text.split(',');
  if (parts.length !== 2) return undefined;
  const from = dayFromIso(parts[0]!.trim());
  const to = dayFromIso(parts[1]!.trim());
  if (from === undefined || to === undefined) return undefined;
  return { from, to };
}

/** The same days as sorted, disjoint ranges, so that a union is walked once and counted once. */
export function mergeRanges(ranges: readonly DayRange[]): DayRange[] {
  const sorted = ranges.filter((range) => range.from <= range.to).sort((a, b) => a.from - b.from);
  const merged: DayRange[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && range.from <= last.to + 1) last.to = Math.max(last.to, range.to);
    else merged.push({ ...range });
  }
  return merged;
}
