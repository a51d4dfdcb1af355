import { addDays, DAY_MS, startOfDay } from '../dates.js';
import { MARTS_SCHEMA, type Row, type Warehouse } from './warehouse.js';
import type { ReportMart } from './warehouse.js';

/** How many series or bars a chart shows: more lines than this stop being readable on a phone. */
export const TOP_GENRES = 6;
export const TOP_PLATFORMS = 6;
export const TOP_GAMES = 10;
export const TOP_GROWERS = 10;
/** How far back momentum looks from the newest day of the game history: a week and a month. */
export const MOMENTUM_DAYS = [7, 30] as const;
/** How many upcoming games the report lists. */
export const TOP_UPCOMING = 10;
/** Ratings are binned in steps of a quarter star: 20 bins from 0 to 5. */
export const RATING_BIN_WIDTH = 0.25;

/** How many live games the warehouse holds, and the years up to now they were released in. */
export interface WarehouseGames {
  games: number;
  firstYear: number | null;
  /** The latest release year up to the current one: future-dated games are upcoming, not history. */
  lastYear: number | null;
  /** The day the data speaks for (see asOfDay): later release dates are upcoming. */
  asOf: string;
  /** asOf's year: the last year release history shows, and a partial one. */
  currentYear: number;
}

export interface YearValue {
  series: string;
  year: number;
  releases: number;
  /** Share of the year's releases, 0 to 1. */
  share: number;
}

export interface SeriesByYear {
  /** The series shown, biggest first. */
  series: string[];
  /** How many series the mart has in all. */
  seriesInMart: number;
  /** Every year of the series' span, series by series, with 0 where the mart has no row. */
  rows: YearValue[];
}

export interface RatingBin {
  from: number;
  to: number;
  games: number;
}

export interface RatingDistribution {
  bins: RatingBin[];
  ratedGames: number;
  unratedGames: number;
  meanRating: number | null;
}

export interface TopRatedGame {
  rank: number;
  name: string;
  year: number | null;
  rating: number;
  ratingsCount: number;
  weightedRating: number;
}

export interface StoreCoverage {
  store: string;
  gamesSold: number;
  share: number;
  exclusiveGames: number;
  meanRating: number | null;
}

export interface Grower {
  name: string;
  addedBefore: number;
  addedAfter: number;
  growth: number;
}

/** The growth of `added` over one stretch of the game history, up to its newest day. */
export interface MomentumWindow {
  /** How many days the stretch covers: one of MOMENTUM_DAYS, or fewer when the history is shorter. */
  days: number;
  from: string;
  to: string;
  /** Games the history knew on `from`: only these can change; a game first seen later is not a change. */
  gamesCompared: number;
  /** How many of them had a larger added count on `to`. */
  gamesGrown: number;
  /** Games first seen after `from`: new to the lake, not grown, and left out. */
  gamesFirstSeen: number;
  growers: Grower[];
}

export interface Momentum {
  /** The first and the newest day the game history (fct_game_versions) holds; absent when it is empty. */
  firstDay?: string;
  latestDay?: string;
  /** The last 7 and 30 days (one stretch when the history is shorter than a week); none with one day of history. */
  windows: MomentumWindow[];
}

/** A live game dated after the data's day, or to be announced. */
export interface UpcomingGame {
  name: string;
  /** YYYY-MM-DD; null when RAWG says TBA without a date. */
  releasedOn: string | null;
  isTba: boolean;
  added: number;
}

export interface Upcoming {
  /** How many live games are future-dated or TBA. */
  games: number;
  /** The TOP_UPCOMING most added of them. */
  listed: UpcomingGame[];
}

/** The companies shown per kind. */
export const TOP_COMPANIES = 10;

export interface TopCompany {
  name: string;
  games: number;
  /** The `added` of its known games, summed. */
  added: number;
}

/** Games by company, over the live games whose companies are known, and what share that is. */
export interface Companies {
  games: number;
  known: number;
  marketAdded: number;
  knownAdded: number;
  publishers: TopCompany[];
  developers: TopCompany[];
}

export interface MarketData {
  warehouseGames: WarehouseGames;
  genreReleases: SeriesByYear;
  platformShare: SeriesByYear;
  ratings: RatingDistribution;
  topRated: TopRatedGame[];
  stores: StoreCoverage[];
  momentum: Momentum;
  upcoming: Upcoming;
  companies: Companies;
}

