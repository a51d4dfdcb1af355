/**
 * The sandbox's synthetic game catalogue. Nothing is stored: the game at a position (0-based, in
 * the unfiltered order `added DESC, id DESC`) is a pure function of (seed, position, today), so a
 * catalogue of any size starts at once and costs no memory.
 *
 * What tests elsewhere can rely on:
 * - `gameAt(seed, position, today)` is the item served at that position of unfiltered `/games`
 *   (page p of size s holds positions (p-1)*s .. p*s-1); `filteredGameAt` is the same game in the
 *   thinner shape of filtered responses.
 * - ids are unique and strictly decrease with position (`positionOfId` inverts them); `added`
 *   never increases with position, so growing the catalogue appends games after the last page
 *   and shrinking drops the tail.
 * - `added` grows with `today` (every game by the same factor, so the order never changes), and
 *   `ratings_count`, `rating` and `metacritic` follow it: the same game served on different days
 *   shows different counts, as a market that moves does.
 * - `released` is null for about 5% of games, after `today` for about 2%, otherwise a day from
 *   FIRST_RELEASE_YEAR up to the day before `today`.
 * - `updated` falls on a day before `today` (never on or after it), never before UPDATED_FLOOR
 *   nor before the game's release day when it was released; days near `today` are denser (at
 *   900,000 games no day holds more than about 3,500 games; at 2,000 yesterday holds a few).
 *   `updatedDateAt` gives that day cheaply, `countUpdatedBetween` and `countReleasedBetween` the
 *   size of a window by scanning the catalogue (an oracle independent of the server's index).
 * - `pageCount(items, pageSize)` is the number of pages the API serves (at least 1);
 *   `itemCount(path, games)` the `count` of a list endpoint for a catalogue of `games` games.
 */
import { dayFromIso, firstDayOfYear, isoDateTime, isoFromDay, yearOfDay } from './dates.js';
import type { AddedByStatus, FilteredGame, FullGame, GamePlatform, RatingShare, Screenshot } from './game-shape.js';
import { hash32, hashAt, hashStream, Rng } from './hash.js';
import { gameName, GAME_NAME_CAPACITY, nameScrambler } from './names.js';
import { WeightedPicker } from './weighted-picker.js';
import {
  CREATOR_ROLES,
  ESRB_RATINGS,
  GENRES,
  PARENT_OF_PLATFORM,
  PARENT_PLATFORMS,
  PLATFORMS,
  STORE_CHANCES_BY_PLATFORM,
  STORES,
  TAGS,
  type Platform,
} from './reference-data.js';

/** The largest catalogue the sandbox serves (the real one holds about 900,000 games). */
export const MAX_GAMES = 1_000_000;
/** Release years start here; more recent years are more likely. */
export const FIRST_RELEASE_YEAR = 1990;
/** No game's `updated` is older than this day (the catalogue's oldest edits). */
export const UPDATED_FLOOR = '2008-01-01';
/** Upcoming games are released up to this many days after `today`. */
export const UPCOMING_DAYS = 540;
/** Games drawn for the rest of this year were released within this many days before `today`. */
const RECENT_RELEASE_DAYS = 365;
/** What `releaseDay` answers for a game without a release date: below every real day. */
export const NO_RELEASE_DAY = -0x8000_0000;
/** Every game's `added` doubles over this many days (about 0.05% a day), counted from ADDED_ANCHOR. */
const ADDED_DOUBLING_DAYS = 1_460;
const ADDED_ANCHOR = '2024-01-01';
/**
 * How `updated` leans to the present: the days back from yesterday are the span times u^1.5 (u
 * uniform), so yesterday holds about span^(-2/3) of the games (0.3% over 18 years).
 */
const UPDATED_SKEW = 1.5;

export type { FilteredGame, FullGame } from './game-shape.js';

if (GAME_NAME_CAPACITY < MAX_GAMES) throw new Error('the game name lists are too short for MAX_GAMES');

/** Independent hash streams per field group, so one field never shifts another. */
const SALT = { id: 1, added: 2, game: 3, updated: 4, updatedTime: 5 } as const;

export interface GameRef {
  id: number;
  slug: string;
  name: string;
  added: number;
}

