import type { TopLevelSpec } from 'vega-lite';
import {
  companyBars,
  growerPanels,
  stepsByYear,
  ratingHistogram,
  storeBars,
  topRatedBars,
  type ChartText,
  type Layout,
} from './charts.js';
import { formatCount, formatGrowth, formatShare, formatStars, plural } from './format.js';
import { TOP_COMPANIES, TOP_UPCOMING, type MarketData, type MomentumWindow, type SeriesByYear } from './market-data.js';

/** A table of the numbers a chart shows: the chart's text equivalent, and what the tests read. */
export interface Table {
  id: string;
  caption: string;
  columns: string[];
  /** Which columns hold numbers (right-aligned). */
  numeric: boolean[];
  rows: string[][];
}

export interface Section {
  id: string;
  heading: string;
  /** The text beside the chart: what it shows, in words. */
  summary: string;
  chart?: { text: ChartText; spec: (layout: Layout) => TopLevelSpec };
  table?: Table;
}

export function marketSections(data: MarketData): Section[] {
  return [
    genreSection(data),
    platformSection(data),
    upcomingSection(data),
    ratingsSection(data),
    topRatedSection(data),
    storesSection(data),
    companySection(data, 'publishers'),
    companySection(data, 'developers'),
    momentumSection(data),
  ];
}

/**
 * The most added publishers or developers. Only games whose detail the lake holds name their
 * companies, so the first sentence says how much of the market that is.
 */
function companySection({ companies }: MarketData, kind: 'publishers' | 'developers'): Section {
  const heading = kind === 'publishers' ? 'Publishers' : 'Developers';
  const singular = kind === 'publishers' ? 'publisher' : 'developer';
  const listed = companies[kind];
  const [first] = listed;
  const share = companies.marketAdded > 0 ? companies.knownAdded / companies.marketAdded : 0;
  const coverage =
    companies.known === 0
      ? `No game's ${kind} are known yet: only a game's detail names them, and the pipeline fetches the details of the most added games first, a share of each day's requests.`
      : `${kind === 'publishers' ? 'Publishers' : 'Developers'} are known for ${plural(companies.known, 'game')} of the warehouse's ${formatCount(companies.games)} (${formatShare(share)} of the market by users who added them): this section speaks of those games only.`;
  const lead = first
    ? ` ${first.name}'s games are the most added: ${formatCount(first.added)} users over ${plural(first.games, 'known game')}.`
    : companies.known > 0
      ? ` None of them names a ${singular}.`
      : '';
  const text: ChartText = {
    title: `The ${Math.min(listed.length, TOP_COMPANIES)} most added ${kind}`,
    subtitle: `Users who added the ${singular}'s games, over the games whose ${kind} are known`,
  };
  return {
    id: kind,
    heading,
    summary: coverage + lead,
    chart: first ? { text, spec: (layout) => companyBars(listed, text, layout) } : undefined,
    table: first
      ? {
          id: `top-${kind}`,
          caption: `The most added ${kind}, over the games whose ${kind} are known`,
          columns: [heading.slice(0, -1), 'Known games', 'Users who added them', 'Share of the known market'],
          numeric: [false, true, true, true],
          rows: listed.map((company) => [
            company.name,
            formatCount(company.games),
            formatCount(company.added),
            formatShare(companies.knownAdded > 0 ? company.added / companies.knownAdded : 0),
          ]),
        }
      : undefined,
  };
}

/** "2026" -> "2026 (so far)" for the current year: its releases are still coming in. */
const yearLabel = (year: number, currentYear: number): string =>
  year === currentYear ? `${year} (so far)` : String(year);

/** Year rows, one column per series: the chart's data as a reader scans it. */
function yearTable(
  id: string,
  caption: string,
  data: SeriesByYear,
  currentYear: number,
  cell: (releases: number, share: number) => string,
): Table {
  const years = [...new Set(data.rows.map((row) => row.year))];
  const byKey = new Map(data.rows.map((row) => [`${row.series}|${row.year}`, row]));
  return {
    id,
    caption,
    columns: ['Release year', ...data.series],
    numeric: [false, ...data.series.map(() => true)],
    rows: years.map((year) => [
      yearLabel(year, currentYear),
      ...data.series.map((series) => {
        const row = byKey.get(`${series}|${year}`);
        return cell(row?.releases ?? 0, row?.share ?? 0);
      }),
    ]),
  };
}

