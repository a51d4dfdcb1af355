import { describe, expect, it } from 'vitest';
import { reconcile, windowsAccountFor, type PageRead } from './reconcile.js';

/** Pages of up to `size` items over consecutive ids, each as full as the count its answer reported. */
function pages(counts: number[], size = 10): Map<number, PageRead> {
  return new Map(
    counts.map((count, i) => [
      i + 1,
      { count, ids: Array.from({ length: Math.max(0, Math.min(size, count - i * size)) }, (_, k) => 1 + i * size + k) },
    ]),
  );
}

describe('reconcile: a past listing (items only leave)', () => {
  it('seals pages read in one state', () => {
    expect(reconcile(pages([30, 30, 30]), 10, true)).toEqual({ kind: 'sealed', count: 30, pages: 3 });
  });

  it('seals pages read from the last to the first while items left (counts fall as pages fall)', () => {
    expect(reconcile(pages([28, 29, 30]), 10, true)).toEqual({ kind: 'sealed', count: 28, pages: 3 });
  });

  it('reads page 1 again when an item left after page 1 was read first (the probe)', () => {
    expect(reconcile(pages([30, 29, 29]), 10, true)).toMatchObject({ kind: 'read', pages: [1] });
  });

  it('reads again every page read before pages above it that saw fewer items, down to page 1', () => {
    // Pages 1 and 2 read first (ascending), then an item left, then page 3.
    expect(reconcile(pages([30, 30, 29]), 10, true)).toMatchObject({ kind: 'read', pages: [2, 1] });
    // Page 1 already read in the newest state seen: only page 2 is read again.
    expect(reconcile(pages([28, 30, 28, 29]), 10, true)).toMatchObject({ kind: 'read', pages: [2] });
  });

  it('asks for the pages the top page says exist', () => {
    expect(reconcile(pages([41, 41, 41, 41]), 10, true)).toMatchObject({ kind: 'read', pages: [5] });
  });

  it('takes as the top the highest page that was the last one when it was read; pages above it are extra', () => {
    // Page 4 was read while there were 41 items (page 5 then existed); page 3 after they fell to 30 and it was the last.
    expect(reconcile(pages([30, 30, 30, 41]), 10, true)).toEqual({ kind: 'sealed', count: 30, pages: 3 });
  });

  it('reads again when fewer distinct items are stored than the count', () => {
    const reads = pages([20, 20]);
    (reads.get(2)!.ids as number[]).splice(0, 10, ...reads.get(1)!.ids);
    expect(reconcile(reads, 10, true)).toMatchObject({ kind: 'read', pages: [2, 1] });
  });

  it('reads page 1 first when it is not stored', () => {
    expect(reconcile(new Map(), 10, true)).toMatchObject({ kind: 'read', pages: [1] });
  });
});

describe('reconcile: a listing that can also gain items', () => {
  it('seals pages that all saw the same count and hold that many distinct items', () => {
    expect(reconcile(pages([25, 25, 25]), 10, false)).toEqual({ kind: 'sealed', count: 25, pages: 3 });
  });

  it('reads every page again when the counts differ, even in the order a past listing accepts', () => {
    expect(reconcile(pages([28, 29, 30]), 10, false)).toMatchObject({ kind: 'read', pages: [3, 2, 1] });
  });

  it('reads the pages the count says are missing', () => {
    expect(reconcile(pages([35, 35, 35]), 10, false)).toMatchObject({ kind: 'read', pages: [4] });
  });

  it('reads again when an item was skipped and another served twice under one count', () => {
    const reads = pages([20, 20]);
    (reads.get(2)!.ids as number[])[0] = 1;
    expect(reconcile(reads, 10, false)).toMatchObject({ kind: 'read', pages: [2, 1] });
  });
});

describe('windowsAccountFor', () => {
  it('accepts windows that add up, give or take the movement seen and a hundredth', () => {
    expect(windowsAccountFor(1000, [600, 400], 0)).toBe(true);
    expect(windowsAccountFor(1000, [600, 390], 0)).toBe(true);
    expect(windowsAccountFor(1000, [600, 350], 40)).toBe(true);
    expect(windowsAccountFor(1000, [600, 350], 0)).toBe(false);
  });

  it('refuses windows of nothing, and windows of everything', () => {
    expect(windowsAccountFor(871_752, [0, 0], 0)).toBe(false);
    expect(windowsAccountFor(871_752, [871_752, 871_752], 0)).toBe(false);
  });
});