const GENRE_PICKER = new WeightedPicker(GENRES, (genre) => genre.games_count);
const TAG_PICKER = new WeightedPicker(TAGS, (tag) => tag.games_count);
const ESRB_PICKER = new WeightedPicker(ESRB_RATINGS, (rating) => rating.weight);
// Nested objects shared by many games are built once, and frozen because they are shared.
const { freeze } = Object;
const ESRB_FULL = new Map(ESRB_RATINGS.map((r) => [r.id, freeze({ id: r.id, name: r.name, slug: r.slug })]));
const ESRB_THIN = new Map(
  ESRB_RATINGS.map((r) => [
    r.id,
    freeze({ id: r.id, name: r.name, slug: r.slug, name_en: r.name_en, name_ru: r.name_ru }),
  ]),
);
const STORE_BY_ID = new Map(STORES.map((store) => [store.id, store]));
const THIN = <T extends { id: number; name: string; slug: string }>(item: T) =>
  freeze({ id: item.id, name: item.name, slug: item.slug });
const THIN_PLATFORMS = new Map(PLATFORMS.map((p) => [p.id, freeze({ platform: THIN(p) })]));
const THIN_STORES = new Map(STORES.map((s) => [s.id, freeze({ store: THIN(s) })]));
const THIN_GENRES = new Map(GENRES.map((g) => [g.id, THIN(g)]));
const PARENT_ENTRIES = PARENT_PLATFORMS.map((parent) => freeze({ platform: parent }));
const PARENT_INDEX = new Map(PARENT_PLATFORMS.map((parent, index) => [parent.id, index]));

const RATING_TITLES: readonly Pick<RatingShare, 'id' | 'title'>[] = [
  { id: 5, title: 'exceptional' },
  { id: 4, title: 'recommended' },
  { id: 3, title: 'meh' },
  { id: 1, title: 'skip' },
];

const STATUS_SHARES: readonly [keyof AddedByStatus, number][] = [
  ['yet', 0.05],
  ['owned', 0.6],
  ['beaten', 0.14],
  ['toplay', 0.1],
  ['dropped', 0.08],
  ['playing', 0.03],
];

const OPERATING_SYSTEMS = ['Windows XP', 'Windows 7', 'Windows 10 64-bit', 'Windows 11'];
const PROCESSORS = [
  'Intel Core 2 Duo',
  'Intel Core i3-2100',
  'Intel Core i5-4460',
  'AMD Ryzen 5 1600',
  'Intel Core i7-8700',
];
const GRAPHICS = ['GeForce 8800 GT', 'GeForce GTX 660', 'GeForce GTX 960', 'Radeon RX 580', 'GeForce RTX 2060'];

export class Catalogue {
  /** Day number of `today`. */
  readonly today: number;
  private readonly todayYear: number;
  private readonly scramble: (position: number) => number;
  private readonly addedTop: number;
  private readonly platformPickers = new Map<number, WeightedPicker<Platform>>();
  private readonly streams: { id: number; updated: number; updatedTime: number; game: number };
  /** The oldest possible `updated` day; yesterday is the newest. */
  readonly updatedFloorDay: number;
  /** Every release day lies within [firstReleaseDay, lastReleaseDay]. */
  readonly firstReleaseDay: number;
  readonly lastReleaseDay: number;

  constructor(
    readonly seed: number,
    today: string,
  ) {
    const day = dayFromIso(today);
    if (day === undefined) throw new RangeError(`today must be a date YYYY-MM-DD, got "${today}"`);
    this.today = day;
    this.todayYear = yearOfDay(day);
    this.scramble = nameScrambler(seed);
    const addedGrowth = Math.pow(2, (day - dayFromIso(ADDED_ANCHOR)!) / ADDED_DOUBLING_DAYS);
    this.addedTop = (15_000 + (hash32(seed, 0, SALT.added) % 8_000)) * addedGrowth;
    this.streams = {
      id: hashStream(seed, SALT.id),
      updated: hashStream(seed, SALT.updated),
      updatedTime: hashStream(seed, SALT.updatedTime),
      game: hashStream(seed, SALT.game),
    };
    this.updatedFloorDay = Math.min(dayFromIso(UPDATED_FLOOR)!, day - 1);
    this.firstReleaseDay = Math.min(firstDayOfYear(FIRST_RELEASE_YEAR), day - RECENT_RELEASE_DAYS);
    this.lastReleaseDay = day + UPCOMING_DAYS;
  }