function totals(data: SeriesByYear): { series: string; releases: number }[] {
  return data.series.map((series) => ({
    series,
    releases: data.rows.filter((row) => row.series === series).reduce((sum, row) => sum + row.releases, 0),
  }));
}

function yearSpan(data: SeriesByYear, currentYear: number): string {
  const years = data.rows.map((row) => row.year);
  return years.length ? `${Math.min(...years)} to ${yearLabel(Math.max(...years), currentYear)}` : 'no year';
}

/** Said under a chart of years that ends in the current one, which is not over. */
const partialYear = (data: SeriesByYear, currentYear: number): string =>
  data.rows.some((row) => row.year === currentYear) ? `; ${currentYear} so far` : '';

function genreSection({ genreReleases: data, warehouseGames: { currentYear } }: MarketData): Section {
  const ranked = totals(data);
  const [first, second, third] = ranked;
  const text: ChartText = {
    title: 'Releases per year, by genre',
    subtitle: `Games released each year in the ${data.series.length} genres with the most releases; a game in two genres counts in both${partialYear(data, currentYear)}`,
  };
  const summary = first
    ? `From ${yearSpan(data, currentYear)}, ${first.series} has the most releases (${formatCount(first.releases)})` +
      (second ? `, then ${second.series} (${formatCount(second.releases)})` : '') +
      (third ? ` and ${third.series} (${formatCount(third.releases)})` : '') +
      `. The chart follows the ${plural(data.series.length, 'genre')} with the most releases, of ${formatCount(data.seriesInMart)} in the warehouse; ` +
      'a game in two genres counts in both. Games without a release date, and upcoming ones, are left out.'
    : 'No game in the warehouse has both a genre and a release date.';
  return {
    id: 'genres',
    heading: 'Releases by genre',
    summary,
    chart: data.rows.length
      ? {
          text,
          spec: (layout) =>
            stepsByYear(data, text, { field: 'releases', title: 'Releases (games per year)', legend: 'Genre' }, layout),
        }
      : undefined,
    table: data.rows.length
      ? yearTable('genre-releases', 'Releases (games) per year and genre', data, currentYear, (releases) =>
          formatCount(releases),
        )
      : undefined,
  };
}

function platformSection({ platformShare: data, warehouseGames: { currentYear } }: MarketData): Section {
  const ranked = totals(data);
  // The headline's year is the last whole one: the current year is partial, later ones upcoming.
  const lastWholeYear = data.rows.filter((row) => row.year < currentYear && row.releases > 0).at(-1)?.year;
  const leader = data.rows.filter((row) => row.year === lastWholeYear).sort((a, b) => b.share - a.share)[0];
  const text: ChartText = {
    title: "Platform share of each year's releases",
    subtitle: `Share of the games released each year that came out on the platform, for the ${data.series.length} platforms with the most releases${partialYear(data, currentYear)}`,
  };
  const summary = ranked[0]
    ? `${ranked[0].series} has the most releases from ${yearSpan(data, currentYear)}: ${formatCount(ranked[0].releases)}.` +
      (leader
        ? ` In ${lastWholeYear}, the last whole year, the largest share was ${leader.series}'s: ${formatShare(leader.share)} of the year's releases.`
        : '') +
      " A game on several platforms counts for each, so a year's shares add up to more than 100%."
    : 'No game in the warehouse has both a platform and a release date.';
  return {
    id: 'platforms',
    heading: 'Platform share of releases',
    summary,
    chart: data.rows.length
      ? {
          text,
          spec: (layout) =>
            stepsByYear(data, text, { field: 'share', title: 'Share of releases (%)', legend: 'Platform' }, layout),
        }
      : undefined,
    table: data.rows.length
      ? yearTable(
          'platform-share',
          "Share of the year's releases (%) per year and platform",
          data,
          currentYear,
          (_, share) => formatShare(share),
        )
      : undefined,
  };
}