type Cell = Row[string] | undefined;
const m = (name: ReportMart) => `${MARTS_SCHEMA}.${name}`;
const num = (value: Cell): number => Number(value ?? 0);
const maybe = (value: Cell): number | null => (value === null || value === undefined ? null : Number(value));

/**
 * Everything the report shows, read from the marts (plus the few aggregates they leave to readers).
 * Release history ends on the data's day (asOfDay): later release dates are upcoming.
 */
export async function readMarketData(warehouse: Warehouse, today: string): Promise<MarketData> {
  const asOf = await asOfDay(warehouse, today);
  const currentYear = Number(asOf.slice(0, 4));
  return {
    warehouseGames: await readWarehouseGames(warehouse, asOf),
    genreReleases: await readSeriesByYear(warehouse, currentYear, {
      mart: 'mart_genre_releases_by_year',
      name: 'genre_name',
      key: 'genre_id',
      share: 'share_of_year_releases',
      top: TOP_GENRES,
    }),
    platformShare: await readSeriesByYear(warehouse, currentYear, {
      mart: 'mart_platform_release_share_by_year',
      name: 'platform_name',
      key: 'platform_id',
      share: 'share_of_releases',
      top: TOP_PLATFORMS,
    }),
    ratings: await readRatings(warehouse),
    topRated: await readTopRated(warehouse),
    stores: await readStores(warehouse),
    momentum: await readMomentum(warehouse),
    upcoming: await readUpcoming(warehouse, asOf),
    companies: await readCompanies(warehouse),
  };
}

/** The coverage (dim_game_details) and the TOP_COMPANIES most added publishers and developers (mart_top_companies). */
async function readCompanies(warehouse: Warehouse): Promise<Companies> {
  const [coverage] = await warehouse.rows(`
    select
        count(*)::integer as games,
        (count(*) filter (where details.companies_known))::integer as known,
        coalesce(sum(games.added_count), 0)::double as market_added,
        coalesce(sum(games.added_count) filter (where details.companies_known), 0)::double as known_added
    from ${m('dim_game_details')} as details
    inner join ${m('dim_games')} as games on details.game_id = games.game_id`);
  const top = await warehouse.rows(
    `
    select company_kind::varchar as kind, company_name::varchar as name, games::integer as games, added_total::double as added
    from ${m('mart_top_companies')}
    where popularity_rank <= $1
    order by company_kind, popularity_rank, company_id`,
    [TOP_COMPANIES],
  );
  const of = (kind: string): TopCompany[] =>
    top
      .filter((row) => row.kind === kind)
      .map((row) => ({ name: String(row.name), games: num(row.games), added: num(row.added) }));
  return {
    games: num(coverage?.games),
    known: num(coverage?.known),
    marketAdded: num(coverage?.market_added),
    knownAdded: num(coverage?.known_added),
    publishers: of('publisher'),
    developers: of('developer'),
  };
}

/**
 * The day the data speaks for: the newest partition date that holds a game, or `today` (the
 * report's clock) if that is earlier. A game dated 2025 in a lake of 2024 was upcoming then,
 * whenever the report is made; a lake's date never runs ahead of the clock.
 */
async function asOfDay(warehouse: Warehouse, today: string): Promise<string> {
  const [row] = await warehouse.rows(`select max(last_seen_on)::varchar as newest from ${m('dim_games')}`);
  const newest = row?.newest === null || row?.newest === undefined ? today : String(row.newest);
  return newest < today ? newest : today;
}

/** The report counts live games only, as the marts do (dim_games.is_deleted). */
const live = (games?: string) => `not ${games ? `${games}.` : ''}is_deleted`;

async function readWarehouseGames(warehouse: Warehouse, asOf: string): Promise<WarehouseGames> {
  const currentYear = Number(asOf.slice(0, 4));
  const [row] = await warehouse.rows(
    `
    select
        count(*)::integer as games,
        min(release_year)::integer as first_year,
        max(release_year) filter (where release_year <= $1)::integer as last_year
    from ${m('dim_games')}
    where ${live()}`,
    [currentYear],
  );
  return {
    games: num(row!.games),
    firstYear: maybe(row!.first_year),
    lastYear: maybe(row!.last_year),
    asOf,
    currentYear,
  };
}

interface SeriesSource {
  mart: ReportMart;
  name: string;
  key: string;
  share: string;
  top: number;
}