  /** Unique, strictly decreasing with position (which makes `id DESC` the tie-breaker of `added`). */
  gameId(position: number): number {
    return 2 * MAX_GAMES - 2 * position - (hashAt(this.streams.id, position) & 1);
  }

  /** A long-tailed curve: thousands for the first games, zero far down the list. */
  added(position: number): number {
    return Math.floor(this.addedTop / Math.pow(1 + position / 40, 1.15));
  }

  ref(position: number): GameRef {
    const { name, slug } = gameName(this.scramble(position));
    return { id: this.gameId(position), slug, name, added: this.added(position) };
  }

  /** The day number of the game's release, or NO_RELEASE_DAY: cheap, it builds nothing else. */
  releaseDay(position: number): number {
    return this.release(new Rng(hashAt(this.streams.game, position))).day;
  }

  /**
   * The day number of the game's `updated`: cheap, so filters never build whole games. A draw
   * that falls before the release moves to the release day (games are edited when they come out).
   */
  updatedDay(position: number, releaseDay = this.releaseDay(position)): number {
    const yesterday = this.today - 1;
    const u = hashAt(this.streams.updated, position) / 0x1_0000_0000;
    const drawn = yesterday - Math.floor((yesterday - this.updatedFloorDay + 1) * Math.pow(u, UPDATED_SKEW));
    return releaseDay <= yesterday ? Math.max(drawn, releaseDay) : drawn;
  }

  private updated(position: number, releaseDay: number): string {
    return isoDateTime(this.updatedDay(position, releaseDay), hashAt(this.streams.updatedTime, position) % 86_400);
  }

  /** The game in the unfiltered shape. */
  game(position: number): FullGame {
    const { id, slug, name, added } = this.ref(position);
    const rng = new Rng(hashAt(this.streams.game, position));
    const release = this.release(rng);
    const released = release.day === NO_RELEASE_DAY ? null : isoFromDay(release.day);
    const platforms = rng.chance(0.03)
      ? []
      : this.platformsFor(rng, release.day === NO_RELEASE_DAY ? this.todayYear : yearOfDay(release.day), released);
    const ratings = this.ratings(rng, added);
    const backgroundImage = rng.chance(0.03) ? null : mediaImage(rng, 'games');
    const screenshotCount = rng.int(7);
    const shortScreenshots: Screenshot[] = [];
    if (backgroundImage !== null) {
      // RAWG lists the background first, with id -1.
      shortScreenshots.push({ id: -1, image: backgroundImage });
      for (let k = 0; k < screenshotCount; k++)
        shortScreenshots.push({ id: id * 8 + k, image: mediaImage(rng, 'screenshots') });
    }
    const metacritic = rng.chance(0.4) ? metacriticScore(rng, ratings.rating) : null;
    const esrb = rng.chance(0.3) ? null : ESRB_FULL.get(ESRB_PICKER.pick(rng).id)!;
    const genres = rng.chance(0.03) ? [] : GENRE_PICKER.pickDistinct(rng, 1 + pickCount(rng, [0.45, 0.8]));
    const tags = rng.chance(0.03) ? [] : TAG_PICKER.pickDistinct(rng, 1 + Math.floor(11 * Math.pow(rng.next(), 1.5)));
    const stores = rng.chance(0.03) ? [] : storesFor(rng, id, platforms);
    const game: FullGame = {
      id,
      slug,
      name,
      released,
      tba: release.tba,
      background_image: backgroundImage,
      rating: ratings.rating,
      rating_top: ratings.ratingTop,
      ratings: ratings.shares,
      ratings_count: ratings.count,
      reviews_text_count: Math.floor(ratings.count * 0.03 * rng.next()),
      added,
      added_by_status: addedByStatus(rng, added),
      metacritic,
      playtime: Math.floor(60 * Math.pow(rng.next(), 3)),
      suggestions_count: 50 + rng.int(650),
      updated: this.updated(position, release.day),
      user_game: null,
      reviews_count: ratings.count,
      saturated_color: '0f0f0f',
      dominant_color: '0f0f0f',
      platforms,
      parent_platforms: parentPlatformsOf(platforms),
      genres,
      stores,
      clip: null,
      tags,
      esrb_rating: esrb,
      short_screenshots: shortScreenshots,
    };
    if (rng.chance(0.25)) game.community_rating = rng.int(6);
    return game;
  }