function ratingsSection({ ratings, warehouseGames }: MarketData): Section {
  const mode = [...ratings.bins].sort((a, b) => b.games - a.games)[0];
  const text: ChartText = {
    title: 'Distribution of ratings',
    subtitle: `Mean user rating of the ${formatCount(ratings.ratedGames)} rated games, in steps of a quarter star; games nobody rated are left out`,
  };
  const summary = ratings.ratedGames
    ? `${formatCount(ratings.ratedGames)} of the ${formatCount(warehouseGames.games)} games have at least one rating; their mean rating is ` +
      `${formatStars(ratings.meanRating ?? 0)} stars. The most common step is ${formatStars(mode!.from)} to ${formatStars(mode!.to)} stars ` +
      `(${plural(mode!.games, 'game')}). ${plural(ratings.unratedGames, 'game')} without ratings (shown by RAWG as 0) are left out.`
    : 'No game in the warehouse has a rating yet.';
  return {
    id: 'ratings',
    heading: 'Ratings',
    summary,
    chart: ratings.ratedGames ? { text, spec: (layout) => ratingHistogram(ratings, text, layout) } : undefined,
    table: ratings.ratedGames
      ? {
          id: 'rating-distribution',
          caption: 'Rated games per rating step (stars)',
          columns: ['Rating from', 'Rating to (below)', 'Games'],
          numeric: [true, true, true],
          rows: ratings.bins.map((bin) => [formatStars(bin.from), formatStars(bin.to), formatCount(bin.games)]),
        }
      : undefined,
  };
}

function topRatedSection({ topRated }: MarketData): Section {
  const [best] = topRated;
  const text: ChartText = {
    title: 'Top games by weighted rating',
    subtitle: `The ${topRated.length} best by a rating that accounts for the number of ratings; the number of ratings in brackets`,
  };
  const summary = best
    ? `${best.name} ranks first, with a weighted rating of ${formatStars(best.weightedRating)}: ${formatStars(best.rating)} stars from ` +
      `${plural(best.ratingsCount, 'rating')}. The weighted rating pulls a game with few ratings towards the mean of all rated games, ` +
      'so a 5.0 from three ratings does not beat a 4.6 from thousands.'
    : 'No game in the warehouse has a rating yet.';
  return {
    id: 'top-rated',
    heading: 'Top rated games',
    summary,
    chart: best ? { text, spec: (layout) => topRatedBars(topRated, text, layout) } : undefined,
    table: best
      ? {
          id: 'top-rated',
          caption: 'Top games by weighted rating',
          columns: ['Rank', 'Game', 'Released', 'Rating (stars)', 'Ratings', 'Weighted rating (stars)'],
          numeric: [true, false, true, true, true, true],
          rows: topRated.map((game) => [
            String(game.rank),
            game.name,
            game.year === null ? 'unknown' : String(game.year),
            formatStars(game.rating),
            formatCount(game.ratingsCount),
            formatStars(game.weightedRating),
          ]),
        }
      : undefined,
  };
}

function storesSection({ stores, warehouseGames }: MarketData): Section {
  const [widest] = stores;
  const exclusives = stores.reduce((sum, store) => sum + store.exclusiveGames, 0);
  const text: ChartText = {
    title: 'Store coverage',
    subtitle: `Share of the warehouse's ${formatCount(warehouseGames.games)} games each store sells; the number of games in brackets`,
  };
  const summary = widest
    ? `${widest.store} sells the most: ${plural(widest.gamesSold, 'game')}, ${formatShare(widest.share)} of the warehouse's games. ` +
      `${plural(stores.length, 'store')} in all; ${plural(exclusives, 'game')} ${exclusives === 1 ? 'is' : 'are'} sold by one store only.`
    : 'The warehouse has no stores.';
  return {
    id: 'stores',
    heading: 'Store coverage',
    summary,
    chart: widest ? { text, spec: (layout) => storeBars(stores, text, layout) } : undefined,
    table: widest
      ? {
          id: 'store-coverage',
          caption: 'Games each store sells',
          columns: ['Store', 'Games sold', 'Share of the games', 'Sold only there', 'Mean rating (stars)'],
          numeric: [false, true, true, true, true],
          rows: stores.map((store) => [
            store.store,
            formatCount(store.gamesSold),
            formatShare(store.share),
            formatCount(store.exclusiveGames),
            store.meanRating === null ? 'none rated' : formatStars(store.meanRating),
          ]),
        }
      : undefined,
  };
}