/** The top series by releases over the years up to the current one, each with every year it has releases in. */
async function readSeriesByYear(
  warehouse: Warehouse,
  currentYear: number,
  source: SeriesSource,
): Promise<SeriesByYear> {
  const { mart, name, key, share, top } = source;
  const ranked = await warehouse.rows(
    `
    select ${key}::integer as id, min(${name})::varchar as name, sum(releases)::integer as releases
    from ${m(mart)}
    where release_year <= $1
    group by ${key}
    order by releases desc, name, id`,
    [currentYear],
  );
  const chosen = ranked.slice(0, top);
  if (!chosen.length) return { series: [], seriesInMart: 0, rows: [] };
  const rows = await warehouse.rows(
    `
    select ${key}::integer as id, release_year::integer as year, releases::integer as releases, ${share}::double as share
    from ${m(mart)}
    where release_year <= $1 and ${key} in (${chosen.map((_, index) => `$${index + 2}`).join(', ')})
    order by year, id`,
    [currentYear, ...chosen.map((row) => num(row.id))],
  );
  const names = new Map(chosen.map((row) => [num(row.id), String(row.name)]));
  const series = chosen.map((row) => String(row.name));
  const found = rows.map((row) => ({
    series: names.get(num(row.id))!,
    year: num(row.year),
    releases: num(row.releases),
    share: num(row.share),
  }));
  return { series, seriesInMart: ranked.length, rows: everyYear(series, found) };
}

/**
 * One value per series and year, from the first year to the last, with 0 where the mart has no
 * row (no releases): a line drawn across a missing year would invent releases.
 */
function everyYear(series: string[], found: YearValue[]): YearValue[] {
  if (!found.length) return [];
  const years = found.map((row) => row.year);
  const first = Math.min(...years);
  const last = Math.max(...years);
  const byKey = new Map(found.map((row) => [`${row.series}\u0000${row.year}`, row]));
  const rows: YearValue[] = [];
  for (let year = first; year <= last; year++) {
    for (const name of series)
      rows.push(byKey.get(`${name}\u0000${year}`) ?? { series: name, year, releases: 0, share: 0 });
  }
  return rows;
}

/** The histogram of the mean ratings of rated games (RAWG gives an unrated game 0, which is no rating). */
async function readRatings(warehouse: Warehouse): Promise<RatingDistribution> {
  const binsPerStar = 1 / RATING_BIN_WIDTH;
  const bins = await warehouse.rows(`
    with rated as (
        select least(floor(rating * ${binsPerStar}), ${5 * binsPerStar - 1})::integer as bin
        from ${m('dim_games')}
        where ratings_count > 0 and ${live()}
    )
    select bins.range::integer as bin, count(rated.bin)::integer as games
    from range(0, ${5 * binsPerStar}) as bins
    left join rated on rated.bin = bins.range
    group by bins.range
    order by bins.range`);
  const [totals] = await warehouse.rows(`
    select
        count(*) filter (where ratings_count > 0)::integer as rated,
        count(*) filter (where ratings_count = 0 or ratings_count is null)::integer as unrated,
        avg(rating) filter (where ratings_count > 0)::double as mean_rating
    from ${m('dim_games')}
    where ${live()}`);
  return {
    bins: bins.map((row) => ({
      from: num(row.bin) * RATING_BIN_WIDTH,
      to: (num(row.bin) + 1) * RATING_BIN_WIDTH,
      games: num(row.games),
    })),
    ratedGames: num(totals!.rated),
    unratedGames: num(totals!.unrated),
    meanRating: maybe(totals!.mean_rating),
  };
}

async function readTopRated(warehouse: Warehouse): Promise<TopRatedGame[]> {
  const rows = await warehouse.rows(
    `
    select
        weighted_rating_rank::integer as rank,
        game_name::varchar as name,
        release_year::integer as year,
        rating::double as rating,
        ratings_count::integer as ratings_count,
        weighted_rating::double as weighted_rating
    from ${m('mart_top_rated_games')}
    where weighted_rating_rank <= $1
    order by weighted_rating_rank`,
    [TOP_GAMES],
  );
  return rows.map((row) => ({
    rank: num(row.rank),
    name: String(row.name),
    year: maybe(row.year),
    rating: num(row.rating),
    ratingsCount: num(row.ratings_count),
    weightedRating: num(row.weighted_rating),
  }));
}

async function readStores(warehouse: Warehouse): Promise<StoreCoverage[]> {
  const rows = await warehouse.rows(`
    select
        store_name::varchar as store,
        games_sold::integer as games_sold,
        share_of_catalogue::double as share,
        exclusive_games::integer as exclusive_games,
        mean_rating::double as mean_rating
    from ${m('mart_store_coverage')}
    order by games_sold desc, store_name, store_id`);
  return rows.map((row) => ({
    store: String(row.store),
    gamesSold: num(row.games_sold),
    share: num(row.share),
    exclusiveGames: num(row.exclusive_games),
    meanRating: maybe(row.mean_rating),
  }));
}