  /** The game in the thinner shape of filtered responses, with the real API's key order. */
  filteredGame(position: number): FilteredGame {
    const game = this.game(position);
    const filtered: FilteredGame = {
      slug: game.slug,
      name: game.name,
      playtime: game.playtime,
      platforms: game.platforms.map((entry) => THIN_PLATFORMS.get(entry.platform.id)!),
      stores: game.stores.map((entry) => THIN_STORES.get(entry.store.id)!),
      released: game.released,
      tba: game.tba,
      background_image: game.background_image,
      rating: game.rating,
      rating_top: game.rating_top,
      ratings: game.ratings,
      ratings_count: game.ratings_count,
      reviews_text_count: game.reviews_text_count,
      added: game.added,
      added_by_status: game.added_by_status,
      metacritic: game.metacritic,
      suggestions_count: game.suggestions_count,
      updated: game.updated,
      id: game.id,
      score: null,
      clip: null,
      tags: game.tags,
      esrb_rating: game.esrb_rating && ESRB_THIN.get(game.esrb_rating.id)!,
      user_game: null,
      reviews_count: game.reviews_count,
      saturated_color: game.saturated_color,
      dominant_color: game.dominant_color,
      short_screenshots: game.short_screenshots,
      parent_platforms: game.parent_platforms,
      genres: game.genres.map((genre) => THIN_GENRES.get(genre.id)!),
    };
    if (game.community_rating !== undefined) filtered.community_rating = game.community_rating;
    return filtered;
  }

  /** 5% unknown (60% of those "to be announced"), 2% upcoming, the rest skewed to recent years. */
  private release(rng: Rng): { day: number; tba: boolean } {
    const roll = rng.next();
    if (roll < 0.05) return { day: NO_RELEASE_DAY, tba: rng.chance(0.6) };
    if (roll < 0.07) return { day: this.today + 1 + rng.int(UPCOMING_DAYS), tba: false };
    const u = rng.next();
    const year = this.todayYear - Math.floor((this.todayYear - FIRST_RELEASE_YEAR + 1) * u * u);
    let day = firstDayOfYear(year) + rng.int(firstDayOfYear(year + 1) - firstDayOfYear(year));
    // Released means released before today, so that an `updated` on or after the release exists.
    if (day >= this.today) day = this.today - 1 - rng.int(RECENT_RELEASE_DAYS);
    return { day, tba: false };
  }

  /** Platforms alive in the release year, weighted by how many games they have. */
  private platformsFor(rng: Rng, year: number, released: string | null): GamePlatform[] {
    let picker = this.platformPickers.get(year);
    if (!picker) {
      const alive = PLATFORMS.filter((p) => (p.year_start ?? 0) <= year && (p.year_end ?? 9999) >= year);
      picker = new WeightedPicker(alive, (p) => Math.sqrt(p.games_count));
      this.platformPickers.set(year, picker);
    }
    const count = 1 + pickCount(rng, [0.42, 0.65, 0.8, 0.9, 0.96, 0.98, 0.99]);
    return picker.pickDistinct(rng, count).map((platform) => ({
      platform,
      released_at: released,
      requirements_en: platform.id === 4 && rng.chance(0.6) ? requirements(rng, year) : null,
      requirements_ru: null,
    }));
  }

  /** A few hundred raters per thousand adds, split over the four RAWG verdicts. */
  private ratings(
    rng: Rng,
    added: number,
  ): { count: number; rating: number; ratingTop: number; shares: RatingShare[] } {
    let count = added === 0 ? 0 : Math.floor(added * (0.03 + 0.3 * rng.next()));
    if (rng.chance(0.03)) count = 0;
    const quality = rng.next();
    if (count === 0) return { count: 0, rating: 0, ratingTop: 0, shares: [] };
    // Weights of exceptional, recommended, meh, skip: good games lean to the first.
    const weights = [
      0.1 + 0.7 * quality,
      0.3 + 0.2 * (1 - Math.abs(quality - 0.6)),
      0.05 + 0.3 * (1 - quality),
      0.02 + 0.6 * (1 - quality) ** 2,
    ];
    let total = 0;
    for (let i = 0; i < 4; i++) total += weights[i]! *= 0.7 + 0.6 * rng.next();
    const counts = [0, 0, 0, 0];
    let assigned = 0;
    let largest = 0;
    for (let i = 0; i < 4; i++) {
      assigned += counts[i] = Math.floor((count * weights[i]!) / total);
      if (weights[i]! > weights[largest]!) largest = i;
    }
    counts[largest]! += count - assigned;
    let points = 0;
    let top = 0;
    const shares: RatingShare[] = [];
    for (let i = 0; i < 4; i++) {
      const share = counts[i]!;
      points += share * RATING_TITLES[i]!.id;
      if (share > counts[top]!) top = i;
      if (share > 0)
        shares.push({
          id: RATING_TITLES[i]!.id,
          title: RATING_TITLES[i]!.title,
          count: share,
          percent: Math.round((share / count) * 10_000) / 100,
        });
    }
    shares.sort((a, b) => b.count - a.count);
    return { count, rating: Math.round((points / count) * 100) / 100, ratingTop: RATING_TITLES[top]!.id, shares };
  }
}