function upcomingSection({ upcoming, warehouseGames: { asOf } }: MarketData): Section {
  const base = { id: 'upcoming', heading: 'Upcoming games' };
  const after = `dated after ${asOf} (the newest day of the data)`;
  if (!upcoming.games) return { ...base, summary: `No game in the warehouse is ${after} or to be announced (TBA).` };
  const tba = upcoming.listed.filter((game) => game.isTba).length;
  return {
    ...base,
    summary:
      `${plural(upcoming.games, 'game')} ${upcoming.games === 1 ? 'is' : 'are'} ${after} or to be announced (TBA); release history leaves them out. ` +
      `The ${upcoming.listed.length === 1 ? 'one' : formatCount(upcoming.listed.length)} most added by users ${upcoming.listed.length === 1 ? 'is' : 'are'} listed` +
      (tba ? `, ${formatCount(tba)} of them TBA.` : '.'),
    table: {
      id: 'upcoming',
      caption: `The ${formatCount(Math.min(upcoming.games, TOP_UPCOMING))} most added upcoming games`,
      columns: ['Game', 'Release date', 'Added by users'],
      numeric: [false, false, true],
      rows: upcoming.listed.map((game) => [
        game.name,
        game.isTba || !game.releasedOn ? `TBA${game.releasedOn ? ` (${game.releasedOn})` : ''}` : game.releasedOn,
        formatCount(game.added),
      ]),
    },
  };
}

/** "the last 7 days (2024-06-13 to 2024-06-20)"; a stretch cut short by the history says so. */
function stretch(window: MomentumWindow, firstDay: string | undefined): string {
  const whole =
    window.from === firstDay
      ? `the whole history, ${plural(window.days, 'day')}`
      : `the last ${plural(window.days, 'day')}`;
  return `${whole} (${window.from} to ${window.to})`;
}

/** What one stretch shows: how many of the games known at its start grew, and which grew most. */
function windowSentence(window: MomentumWindow, firstDay: string | undefined): string {
  const over = stretch(window, firstDay);
  const known = `${plural(window.gamesCompared, 'game')} known on ${window.from}`;
  const firstSeen = window.gamesFirstSeen
    ? ` ${plural(window.gamesFirstSeen, 'game')} first seen later ${window.gamesFirstSeen === 1 ? 'is' : 'are'} new to the lake, not changes, and left out.`
    : '';
  const top = window.growers[0];
  return top
    ? `Over ${over}, ${formatCount(window.gamesGrown)} of the ${known} grew; ${top.name} grew most: ${formatGrowth(top.growth)} users ` +
        `(${formatCount(top.addedBefore)} to ${formatCount(top.addedAfter)}).${firstSeen}`
    : `Over ${over}, no game's added count grew (of the ${known}).${firstSeen}`;
}

function momentumTable(shown: MomentumWindow[]): NonNullable<Section['table']> {
  return {
    id: 'momentum',
    caption: 'Games whose added count grew most, per stretch of the history',
    columns: ['Stretch', 'Rank', 'Game', 'Added at the start', 'Added at the end', 'Growth'],
    numeric: [false, true, false, true, true, true],
    rows: shown.flatMap((window) =>
      window.growers.map((grower, index) => [
        `${window.from} to ${window.to}`,
        String(index + 1),
        grower.name,
        formatCount(grower.addedBefore),
        formatCount(grower.addedAfter),
        formatGrowth(grower.growth),
      ]),
    ),
  };
}

function momentumSection({ momentum }: MarketData): Section {
  const { windows, firstDay } = momentum;
  const base = { id: 'momentum', heading: 'Momentum' };
  if (!windows.length) {
    const held = momentum.latestDay ? ` holds one day (${momentum.latestDay})` : ' is empty';
    return {
      ...base,
      summary:
        `The game history${held}; growth needs observations from two days, by a second snapshot or by the games changed on a later day (its updated partition). ` +
        'Without RAWG_API_KEY, gmp pipeline on another day adds them from the sandbox; with a key, gmp pipeline (daily mode) ' +
        'on another day fetches the games changed the day before (gmp plan --all --mode daily shows what it costs first).',
    };
  }
  const said = windows.map((window) => windowSentence(window, firstDay));
  const shown = windows.filter((window) => window.growers.length);
  const text: ChartText = {
    title: 'Fastest-growing games',
    subtitle:
      'Growth of the added count (users who added the game to a list); only games the history knew at the start of the stretch',
  };
  return {
    ...base,
    summary: `Each game's added count (users who added it to a list) at the start of a stretch against its count on its last day, as the snapshots and daily updated partitions recorded it. ${said.join(' ')}`,
    chart: shown.length
      ? {
          text,
          spec: (layout) =>
            growerPanels(
              shown.map((window) => ({ title: `Over ${stretch(window, firstDay)}`, growers: window.growers })),
              text,
              layout,
            ),
        }
      : undefined,
    table: shown.length ? momentumTable(shown) : undefined,
  };
}
