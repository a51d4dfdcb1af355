/**
 * When a listing's stored pages may be sealed: they must agree with one state of the API, told by
 * the `count` every page answer carries. The rules (docs/architecture.md, "What complete means"):
 *
 * - A past listing (its `updated` days all before the day it was started) only loses items while
 *   it is read: an edit moves a game's `updated` to today, a deletion removes it, and new games
 *   arrive with today's `updated`. Counts then only fall, so the page answers, ordered by their
 *   count from largest to smallest, are the order the API served them in. When that order reads
 *   the pages from the last to the first (counts never fall as the page number rises), a removal
 *   only moves items already read into pages read later: every item still in the listing at the
 *   end is stored. The top page must have been the last page when it was read.
 * - Any other listing (no `updated` range, or one that reaches the day it was started) can also
 *   gain items, anywhere: its pages must all report the same count, and hold exactly that many
 *   distinct items.
 *
 * Pages that break the rule are read again, from the highest such page down to page 1.
 */

/** The newest read of one page: the count its answer reported and the ids of its items. */
export interface PageRead {
  count: number;
  ids: readonly number[];
}

export type Verdict =
  /** The pages agree: `pages` of them hold the listing's `count` items as the API ended up. */
  | { kind: 'sealed'; count: number; pages: number }
  /** Read these pages (again, or for the first time), in this order; `why` says what disagreed. */
  | { kind: 'read'; pages: number[]; why: string };

const pagesFor = (count: number, pageSize: number): number => Math.max(1, Math.ceil(count / pageSize));

/** pages from `top` down to 1. */
const downFrom = (top: number): number[] => Array.from({ length: top }, (_, i) => top - i);

/** The verdict on a listing's newest page reads (by page number). */
export function reconcile(reads: ReadonlyMap<number, PageRead>, pageSize: number, shrinkOnly: boolean): Verdict {
  if (!reads.has(1)) return { kind: 'read', pages: [1], why: 'page 1 is not stored' };
  let stored = 1;
  while (reads.has(stored + 1)) stored += 1;
  return shrinkOnly ? shrinking(reads, stored, pageSize) : changing(reads, stored, pageSize);
}

function shrinking(reads: ReadonlyMap<number, PageRead>, stored: number, pageSize: number): Verdict {
  const count = (page: number) => reads.get(page)!.count;
  // The top: the highest page (of the run of stored pages from page 1) that was the last one when read.
  let top = stored;
  while (top > 0 && pagesFor(count(top), pageSize) > top) top -= 1;
  if (top === 0) {
    const more = pagesFor(count(stored), pageSize);
    return {
      kind: 'read',
      pages: downFrom(more).filter((page) => page > stored),
      why: `page ${stored} says there are ${more} pages`,
    };
  }
  // Below the top, a page whose count is above the smallest count of the pages over it was
  // read before them. From the highest such page down, every page read before the newest state
  // seen (a count above the smallest) is read again; those read in it already agree.
  let smallestAbove = count(top);
  let highestEarly = 0;
  for (let page = top - 1; page >= 1; page--) {
    if (count(page) > smallestAbove && highestEarly === 0) highestEarly = page;
    smallestAbove = Math.min(smallestAbove, count(page));
  }
  if (highestEarly > 0) {
    const newest = smallestAbove;
    return {
      kind: 'read',
      pages: downFrom(highestEarly).filter((page) => count(page) > newest),
      why: `page ${highestEarly} was read while the listing held ${count(highestEarly)} items, before pages above it that saw fewer`,
    };
  }
  const final = count(1);
  const distinct = distinctIds(reads, top);
  if (distinct < final)
    return { kind: 'read', pages: downFrom(top), why: `${distinct} distinct items stored of ${final}` };
  return { kind: 'sealed', count: final, pages: top };
}

function changing(reads: ReadonlyMap<number, PageRead>, stored: number, pageSize: number): Verdict {
  const counts = new Set(Array.from({ length: stored }, (_, i) => reads.get(i + 1)!.count));
  const largest = Math.max(...counts);
  const pages = pagesFor(largest, pageSize);
  if (counts.size > 1)
    return {
      kind: 'read',
      pages: downFrom(pages),
      why: `its pages saw ${counts.size} different counts (it changed while it was read)`,
    };
  if (stored < pages)
    return {
      kind: 'read',
      pages: downFrom(pages).filter((page) => page > stored),
      why: `page ${stored} says there are ${pages} pages`,
    };
  const distinct = distinctIds(reads, pages);
  if (distinct !== largest)
    return { kind: 'read', pages: downFrom(pages), why: `${distinct} distinct items stored of ${largest}` };
  return { kind: 'sealed', count: largest, pages };
}

function distinctIds(reads: ReadonlyMap<number, PageRead>, top: number): number {
  const ids = new Set<number>();
  for (let page = 1; page <= top; page++) for (const id of reads.get(page)!.ids) ids.add(id);
  return ids.size;
}

/**
 * Whether a split's windows account for the listing they replace: their counts (as sized) add up
 * to its count give or take `movement`, the items the run saw leave or join listings, and a
 * hundredth of the count for what moved unseen between the sizing answers. A filter the API
 * ignores answers every window with nothing, or with everything (the sum doubles).
 */
export function windowsAccountFor(parentCount: number, windowCounts: readonly number[], movement: number): boolean {
  const sum = windowCounts.reduce((total, count) => total + count, 0);
  return Math.abs(parentCount - sum) <= movement + Math.ceil(parentCount / 100);
}