/** How many of a list to take: the index of the first threshold above a uniform draw. */
function pickCount(rng: Rng, thresholds: readonly number[]): number {
  const roll = rng.next();
  const index = thresholds.findIndex((threshold) => roll < threshold);
  return index === -1 ? thresholds.length : index;
}

function mediaImage(rng: Rng, folder: 'games' | 'screenshots'): string {
  const hex = rng.hex32();
  return `https://media.rawg.io/media/${folder}/${hex.slice(0, 3)}/${hex}.jpg`;
}

function metacriticScore(rng: Rng, rating: number): number {
  const base = rating > 0 ? 38 + rating * 11 : 55 + rng.int(35);
  return Math.max(20, Math.min(99, Math.round(base + (rng.next() - 0.5) * 16)));
}

function requirements(rng: Rng, year: number): { minimum: string; recommended: string } {
  const era = Math.min(3, Math.max(0, Math.floor((year - 2002) / 6)));
  const memory = 2 ** (era + 1);
  const lines = (os: string, cpu: string, gpu: string, ram: number) =>
    `OS: ${os}\nProcessor: ${cpu}\nMemory: ${ram} GB RAM\nGraphics: ${gpu}\nStorage: ${5 + rng.int(20 * (era + 1))} GB available space`;
  return {
    minimum: `Minimum:\n${lines(OPERATING_SYSTEMS[era]!, PROCESSORS[era]!, GRAPHICS[era]!, memory)}`,
    recommended: `Recommended:\n${lines(OPERATING_SYSTEMS[era]!, PROCESSORS[era + 1]!, GRAPHICS[era + 1]!, memory * 2)}`,
  };
}

/** Null for games nobody added, and for 5% of the rest; otherwise a split of `added`. */
function addedByStatus(rng: Rng, added: number): AddedByStatus | null {
  if (added === 0 || rng.chance(0.05)) return null;
  const weights: number[] = [];
  let total = 0;
  for (const [key, share] of STATUS_SHARES) {
    const weight = key === 'owned' || rng.chance(0.85) ? share * (0.5 + rng.next()) : 0;
    weights.push(weight);
    total += weight;
  }
  const counts = weights.map((weight) => Math.floor((added * weight) / total));
  let unassigned = added;
  for (const count of counts) unassigned -= count;
  const status: AddedByStatus = {};
  STATUS_SHARES.forEach(([key], i) => {
    // Rounding leftovers go to "owned", the largest share.
    const count = key === 'owned' ? counts[i]! + unassigned : counts[i]!;
    if (count > 0 || key === 'owned') status[key] = count;
  });
  return status;
}

/** The platforms' parents, once each, in the order of the parent list. */
function parentPlatformsOf(platforms: readonly GamePlatform[]): FullGame['parent_platforms'] {
  let present = 0;
  for (const entry of platforms) present |= 1 << PARENT_INDEX.get(PARENT_OF_PLATFORM.get(entry.platform.id)!.id)!;
  const parents: FullGame['parent_platforms'] = [];
  PARENT_ENTRIES.forEach((entry, index) => {
    if (present & (1 << index)) parents.push(entry);
  });
  return parents;
}

