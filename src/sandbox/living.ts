/**
 * A catalogue that changes while it is served, as RAWG's does: games are edited (their `updated`
 * moves to now, some counts change), deleted, and added (with `updated` of their creation), at
 * given rates per page answered. Which games change is drawn from the seed, so the same requests
 * make the same changes. Listings are answered as they stand at each request: offsets into the
 * listing as it is now (a removal shifts later items up), `count` always the current count.
 *
 * A game edited or added today has today's `updated`, after every day of the base catalogue, so
 * in an `updated`-filtered listing it comes after the base games (by position among itself).
 * Edits change neither the release day nor the unfiltered order; added games come after the base
 * catalogue in the unfiltered order.
 */
import { z } from 'zod';
import type { Catalogue, FilteredGame, FullGame } from './catalogue.js';
import { dayFromIso, isoDateTime } from './dates.js';
import type { Companies, CompanyKind } from './companies.js';
import type { Selection } from './filtered-games.js';
import type { DayRange, GamesFilter } from './game-filters.js';
import { hash32, Rng } from './hash.js';

const rate = z.number().min(0).max(1_000);

export const livingSchema = z.strictObject({
  /** Games edited per page answered (0.5: one every other page; 2: two a page). */
  editRate: rate,
  /** Games deleted per page answered. */
  deleteRate: rate,
  /** Games added per page answered. */
  addRate: rate,
  /**
   * How `/games` answers `updated=`: as RAWG does (`honoured`), or as an API that no longer does:
   * every window empty (`empty`), or every window the whole catalogue (`ignored`).
   */
  updatedFilter: z.enum(['honoured', 'empty', 'ignored']),
  /**
   * When set (YYYY-MM-DD), edits and deletions pick among the games whose `updated` falls on this
   * day, while any is left: a test's way to change the very listing it reads. Null: any game.
   */
  changeDay: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
    .nullable(),
});

export type LivingSettings = z.infer<typeof livingSchema>;

export const defaultLiving: LivingSettings = {
  editRate: 0,
  deleteRate: 0,
  addRate: 0,
  updatedFilter: 'honoured',
  changeDay: null,
};

/** What changed since the sandbox started: the ids of games edited, deleted and added. */
export interface CatalogueChanges {
  edited: number[];
  deleted: number[];
  added: number[];
}

/** A game as served now: its id and `updated`, the truth a test compares a warehouse with. */
export interface ServedGame {
  id: number;
  updated: string;
}

const SALT = { pick: 11 } as const;

export class LivingCatalogue {
  /** Edited positions: how many times, and the `updated` of the last edit. */
  private readonly edits = new Map<number, { times: number; updated: string }>();
  private readonly deleted = new Set<number>();
  /** Added positions, in the order they were added (after the base catalogue). */
  private readonly added: number[] = [];
  private readonly addedAt = new Map<number, string>();
  private readonly owed = { edit: 0, delete: 0, add: 0 };
  private changesMade = 0;
  /** The base games of the day changes are aimed at, found once. */
  private aimed: { day: number; games: number; positions: number[] } | undefined;

  constructor(
    private readonly catalogue: Catalogue,
    private readonly seed: number,
    private readonly companies: Companies,
  ) {}

  /** Whether the game at a position has the company (by API id); games added while served have none. */
  private companyOf(position: number, kind: CompanyKind, id: number, games: number): boolean {
    const index = this.companies.of(kind, games);
    return index.of(position).some((company) => index.idOf(company) === id);
  }

  /** Whether the game at a position is served now: in the catalogue or added, and not deleted. */
  isLive(position: number, games: number): boolean {
    return !this.deleted.has(position) && (position < games || this.addedAt.has(position));
  }

  /** Nothing changed yet: the catalogue is served as it is built. */
  get still(): boolean {
    return this.changesMade === 0;
  }

  /** One page answered: the changes its rates owe by now are made. */
  tick(settings: LivingSettings, games: number): void {
    this.owed.edit += settings.editRate;
    this.owed.delete += settings.deleteRate;
    this.owed.add += settings.addRate;
    const day = settings.changeDay === null ? undefined : dayFromIso(settings.changeDay);
    for (; this.owed.add >= 1; this.owed.add -= 1) this.add(games);
    for (; this.owed.edit >= 1; this.owed.edit -= 1) this.edit(games, day);
    for (; this.owed.delete >= 1; this.owed.delete -= 1) this.remove(games, day);
  }

  /** The full game at a position as served now. */
  game(position: number): FullGame {
    return this.changed(this.catalogue.game(position), position);
  }

  filteredGame(position: number): FilteredGame {
    return this.changed(this.catalogue.filteredGame(position), position);
  }

  /** Unfiltered `/games`: the base games not deleted, then those added. */
  unfiltered(games: number): Selection {
    const deleted = [...this.deleted].filter((position) => position < games).sort((a, b) => a - b);
    const base: Selection = {
      count: games,
      slice: (start, end) => Array.from({ length: end - start }, (_, i) => start + i),
    };
    return this.live(
      base,
      deleted,
      this.added.filter((position) => !this.deleted.has(position)),
    );
  }

