import { MARTS_SCHEMA, type Row, type Warehouse } from './warehouse.js';

/** How many series or bars a chart shows: more lines than this stop being readable on a phone. */
export const TOP_GENRES = 6;
export const TOP_PLATFORMS = 6;
export const TOP_GAMES = 10;
export const TOP_GROWERS = 10;
/** How far back momentum looks from the newest day of the game history. */
export const MOMENTUM_DAYS = 30;
/** Ratings are binned in steps of a quarter star: 20 bins from 0 to 5. */
export const RATING_BIN_WIDTH = 0.25;

/** How many games the warehouse holds, and the years they were released in. */
export interface WarehouseGames {
  games: number;
  firstYear: number | null;
  lastYear: number | null;
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

export interface Momentum {
  /** The first and the newest day the game history (fct_game_versions) holds; absent when it is empty. */
  firstDay?: string;
  latestDay?: string;
  /** The days compared: MOMENTUM_DAYS before latestDay, or firstDay when the history is shorter; absent when both are one day. */
  from?: string;
  to?: string;
  /** Games the history knew on `from`, and how many of them grew by `to`. */
  gamesCompared: number;
  gamesGrown: number;
  /** Versions opened after `from` up to `to`: how much of the market moved, snapshots and daily windows alike. */
  versionsOpened: number;
  growers: Grower[];
}

export interface MarketData {
  warehouseGames: WarehouseGames;
  genreReleases: SeriesByYear;
  platformShare: SeriesByYear;
  ratings: RatingDistribution;
  topRated: TopRatedGame[];
  stores: StoreCoverage[];
  momentum: Momentum;
}

type Cell = Row[string] | undefined;
const m = (name: string) => `${MARTS_SCHEMA}.${name}`;
const num = (value: Cell): number => Number(value ?? 0);
const maybe = (value: Cell): number | null => (value === null || value === undefined ? null : Number(value));

/** Everything the report shows, read from the marts (plus the few aggregates they leave to readers). */
export async function readMarketData(warehouse: Warehouse): Promise<MarketData> {
  return {
    warehouseGames: await readWarehouseGames(warehouse),
    genreReleases: await readSeriesByYear(warehouse, {
      mart: 'mart_genre_releases_by_year',
      name: 'genre_name',
      key: 'genre_id',
      share: 'share_of_year_releases',
      top: TOP_GENRES,
    }),
    platformShare: await readSeriesByYear(warehouse, {
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
  };
}

async function readWarehouseGames(warehouse: Warehouse): Promise<WarehouseGames> {
  const [row] = await warehouse.rows(`
    select
        count(*)::integer as games,
        min(release_year)::integer as first_year,
        max(release_year)::integer as last_year
    from ${m('dim_games')}`);
  return {
    games: num(row!.games),
    firstYear: maybe(row!.first_year),
    lastYear: maybe(row!.last_year),
  };
}

interface SeriesSource {
  mart: string;
  name: string;
  key: string;
  share: string;
  top: number;
}

/** The top series by releases over all years, each with every year it has releases in. */
async function readSeriesByYear(warehouse: Warehouse, source: SeriesSource): Promise<SeriesByYear> {
  const { mart, name, key, share, top } = source;
  const ranked = await warehouse.rows(`
    select ${key}::integer as id, min(${name})::varchar as name, sum(releases)::integer as releases
    from ${m(mart)}
    group by ${key}
    order by releases desc, name, id`);
  const chosen = ranked.slice(0, top);
  if (!chosen.length) return { series: [], seriesInMart: 0, rows: [] };
  const rows = await warehouse.rows(
    `
    select ${key}::integer as id, release_year::integer as year, releases::integer as releases, ${share}::double as share
    from ${m(mart)}
    where ${key} in (${chosen.map((_, index) => `$${index + 1}`).join(', ')})
    order by year, id`,
    chosen.map((row) => num(row.id)),
  );
  const names = new Map(chosen.map((row) => [num(row.id), String(row.name)]));
  const series = chosen.map((row) => String(row.name));
  const found = rows.map((row) => ({ series: names.get(num(row.id))!, year: num(row.year), releases: num(row.releases), share: num(row.share) }));
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
    for (const name of series) rows.push(byKey.get(`${name}\u0000${year}`) ?? { series: name, year, releases: 0, share: 0 });
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
        where ratings_count > 0
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
    from ${m('dim_games')}`);
  return {
    bins: bins.map((row) => ({ from: num(row.bin) * RATING_BIN_WIDTH, to: (num(row.bin) + 1) * RATING_BIN_WIDTH, games: num(row.games) })),
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
 * The games whose added count grew most over the last MOMENTUM_DAYS of the game history: each
 * game's version valid on the first day compared against its current one. The history holds
 * every observation, from snapshots and daily `updated` partitions alike, so two snapshots are not
 * needed: one snapshot and the windows after it compare as well.
 */
async function readMomentum(warehouse: Warehouse): Promise<Momentum> {
  const [span] = await warehouse.rows(`
    select min(valid_from)::varchar as first_day, max(last_seen_on)::varchar as latest_day
    from ${m('fct_game_versions')}`);
  const firstDay = span?.first_day === null || span?.first_day === undefined ? undefined : String(span.first_day);
  const latestDay = span?.latest_day === null || span?.latest_day === undefined ? undefined : String(span.latest_day);
  const none = { firstDay, latestDay, gamesCompared: 0, gamesGrown: 0, versionsOpened: 0, growers: [] };
  if (!firstDay || !latestDay) return none;
  const from = [firstDay, isoDaysBefore(latestDay, MOMENTUM_DAYS)].sort().at(-1)!;
  if (from >= latestDay) return none;
  const pairs = `
    from ${m('fct_game_versions')} as before
    inner join ${m('fct_game_versions')} as after on after.game_id = before.game_id and after.valid_to is null
    inner join ${m('dim_games')} as games on games.game_id = before.game_id
    where before.valid_from <= $1::date and (before.valid_to is null or before.valid_to > $1::date)`;
  const [compared] = await warehouse.rows(
    `select count(*)::integer as games, count(*) filter (where after.added_count > before.added_count)::integer as grown ${pairs}`,
    [from],
  );
  const [opened] = await warehouse.rows(
    `select count(*)::integer as versions from ${m('fct_game_versions')} where valid_from > $1::date and valid_from <= $2::date`,
    [from, latestDay],
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
    firstDay,
    latestDay,
    from,
    to: latestDay,
    gamesCompared: num(compared!.games),
    gamesGrown: num(compared!.grown),
    versionsOpened: num(opened!.versions),
    growers: growers.map((row) => ({
      name: String(row.name),
      addedBefore: num(row.added_before),
      addedAfter: num(row.added_after),
      growth: num(row.growth),
    })),
  };
}

/** "2024-06-30", 30 -> "2024-05-31" */
function isoDaysBefore(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}