/** Shops that sell on the game's platforms; games on old consoles mostly got a PC re-release. */
function storesFor(rng: Rng, gameId: number, platforms: readonly GamePlatform[]): FullGame['stores'] {
  const storeIds: number[] = [];
  for (const entry of platforms) {
    for (const [storeId, chance] of STORE_CHANCES_BY_PLATFORM.get(entry.platform.id) ?? []) {
      if (!storeIds.includes(storeId) && rng.chance(chance)) storeIds.push(storeId);
    }
  }
  if (storeIds.length === 0 && rng.chance(0.95)) storeIds.push(rng.chance(0.5) ? 5 : 1);
  // Store-link ids are unique: store ids are below 16.
  return storeIds.map((storeId) => ({ id: gameId * 16 + storeId, store: STORE_BY_ID.get(storeId)! }));
}

const catalogues = new Map<string, Catalogue>();

function catalogueFor(seed: number, today: string): Catalogue {
  const key = `${seed}:${today}`;
  let catalogue = catalogues.get(key);
  if (!catalogue) {
    if (catalogues.size >= 16) catalogues.clear();
    catalogue = new Catalogue(seed, today);
    catalogues.set(key, catalogue);
  }
  return catalogue;
}

/** The game at a 0-based position of unfiltered `/games`, in the unfiltered shape. */
export function gameAt(seed: number, position: number, today: string): FullGame {
  return catalogueFor(seed, today).game(position);
}

/** The same game as filtered responses (`updated=`) serve it. */
export function filteredGameAt(seed: number, position: number, today: string): FilteredGame {
  return catalogueFor(seed, today).filteredGame(position);
}

/** The "YYYY-MM-DD" date part of the game's `updated`. */
export function updatedDateAt(seed: number, position: number, today: string): string {
  return isoFromDay(catalogueFor(seed, today).updatedDay(position));
}

/** How many of the first `games` games have `updated` within [from, to] (dates inclusive). */
export function countUpdatedBetween(seed: number, today: string, games: number, from: string, to: string): number {
  const catalogue = catalogueFor(seed, today);
  return countDaysBetween(games, from, to, (position) => catalogue.updatedDay(position));
}

/** How many of the first `games` games were released within [from, to]; a null `released` never counts. */
export function countReleasedBetween(seed: number, today: string, games: number, from: string, to: string): number {
  const catalogue = catalogueFor(seed, today);
  return countDaysBetween(games, from, to, (position) => catalogue.releaseDay(position));
}

function countDaysBetween(games: number, from: string, to: string, dayOf: (position: number) => number): number {
  const [first, last] = [dayFromIso(from), dayFromIso(to)];
  if (first === undefined || last === undefined)
    throw new RangeError(`dates must be YYYY-MM-DD, got "${from}" and "${to}"`);
  let count = 0;
  for (let position = 0; position < games; position++) {
    const day = dayOf(position);
    if (day >= first && day <= last) count++;
  }
  return count;
}

/** The position of the game with this id (whatever the seed): ids are 2,000,000 - 2 * position - (0 or 1). */
export function positionOfId(id: number): number {
  return Math.floor((2 * MAX_GAMES - id) / 2);
}

/** Pages the API serves for `items` items: at least one (page 1 of nothing is an empty page). */
export function pageCount(items: number, pageSize: number): number {
  return Math.max(1, Math.ceil(items / pageSize));
}

/** Publishers, developers and creators grow with the catalogue so that they span many pages. */
export const companyCounts = {
  publishers: (games: number) => Math.max(60, Math.ceil(games / 20)),
  developers: (games: number) => Math.max(80, Math.ceil(games / 10)),
  creators: (games: number) => Math.max(40, Math.ceil(games / 40)),
};

/** The `count` a list endpoint (by API path) reports for a catalogue of `games` games. */
export function itemCount(path: string, games: number): number {
  switch (path) {
    case 'games':
      return games;
    case 'genres':
      return GENRES.length;
    case 'platforms':
      return PLATFORMS.length;
    case 'platforms/lists/parents':
      return PARENT_PLATFORMS.length;
    case 'stores':
      return STORES.length;
    case 'tags':
      return TAGS.length;
    case 'publishers':
      return companyCounts.publishers(games);
    case 'developers':
      return companyCounts.developers(games);
    case 'creators':
      return companyCounts.creators(games);
    case 'creator-roles':
      return CREATOR_ROLES.length;
    default:
      throw new RangeError(`unknown endpoint path "${path}"`);
  }
}
