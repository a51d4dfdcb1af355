/**
 * The extra top-level keys of a `/games` page. `filters.years` mirrors RAWG's release-year facet;
 * its counts are the expected counts of the catalogue's release-year distribution, not a census.
 */
import { FIRST_RELEASE_YEAR } from './catalogue.js';

interface YearFacet {
  from: number;
  to: number;
  filter: string;
  decade: number;
  years: { year: number; count: number; nofollow: boolean }[];
  nofollow: boolean;
  count: number;
}

/** Share of games with a past release date (5% have none, 2% are upcoming). */
const RELEASED_SHARE = 0.93;

function yearFacets(games: number, todayYear: number): YearFacet[] {
  const span = todayYear - FIRST_RELEASE_YEAR + 1;
  const decades = new Map<number, YearFacet>();
  for (let year = todayYear; year >= FIRST_RELEASE_YEAR; year--) {
    // Release years are drawn as today - floor(span * u^2), u uniform.
    const back = todayYear - year;
    const share = RELEASED_SHARE * (Math.sqrt((back + 1) / span) - Math.sqrt(back / span));
    const count = Math.round(games * share);
    const decade = year - (year % 10);
    let facet = decades.get(decade);
    if (!facet) {
      const to = Math.min(decade + 9, todayYear);
      facet = { from: decade, to, filter: `${decade}-01-01,${to}-12-31`, decade, years: [], nofollow: true, count: 0 };
      decades.set(decade, facet);
    }
    facet.years.push({ year, count, nofollow: true });
    facet.count += count;
  }
  return [...decades.values()];
}

export function gamesPageExtras(games: number, todayYear: number, filtered: boolean) {
  const title = filtered ? 'Recently Updated Games' : 'All Games';
  return {
    seo_title: title,
    seo_description: '',
    seo_keywords: '',
    seo_h1: title,
    noindex: filtered,
    nofollow: filtered,
    description: '',
    filters: { years: yearFacets(games, todayYear) },
    nofollow_collections: ['stores'],
  };
}
