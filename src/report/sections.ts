import type { TopLevelSpec } from 'vega-lite';
import { growerBars, linesByYear, ratingHistogram, storeBars, topRatedBars, type ChartText, type Layout } from './charts.js';
import { formatCount, formatGrowth, formatShare, formatStars, plural } from './format.js';
import { MOMENTUM_DAYS, type MarketData, type SeriesByYear } from './market-data.js';

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
  return [genreSection(data), platformSection(data), ratingsSection(data), topRatedSection(data), storesSection(data), momentumSection(data)];
}

/** Year rows, one column per series: the line chart's data as a reader scans it. */
function yearTable(id: string, caption: string, data: SeriesByYear, cell: (releases: number, share: number) => string): Table {
  const years = [...new Set(data.rows.map((row) => row.year))];
  const byKey = new Map(data.rows.map((row) => [`${row.series}|${row.year}`, row]));
  return {
    id,
    caption,
    columns: ['Release year', ...data.series],
    numeric: [false, ...data.series.map(() => true)],
    rows: years.map((year) => [
      String(year),
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

function yearSpan(data: SeriesByYear): string {
  const years = data.rows.map((row) => row.year);
  return years.length ? `${Math.min(...years)} to ${Math.max(...years)}` : 'no year';
}

function genreSection({ genreReleases: data }: MarketData): Section {
  const ranked = totals(data);
  const [first, second, third] = ranked;
  const text: ChartText = {
    title: 'Releases per year, by genre',
    subtitle: `Games released each year in the ${data.series.length} genres with the most releases; a game in two genres counts in both`,
  };
  const summary = first
    ? `From ${yearSpan(data)}, ${first.series} has the most releases (${formatCount(first.releases)})` +
      (second ? `, then ${second.series} (${formatCount(second.releases)})` : '') +
      (third ? ` and ${third.series} (${formatCount(third.releases)})` : '') +
      `. The chart follows the ${plural(data.series.length, 'genre')} with the most releases, of ${formatCount(data.seriesInMart)} in the warehouse; ` +
      'a game in two genres counts in both. Games without a release date are left out.'
    : 'No game in the warehouse has both a genre and a release date.';
  return {
    id: 'genres',
    heading: 'Releases by genre',
    summary,
    chart: data.rows.length
      ? { text, spec: (layout) => linesByYear(data, text, { field: 'releases', title: 'Releases (games per year)', legend: 'Genre' }, layout) }
      : undefined,
    table: data.rows.length ? yearTable('genre-releases', 'Releases (games) per year and genre', data, (releases) => formatCount(releases)) : undefined,
  };
}

function platformSection({ platformShare: data }: MarketData): Section {
  const ranked = totals(data);
  const lastYear = data.rows.at(-1)?.year;
  const leader = data.rows.filter((row) => row.year === lastYear).sort((a, b) => b.share - a.share)[0];
  const text: ChartText = {
    title: "Platform share of each year's releases",
    subtitle: `Share of the games released each year that came out on the platform, for the ${data.series.length} platforms with the most releases`,
  };
  const summary = ranked[0]
    ? `${ranked[0].series} has the most releases from ${yearSpan(data)} (${formatCount(ranked[0].releases)}).` +
      (leader ? ` In ${lastYear}, the largest share was ${leader.series}'s: ${formatShare(leader.share)} of the year's releases.` : '') +
      " A game on several platforms counts for each, so a year's shares add up to more than 100%."
    : 'No game in the warehouse has both a platform and a release date.';
  return {
    id: 'platforms',
    heading: 'Platform share of releases',
    summary,
    chart: data.rows.length
      ? { text, spec: (layout) => linesByYear(data, text, { field: 'share', title: 'Share of releases (%)', legend: 'Platform' }, layout) }
      : undefined,
    table: data.rows.length
      ? yearTable('platform-share', "Share of the year's releases (%) per year and platform", data, (_, share) => formatShare(share))
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

function momentumSection({ momentum }: MarketData): Section {
  const { from, to, growers } = momentum;
  const base = { id: 'momentum', heading: 'Momentum' };
  if (!from || !to) {
    const held = momentum.latestDay ? ` holds one day (${momentum.latestDay})` : ' is empty';
    return {
      ...base,
      summary:
        `The game history${held}; growth needs observations from two days, by a second snapshot or by the games changed on a later day (its updated partition). ` +
        'Without RAWG_API_KEY, gmp pipeline on another day adds them from the sandbox; with a key, gmp pipeline (daily mode) ' +
        'on another day fetches the games changed the day before (gmp plan --all --mode daily shows what it costs first).',
    };
  }
  const start = from === momentum.firstDay ? 'the first day of the game history' : `${MOMENTUM_DAYS} days before the newest`;
  const compares =
    `Each game's added count (users who added it to a list) on ${from} (${start}) against its count on ${to}, ` +
    'as the snapshots and daily updated partitions of the lake recorded it';
  const moved = `${plural(momentum.versionsOpened, 'change')} of counts recorded after ${from}.`;
  if (!growers.length) {
    return {
      ...base,
      summary: `${compares}: no game's added count grew (${plural(momentum.gamesCompared, 'game')} known on ${from}). ${moved}`,
    };
  }
  const [top] = growers as [(typeof growers)[0]];
  const text: ChartText = {
    title: 'Fastest-growing games',
    subtitle: `Growth of the added count (users who added the game to a list) from ${from} to ${to}`,
  };
  return {
    ...base,
    summary:
      `${compares}. ${top.name} grew most: ${formatGrowth(top.growth)} users added it ` +
      `(${formatCount(top.addedBefore)} to ${formatCount(top.addedAfter)}). ` +
      `${formatCount(momentum.gamesGrown)} of the ${plural(momentum.gamesCompared, 'game')} known on ${from} grew; ${moved}`,
    chart: { text, spec: (layout) => growerBars(growers, text, layout) },
    table: {
      id: 'momentum',
      caption: `Games whose added count grew most from ${from} to ${to}`,
      columns: ['Rank', 'Game', `Added on ${from}`, `Added on ${to}`, 'Growth'],
      numeric: [true, false, true, true, true],
      rows: growers.map((grower, index) => [
        String(index + 1),
        grower.name,
        formatCount(grower.addedBefore),
        formatCount(grower.addedAfter),
        formatGrowth(grower.growth),
      ]),
    },
  };
}
