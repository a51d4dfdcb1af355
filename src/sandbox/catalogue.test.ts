import { describe, expect, it } from 'vitest';
import {
  Catalogue,
  countReleasedBetween,
  countUpdatedBetween,
  filteredGameAt,
  gameAt,
  itemCount,
  MAX_GAMES,
  NO_RELEASE_DAY,
  pageCount,
  positionOfId,
  UPDATED_FLOOR,
  updatedDateAt,
} from './catalogue.js';
import { GAME_NAME_CAPACITY } from './names.js';
import { GENRES, PARENT_PLATFORMS, PLATFORMS, STORES, TAGS } from './reference-data.js';
import { slugify } from './slug.js';

const TODAY = '2025-06-15';
const YESTERDAY = '2025-06-14';
const games = (count: number, seed = 1) =>
  Array.from({ length: count }, (_, position) => gameAt(seed, position, TODAY));
/** One sample, built once, for the tests of order and rates. */
const SAMPLE = games(10_000, 9);

describe('synthetic catalogue', () => {
  it('is deterministic per (seed, position, today) and differs across seeds', () => {
    expect(JSON.stringify(gameAt(5, 123, TODAY))).toBe(JSON.stringify(gameAt(5, 123, TODAY)));
    expect(JSON.stringify(gameAt(6, 123, TODAY))).not.toBe(JSON.stringify(gameAt(5, 123, TODAY)));
    expect(gameAt(5, 123, '2025-07-01').updated).not.toBe(gameAt(5, 123, TODAY).updated);
  });

  it('moves added, and the ratings that follow it, from one day to the next, in the same order', () => {
    const later = (position: number) => gameAt(9, position, '2025-07-15');
    const moved = SAMPLE.slice(0, 200).filter((game, position) => later(position).added > game.added);
    expect(moved.length).toBeGreaterThan(100);
    expect(SAMPLE.slice(0, 200).some((game, position) => later(position).ratings_count !== game.ratings_count)).toBe(
      true,
    );
    expect(
      SAMPLE.slice(0, 200).every(
        (game, position) => later(position).id === game.id && later(position).added >= game.added,
      ),
    ).toBe(true);
  });

  it('orders games by added DESC, id DESC with unique ids, names and slugs', () => {
    const list = SAMPLE;
    const outOfOrder = list.findIndex(
      (game, i) => i > 0 && (game.added > list[i - 1]!.added || game.id >= list[i - 1]!.id),
    );
    expect(outOfOrder).toBe(-1);
    expect(new Set(list.map((g) => g.slug)).size).toBe(list.length);
    expect(list.every((g) => g.slug === slugify(g.name))).toBe(true);
    expect(GAME_NAME_CAPACITY).toBeGreaterThanOrEqual(MAX_GAMES);
    expect(gameAt(1, MAX_GAMES - 1, TODAY).id).toBeGreaterThan(0);
    expect(list.slice(0, 500).every((game, position) => positionOfId(game.id) === position)).toBe(true);
  });

  it('has realistic nulls and empties at about the documented rates', () => {
    const list = SAMPLE;
    const share = (test: (g: (typeof list)[number]) => boolean) => list.filter(test).length / list.length;
    const expectShare = (label: string, test: (g: (typeof list)[number]) => boolean, low: number, high: number) => {
      expect(share(test), label).toBeGreaterThan(low);
      expect(share(test), label).toBeLessThan(high);
    };
    expectShare('released null', (g) => g.released === null, 0.04, 0.065);
    expectShare('tba', (g) => g.tba, 0.02, 0.045);
    expectShare('background null', (g) => g.background_image === null, 0.02, 0.04);
    expectShare('metacritic null', (g) => g.metacritic === null, 0.57, 0.63);
    expectShare('esrb null', (g) => g.esrb_rating === null, 0.27, 0.33);
    expectShare('added_by_status null', (g) => g.added_by_status === null, 0.04, 0.065);
    for (const field of ['platforms', 'genres', 'stores', 'tags'] as const)
      expectShare(`${field} empty`, (g) => g[field].length === 0, 0.02, 0.055);
    expect(share((g) => g.ratings.length === 0)).toBeGreaterThan(0.02);
    expect(share((g) => g.community_rating !== undefined)).toBeGreaterThan(0.1);
    expect(share((g) => g.short_screenshots.length > 1)).toBeGreaterThan(0.5);
    const years = list.filter((g) => g.released).map((g) => Number(g.released!.slice(0, 4)));
    expect(Math.min(...years)).toBe(1990);
    expect(years.filter((y) => y >= 2015).length).toBeGreaterThan(years.filter((y) => y < 2000).length * 2);
  });

  it('keeps counts consistent within a game', () => {
    const problems: string[] = [];
    for (const game of games(3_000, 4)) {
      const problem = (text: string) => problems.push(`${game.id}: ${text}`);
      if (game.added_by_status && Object.values(game.added_by_status).reduce((a, b) => a + b, 0) !== game.added)
        problem('added_by_status does not sum to added');
      if (game.ratings.length > 0) {
        if (game.ratings.reduce((sum, r) => sum + r.count, 0) !== game.ratings_count)
          problem('ratings do not sum to ratings_count');
        if (!(game.rating > 0 && game.rating <= 5)) problem(`rating ${game.rating}`);
        if (game.rating_top !== game.ratings[0]!.id) problem('rating_top is not the most common verdict'); // ratings are sorted by count
      }
      if (game.parent_platforms.length > game.platforms.length) problem('more parents than platforms');
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(game.updated)) problem(`updated ${game.updated}`);
    }
    expect(problems).toEqual([]);
  });

  it('nests the same genres, platforms, stores and tags as the list endpoints serve', () => {
    const byId = <T extends { id: number }>(items: readonly T[]) => new Map(items.map((item) => [item.id, item]));
    const [genres, platforms, parents, stores, tags] = [
      byId(GENRES),
      byId(PLATFORMS),
      byId(PARENT_PLATFORMS),
      byId(STORES),
      byId(TAGS),
    ];
    const mismatches: string[] = [];
    const same = (label: string, nested: { id: number }, listed: unknown) => {
      if (JSON.stringify(nested) !== JSON.stringify(listed)) mismatches.push(`${label} ${nested.id}`);
    };
    for (const game of games(2_000, 2)) {
      for (const genre of game.genres) same('genre', genre, genres.get(genre.id));
      for (const entry of game.platforms) same('platform', entry.platform, platforms.get(entry.platform.id));
      for (const entry of game.parent_platforms) same('parent', entry.platform, parents.get(entry.platform.id));
      for (const entry of game.stores) same('store', entry.store, stores.get(entry.store.id));
      for (const tag of game.tags) same('tag', tag, tags.get(tag.id));
    }
    expect(mismatches).toEqual([]);
    for (const list of [GENRES, PLATFORMS, PARENT_PLATFORMS, STORES, TAGS]) {
      expect(new Set(list.map((item) => item.id)).size).toBe(list.length);
      expect(new Set(list.map((item) => item.slug)).size).toBe(list.length);
    }
  });

  it('stamps updated on a day before today, on or after the release and the floor, denser near today', () => {
    const problems: string[] = [];
    const perYear = new Map<number, number>();
    let yesterday = 0;
    for (let position = 0; position < 2_000; position++) {
      const game = gameAt(1, position, TODAY);
      const day = updatedDateAt(1, position, TODAY);
      if (game.updated.slice(0, 10) !== day) problems.push(`${position}: updatedDateAt ${day}, game ${game.updated}`);
      if (day >= TODAY || day < UPDATED_FLOOR) problems.push(`${position}: updated ${day}`);
      if (game.released !== null && game.released < TODAY && day < game.released)
        problems.push(`${position}: updated ${day} before release ${game.released}`);
      if (game.released === TODAY) problems.push(`${position}: released today`);
      perYear.set(Number(day.slice(0, 4)), (perYear.get(Number(day.slice(0, 4))) ?? 0) + 1);
      if (day === YESTERDAY) yesterday++;
    }
    expect(problems).toEqual([]);
    expect(yesterday).toBeGreaterThanOrEqual(1);
    expect(countUpdatedBetween(1, TODAY, 2_000, YESTERDAY, YESTERDAY)).toBe(yesterday);
    expect(countUpdatedBetween(1, TODAY, 2_000, UPDATED_FLOOR, YESTERDAY)).toBe(2_000);
    expect(countUpdatedBetween(1, TODAY, 2_000, TODAY, '2099-12-31')).toBe(0);
    // Spread over the years since the floor, more of them recent.
    expect(Math.min(...perYear.keys())).toBeLessThanOrEqual(2010);
    expect(perYear.get(2024)!).toBeGreaterThan(2 * perYear.get(2012)!);
  });

  it('holds no more than about 4,000 games on any updated day of a 900,000-game catalogue', () => {
    const catalogue = new Catalogue(1, TODAY);
    const perDay = new Int32Array(catalogue.today - catalogue.updatedFloorDay);
    for (let position = 0; position < 900_000; position++)
      perDay[catalogue.updatedDay(position) - catalogue.updatedFloorDay]!++;
    const yesterday = perDay[perDay.length - 1]!;
    const max = Math.max(...perDay);
    console.log(
      `900,000 games: at most ${max} updated on one day; ${yesterday} yesterday; ${perDay.filter((n) => n > 0).length} days`,
    );
    expect(max).toBeLessThanOrEqual(4_000);
    expect(yesterday).toBeGreaterThan(1_000);
  });

  it('counts releases in a range, never a game without a release date', () => {
    const list = games(2_000);
    const inRange = (from: string, to: string) =>
      list.filter((g) => g.released !== null && g.released >= from && g.released <= to).length;
    expect(countReleasedBetween(1, TODAY, 2_000, '2020-01-01', '2020-12-31')).toBe(inRange('2020-01-01', '2020-12-31'));
    const everything = countReleasedBetween(1, TODAY, 2_000, '1900-01-01', '2999-12-31');
    expect(everything).toBe(list.filter((g) => g.released !== null).length);
    expect(everything).toBeLessThan(2_000);
    expect(new Catalogue(1, TODAY).releaseDay(list.findIndex((g) => g.released === null))).toBe(NO_RELEASE_DAY);
  });

  it('serves filtered games in the thinner shape', () => {
    const full = gameAt(3, 77, TODAY);
    const thin = filteredGameAt(3, 77, TODAY);
    expect(thin.id).toBe(full.id);
    expect(thin.updated).toBe(full.updated);
    expect(thin.score).toBeNull();
    expect(thin.platforms).toEqual(
      full.platforms.map((p) => ({ platform: { id: p.platform.id, name: p.platform.name, slug: p.platform.slug } })),
    );
    expect(thin.stores).toEqual(
      full.stores.map((s) => ({ store: { id: s.store.id, name: s.store.name, slug: s.store.slug } })),
    );
    expect(thin.genres).toEqual(full.genres.map((g) => ({ id: g.id, name: g.name, slug: g.slug })));
    const rated = Array.from({ length: 50 }, (_, p) => filteredGameAt(3, p, TODAY)).find((g) => g.esrb_rating);
    expect(rated!.esrb_rating).toHaveProperty('name_ru');
  });

  it('reports page and item counts', () => {
    expect(pageCount(0, 40)).toBe(1);
    expect(pageCount(2_000, 40)).toBe(50);
    expect(pageCount(2_001, 40)).toBe(51);
    expect(itemCount('games', 2_000)).toBe(2_000);
    expect(itemCount('publishers', 2_000)).toBe(100);
    expect(itemCount('publishers', 400_000)).toBe(20_000);
    expect(itemCount('platforms/lists/parents', 5)).toBe(PARENT_PLATFORMS.length);
    expect(() => itemCount('nope', 1)).toThrow(/unknown endpoint/);
  });
});