  /**
   * A filtered `/games` listing now: the base selection less the games that left it (edited out of
   * its `updated` days, or deleted), then the games edited or added into it, by position.
   */
  filtered(base: Selection & { rankOf(position: number): number }, filter: GamesFilter, games: number): Selection {
    const inFilter = (position: number, updatedDay: number) =>
      (!filter.updated || within(updatedDay, [filter.updated])) &&
      (!filter.dates || within(this.catalogue.releaseDay(position), filter.dates)) &&
      (filter.publishers === undefined || this.companyOf(position, 'publishers', filter.publishers, games)) &&
      (filter.developers === undefined || this.companyOf(position, 'developers', filter.developers, games));
    const left: number[] = [];
    for (const position of [...this.deleted, ...this.edits.keys()]) {
      if (position >= games || !inFilter(position, this.catalogue.updatedDay(position))) continue;
      // An edit moves `updated` only: without an `updated` filter the game stays where it was.
      if (!this.deleted.has(position) && !filter.updated) continue;
      left.push(base.rankOf(position));
    }
    const today = this.catalogue.today;
    const joined = [...new Set([...this.edits.keys(), ...this.added])]
      .filter(
        (position) => !this.deleted.has(position) && (position >= games || filter.updated) && inFilter(position, today),
      )
      .sort((a, b) => a - b);
    return this.live(
      base,
      [...new Set(left)].sort((a, b) => a - b),
      joined,
    );
  }

  /** The ids of the games edited, deleted and added so far. */
  changes(): CatalogueChanges {
    const id = (position: number) => this.catalogue.gameId(position);
    return {
      edited: [...this.edits.keys()].filter((position) => !this.deleted.has(position)).map(id),
      deleted: [...this.deleted].map(id),
      added: this.added.filter((position) => !this.deleted.has(position)).map(id),
    };
  }

  /** Every game served now (unfiltered order), or those of a filtered listing, with its `updated`. */
  served(games: number, listing: Selection = this.unfiltered(games)): ServedGame[] {
    return listing
      .slice(0, listing.count)
      .map((position) => ({ id: this.catalogue.gameId(position), updated: this.game(position).updated }));
  }

  /** The base listing less the ranks in `left` (sorted), then `joined`. */
  private live(base: Selection, left: number[], joined: number[]): Selection {
    const kept = base.count - left.length;
    const gone = new Set(left);
    return {
      count: kept + joined.length,
      slice: (start, end) => {
        const out: number[] = [];
        if (start < kept) {
          // The base offset of live offset `start`: every rank left at or before it moves it on.
          let offset = start;
          for (const rank of left) if (rank <= offset) offset++;
          const want = Math.min(end, kept) - start;
          const span = base.slice(offset, Math.min(base.count, offset + want + left.length));
          for (let i = 0; i < span.length && out.length < want; i++) if (!gone.has(offset + i)) out.push(span[i]!);
        }
        for (let i = Math.max(0, start - kept); i < end - kept && i < joined.length; i++) out.push(joined[i]!);
        return out;
      },
    };
  }

  private changed<T extends { updated: string; ratings_count: number; playtime: number }>(
    game: T,
    position: number,
  ): T {
    const edit = this.edits.get(position);
    const addedAt = this.addedAt.get(position);
    if (edit)
      return {
        ...game,
        updated: edit.updated,
        ratings_count: game.ratings_count + edit.times,
        playtime: game.playtime + edit.times,
      };
    if (addedAt) return { ...game, updated: addedAt };
    return game;
  }

  /** `updated` of the next change: today, one second later each change (so that versions order). */
  private now(): string {
    return isoDateTime(this.catalogue.today, Math.min(86_399, this.changesMade++));
  }

  /** A live game drawn from the seed and the change's number (of `day` while it has any); undefined when none is left. */
  private pick(games: number, day: number | undefined): number | undefined {
    if (day !== undefined) {
      if (this.aimed?.day !== day || this.aimed.games !== games) {
        const positions = Array.from({ length: games }, (_, position) => position).filter(
          (position) => this.catalogue.updatedDay(position) === day,
        );
        this.aimed = { day, games, positions };
      }
      const left = this.aimed.positions.filter((position) => !this.deleted.has(position) && !this.edits.has(position));
      if (left.length) return left[new Rng(hash32(this.seed, this.changesMade, SALT.pick)).int(left.length)];
    }
    const pool = games + this.added.length;
    if (pool - this.deleted.size <= 0) return undefined;
    const rng = new Rng(hash32(this.seed, this.changesMade, SALT.pick));
    for (;;) {
      const draw = rng.int(pool);
      const position = draw < games ? draw : this.added[draw - games]!;
      if (!this.deleted.has(position)) return position;
    }
  }

  private edit(games: number, day: number | undefined): void {
    const position = this.pick(games, day);
    if (position === undefined) return;
    this.edits.set(position, { times: (this.edits.get(position)?.times ?? 0) + 1, updated: this.now() });
  }

  private remove(games: number, day: number | undefined): void {
    const position = this.pick(games, day);
    if (position === undefined) return;
    this.deleted.add(position);
    this.changesMade++;
  }

  private add(games: number): void {
    const position = Math.max(games, (this.added.at(-1) ?? games - 1) + 1);
    this.added.push(position);
    this.addedAt.set(position, this.now());
  }
}

function within(day: number, ranges: readonly DayRange[]): boolean {
  return ranges.some((range) => day >= range.from && day <= range.to);
}