/**
 * The games whose added count grew most over the last 7 and 30 days of the game history: each
 * game's version valid on the first day of the stretch against its current one. The history
 * holds every observation, from snapshots and daily `updated` partitions alike, so one snapshot
 * and the partitions after it compare as well as two snapshots. A game first seen inside the
 * stretch has nothing to compare: it is new to the lake, not a change, and is left out.
 */
async function readMomentum(warehouse: Warehouse): Promise<Momentum> {
  const [span] = await warehouse.rows(`
    select min(valid_from)::varchar as first_day, max(last_seen_on)::varchar as latest_day
    from ${m('fct_game_versions')}`);
  const firstDay = span?.first_day === null || span?.first_day === undefined ? undefined : String(span.first_day);
  const latestDay = span?.latest_day === null || span?.latest_day === undefined ? undefined : String(span.latest_day);
  if (!firstDay || !latestDay || firstDay >= latestDay) return { firstDay, latestDay, windows: [] };
  const windows: MomentumWindow[] = [];
  for (const days of MOMENTUM_DAYS) {
    const from = [firstDay, addDays(latestDay, -days)].sort().at(-1)!;
    // A history shorter than the stretch gives the same comparison as the shorter one: said once.
    if (windows.some((window) => window.from === from)) continue;
    windows.push(await readMomentumWindow(warehouse, from, latestDay));
  }
  return { firstDay, latestDay, windows };
}

async function readMomentumWindow(warehouse: Warehouse, from: string, to: string): Promise<MomentumWindow> {
  const pairs = `
    from ${m('fct_game_versions')} as before
    inner join ${m('fct_game_versions')} as after on after.game_id = before.game_id and after.valid_to is null
    inner join ${m('dim_games')} as games on games.game_id = before.game_id and ${live('games')}
    where before.valid_from <= $1::date and (before.valid_to is null or before.valid_to > $1::date)`;
  const [compared] = await warehouse.rows(
    `select count(*)::integer as games, count(*) filter (where after.added_count > before.added_count)::integer as grown ${pairs}`,
    [from],
  );
  const [firstSeen] = await warehouse.rows(
    `
    select count(*)::integer as games
    from ${m('fct_game_versions')} as first
    inner join ${m('dim_games')} as games on games.game_id = first.game_id and ${live('games')}
    where first.version_number = 1 and first.valid_from > $1::date`,
    [from],
  );
  const growers = await warehouse.rows(
    `
    select
        games.game_name::varchar as name,
        before.added_count::integer as added_before,
        after.added_count::integer as added_after,
        (after.added_count - before.added_count)::integer as growth
    ${pairs}
        and after.added_count > before.added_count
    order by growth desc, after.added_count desc, before.game_id
    limit $2`,
    [from, TOP_GROWERS],
  );
  return {
    days: Math.round((startOfDay(to) - startOfDay(from)) / DAY_MS),
    from,
    to,
    gamesCompared: num(compared!.games),
    gamesGrown: num(compared!.grown),
    gamesFirstSeen: num(firstSeen!.games),
    growers: growers.map((row) => ({
      name: String(row.name),
      addedBefore: num(row.added_before),
      addedAfter: num(row.added_after),
      growth: num(row.growth),
    })),
  };
}

/** Live games released after `asOf` or to be announced, the most added first. */
async function readUpcoming(warehouse: Warehouse, asOf: string): Promise<Upcoming> {
  const upcoming = `from ${m('dim_games')} where ${live()} and (released_on > $1::date or is_tba)`;
  const [total] = await warehouse.rows(`select count(*)::integer as games ${upcoming}`, [asOf]);
  const rows = await warehouse.rows(
    `
    select game_name::varchar as name, released_on::varchar as released_on, is_tba, added_count::integer as added
    ${upcoming}
    order by added_count desc, released_on nulls last, game_id
    limit $2`,
    [asOf, TOP_UPCOMING],
  );
  return {
    games: num(total!.games),
    listed: rows.map((row) => ({
      name: String(row.name),
      releasedOn: row.released_on === null || row.released_on === undefined ? null : String(row.released_on),
      isTba: row.is_tba === true,
      added: num(row.added),
    })),
  };
}
