/**
 * Which games a filtered `/games` listing holds, and in what order: by the filter's day (the
 * `updated` day when `updated` is given, else the release day), then by unfiltered position. The
 * order is a function of the catalogue alone, so paging a window never skips or repeats a game
 * while the catalogue does not change. The per-day indexes are built on the first filtered
 * request, for the catalogue's size at that moment; a larger catalogue builds them again.
 */
import type { Catalogue } from './catalogue.js';
import type { Companies } from './companies.js';
import { DayBuckets } from './day-buckets.js';
import type { GamesFilter } from './game-filters.js';

/** A filtered listing: its size, and the positions at [start, end) of it. */
export interface Selection {
  count: number;
  slice(start: number, end: number): number[];
}

/** A filtered listing that can also tell where one of its games is. */
export interface RankedSelection extends Selection {
  /** The offset of a position that is in the listing. */
  rankOf(position: number): number;
}

interface Index {
  size: number;
  /** Per position: the release day (NO_RELEASE_DAY for none) and the `updated` day. */
  release: Int32Array;
  updated: Int32Array;
  byUpdated: DayBuckets;
  byRelease: DayBuckets;
}

export class FilteredGames {
  private index: Index | undefined;

  constructor(
    private readonly catalogue: Catalogue,
    private readonly companies: Companies,
  ) {}

  /** The games of the first `games` positions that pass the filter. */
  select(filter: GamesFilter, games: number): RankedSelection {
    if (filter.publishers !== undefined || filter.developers !== undefined) return this.byCompany(filter, games);
    const { updated, dates } = filter;
    const index = this.indexFor(games);
    if (!updated) {
      const ranges = dates ?? [];
      return {
        count: index.byRelease.count(ranges, games),
        slice: (start, end) => index.byRelease.slice(ranges, games, start, end),
        rankOf: (position) => index.byRelease.rank(ranges, games, position, index.release[position]!),
      };
    }
    const window = [updated];
    if (!dates) {
      return {
        count: index.byUpdated.count(window, games),
        slice: (start, end) => index.byUpdated.slice(window, games, start, end),
        rankOf: (position) => index.byUpdated.rank(window, games, position, index.updated[position]!),
      };
    }
    // Both days: counted from the smaller side, listed in `updated` order.
    const released = { days: index.release, ranges: dates };
    const count =
      index.byUpdated.count(window, games) <= index.byRelease.count(dates, games)
        ? index.byUpdated.count(window, games, released)
        : index.byRelease.count(dates, games, { days: index.updated, ranges: window });
    const slice = (start: number, end: number) => index.byUpdated.slice(window, games, start, end, released);
    // Rare (the pipeline never asks both): found by reading the listing.
    return { count, slice, rankOf: (position) => slice(0, count).indexOf(position) };
  }

  /** A company's games in `added` order (its listing is small: other filters narrow it by reading it). */
  private byCompany(filter: GamesFilter, games: number): RankedSelection {
    let positions: number[] | undefined;
    for (const kind of ['publishers', 'developers'] as const) {
      const id = filter[kind];
      if (id === undefined) continue;
      const companies = this.companies.of(kind, games);
      const index = companies.indexOfId(id);
      const own = index === undefined ? [] : [...companies.gamesOf(index)];
      positions = positions === undefined ? own : positions.filter((position) => own.includes(position));
    }
    const { updated, dates } = filter;
    const kept = (positions ?? []).filter((position) => {
      const inRange = (day: number, ranges: readonly { from: number; to: number }[]) =>
        ranges.some((r) => day >= r.from && day <= r.to);
      return (
        (!updated || inRange(this.catalogue.updatedDay(position), [updated])) &&
        (!dates || inRange(this.catalogue.releaseDay(position), dates))
      );
    });
    const ranks = new Map(kept.map((position, rank) => [position, rank]));
    return {
      count: kept.length,
      slice: (start, end) => kept.slice(start, end),
      rankOf: (position) => ranks.get(position)!,
    };
  }

  private indexFor(games: number): Index {
    if (!this.index || this.index.size < games) this.index = buildIndex(this.catalogue, games);
    return this.index;
  }
}

function buildIndex(catalogue: Catalogue, size: number): Index {
  const release = new Int32Array(size);
  const updated = new Int32Array(size);
  for (let position = 0; position < size; position++) {
    const day = catalogue.releaseDay(position);
    release[position] = day;
    updated[position] = catalogue.updatedDay(position, day);
  }
  return {
    size,
    release,
    updated,
    byUpdated: new DayBuckets(size, updated, catalogue.updatedFloorDay, catalogue.today - 1),
    byRelease: new DayBuckets(size, release, catalogue.firstReleaseDay, catalogue.lastReleaseDay),
  };
}
