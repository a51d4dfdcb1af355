import type { TopLevelSpec } from 'vega-lite';
import { formatCount, formatGrowth, formatShare, formatStars, plural } from './format.js';
import type { Grower, RatingDistribution, SeriesByYear, StoreCoverage, TopRatedGame } from './market-data.js';

/**
 * The Vega-Lite specs of the report's charts. Each is drawn twice: wide for screens, narrow for
 * phones (a wide chart scaled down to a phone's width has unreadably small text).
 */
export interface Layout {
  name: 'wide' | 'narrow';
  /** The whole chart, axes and legend included. */
  width: number;
  height: number;
  legend: 'right' | 'bottom';
  /** Longest label in pixels before it is cut with an ellipsis (the table has the full text). */
  labelLimit: number;
  /** Characters per line of the title and of the subtitle. */
  titleChars: number;
  subtitleChars: number;
  /** The most year labels the x axis holds with room between them (about 48 px each). */
  yearLabels: number;
}

export const LAYOUTS: Layout[] = [
  {
    name: 'wide',
    width: 720,
    height: 380,
    legend: 'right',
    labelLimit: 260,
    titleChars: 70,
    subtitleChars: 100,
    yearLabels: 12,
  },
  {
    name: 'narrow',
    width: 340,
    height: 420,
    legend: 'bottom',
    labelLimit: 130,
    titleChars: 32,
    subtitleChars: 46,
    yearLabels: 6,
  },
];

export interface ChartText {
  title: string;
  subtitle: string;
}

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

function frame(layout: Layout, text: ChartText, height = layout.height) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: wrap(text.title, layout.titleChars), subtitle: wrap(text.subtitle, layout.subtitleChars) },
    width: layout.width,
    height,
    autosize: { type: 'fit', contains: 'padding' },
    padding: 8,
    background: 'white',
    config: {
      font: FONT,
      title: { fontSize: 15, anchor: 'start', subtitleFontSize: 12, subtitleColor: '#444', offset: 12 },
      axis: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 600, labelColor: '#222', titleColor: '#222' },
      legend: { labelFontSize: 12, titleFontSize: 12, labelLimit: layout.labelLimit },
      view: { stroke: null },
    },
  } as const;
}

/** Splits a title or subtitle into lines of at most `width` characters, at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** Height for a horizontal bar chart: room per bar (and its label, on a phone), plus title and axis. */
const barHeight = (bars: number, layout: Layout) => Math.max(160, bars * (layout.name === 'narrow' ? 40 : 30) + 110);

function legendFor(layout: Layout, title: string) {
  return layout.legend === 'bottom'
    ? { title, orient: 'bottom' as const, direction: 'horizontal' as const, columns: 2, symbolStrokeWidth: 3 }
    : { title, orient: 'right' as const, symbolStrokeWidth: 3 };
}

const YEAR_STEPS = [1, 2, 5, 10, 20, 25, 50, 100];

/**
 * The years the x axis labels: every year, or every 2nd, 5th, 10th... so that at most `most` fit.
 * Chosen here because Vega, without a canvas to measure text, lets labels of a short span touch.
 */
function yearTicks(years: number[], most: number): number[] {
  const first = Math.min(...years);
  const last = Math.max(...years);
  const step =
    YEAR_STEPS.find((candidate) => Math.floor(last / candidate) - Math.ceil(first / candidate) + 1 <= most) ??
    YEAR_STEPS.at(-1)!;
  const ticks: number[] = [];
  for (let year = Math.ceil(first / step) * step; year <= last; year += step) ticks.push(year);
  return ticks;
}

/**
 * One series per line over release years, drawn as steps with a point per year: a count belongs
 * to its whole year, so nothing is drawn between years that the data does not hold (a smoothed
 * curve would invent bumps and dips).
 */
export function stepsByYear(
  data: SeriesByYear,
  text: ChartText,
  measure: { field: 'releases' | 'share'; title: string; legend: string },
  layout: Layout,
): TopLevelSpec {
  const isShare = measure.field === 'share';
  const described = seriesDescriptions(data, measure.field);
  const years = yearTicks(
    data.rows.map((row) => row.year),
    layout.yearLabels,
  );
  return {
    ...frame(layout, text),
    data: { values: data.rows.map((row) => ({ ...row, description: described.get(row.series) })) },
    mark: { type: 'line', strokeWidth: 2, interpolate: 'step', point: { filled: true, size: 18 } },
    encoding: {
      description: { field: 'description' },
      x: {
        field: 'year',
        type: 'quantitative',
        scale: { zero: false, nice: false },
        // '.0f', not 'd': with 'd', Vega-Lite adds a minimum tick step that thins out the given values.
        axis: { format: '.0f', values: years, labelOverlap: false, grid: false },
        title: 'Release year',
      },
      y: {
        field: measure.field,
        type: 'quantitative',
        title: measure.title,
        axis: isShare ? { format: '.0%' } : { format: ',d', tickMinStep: 1 },
      },
      color: {
        field: 'series',
        type: 'nominal',
        scale: { domain: data.series, scheme: 'tableau10' },
        legend: legendFor(layout, measure.legend),
      },
    },
  } as TopLevelSpec;
}

/**
 * What a screen reader says for a line: Vega would name only its first point. "Action: 557
 * releases from 1990 to 2028, the most in 2026 (98)".
 */
function seriesDescriptions(data: SeriesByYear, field: 'releases' | 'share'): Map<string, string> {
  const described = new Map<string, string>();
  for (const series of data.series) {
    const rows = data.rows.filter((row) => row.series === series);
    const peak = rows.reduce((best, row) => (row[field] > best[field] ? row : best), rows[0]!);
    const span = `${rows[0]!.year} to ${rows.at(-1)!.year}`;
    described.set(
      series,
      field === 'releases'
        ? `${series}: ${formatCount(rows.reduce((sum, row) => sum + row.releases, 0))} releases from ${span}, the most in ${peak.year} (${formatCount(peak.releases)})`
        : `${series}: share of releases from ${span}, the largest in ${peak.year} (${formatShare(peak.share)})`,
    );
  }
  return described;
}

export function ratingHistogram(ratings: RatingDistribution, text: ChartText, layout: Layout): TopLevelSpec {
  return {
    ...frame(layout, text, layout.name === 'narrow' ? 320 : 340),
    data: {
      values: ratings.bins.map((bin) => ({
        ...bin,
        description: `${formatStars(bin.from)} to ${formatStars(bin.to)} stars: ${plural(bin.games, 'game')}`,
      })),
    },
    mark: { type: 'bar', color: '#3b6ea5', stroke: 'white', strokeWidth: 0.5 },
    encoding: {
      description: { field: 'description' },
      x: {
        field: 'from',
        type: 'quantitative',
        bin: { binned: true, step: ratings.bins[0] ? ratings.bins[0].to - ratings.bins[0].from : 0.25 },
        scale: { domain: [0, 5] },
        axis: { values: [0, 1, 2, 3, 4, 5], format: 'd' },
        title: 'Mean user rating (stars, 0 to 5)',
      },
      x2: { field: 'to' },
      y: { field: 'games', type: 'quantitative', title: 'Rated games', axis: { format: ',d', tickMinStep: 1 } },
    },
  } as TopLevelSpec;
}

interface Bar {
  label: string;
  value: number;
  /** The value in words, drawn at the end of the bar: inside a long bar, after a short one. */
  note: string;
  /** What a screen reader says for the bar. */
  description: string;
}

/**
 * Horizontal bars, one per row in the given order, each with its note. Wide, the labels sit on the
 * axis to the left; narrow, each label sits above its bar, so the bars keep the whole width.
 */
function horizontalBars(bars: Bar[], text: ChartText, axis: BarAxis, layout: Layout): TopLevelSpec {
  return { ...frame(layout, text, barHeight(bars.length, layout)), ...barPanel(bars, axis, layout) } as TopLevelSpec;
}

interface BarAxis {
  title: string;
  format: string;
  max?: number;
}

/** Narrow: each bar's label on its own line above it, where the axis would not fit it. */
function labelAbove(layout: Layout) {
  return {
    mark: {
      type: 'text',
      align: 'left',
      baseline: 'middle',
      yOffset: -10,
      fontSize: 12,
      color: '#222',
      limit: layout.width - 40,
      aria: false,
    },
    encoding: { x: { value: 0 }, text: { field: 'label' } },
  } as const;
}

/** The bars themselves, without title or size: a chart of their own, or one panel of several. */
function barPanel(bars: Bar[], axis: BarAxis, layout: Layout) {
  const max = axis.max ?? Math.max(0, ...bars.map((bar) => bar.value));
  const values = bars.map((bar) => ({ ...bar, inside: bar.value >= max * 0.5 }));
  const narrow = layout.name === 'narrow';
  // Narrow: the label takes the top of the row and the bar the bottom.
  const barShift = narrow ? { yOffset: 7, height: 16 } : {};
  // The bar's description already says what its note says.
  const note = {
    type: 'text',
    baseline: 'middle',
    fontSize: 12,
    aria: false,
    ...(narrow ? { yOffset: 7 } : {}),
  } as const;
  const labelsAbove = narrow ? [labelAbove(layout)] : [];
  return {
    data: { values },
    encoding: {
      y: {
        field: 'label',
        type: 'nominal',
        sort: null,
        title: null,
        axis: narrow ? null : { labelLimit: layout.labelLimit, ticks: false, domain: false, labelPadding: 6 },
      },
      x: {
        field: 'value',
        type: 'quantitative',
        title: axis.title,
        scale: { domain: [0, max || 1], nice: false },
        axis: { format: axis.format, tickCount: 5 },
      },
    },
    layer: [
      { mark: { type: 'bar', color: '#3b6ea5', ...barShift }, encoding: { description: { field: 'description' } } },
      {
        transform: [{ filter: 'datum.inside' }],
        mark: { ...note, align: 'right', dx: -5, color: 'white', fontWeight: 600 },
        encoding: { text: { field: 'note' } },
      },
      {
        transform: [{ filter: '!datum.inside' }],
        mark: { ...note, align: 'left', dx: 4, color: '#222' },
        encoding: { text: { field: 'note' } },
      },
      ...labelsAbove,
    ],
  };
}

export function topRatedBars(games: TopRatedGame[], text: ChartText, layout: Layout): TopLevelSpec {
  const bars = games.map((game) => ({
    label: `${game.rank}. ${game.name}`,
    value: game.weightedRating,
    note: `${formatStars(game.weightedRating)} (${formatCount(game.ratingsCount)} ratings)`,
    description: `${game.rank}. ${game.name}: weighted rating ${formatStars(game.weightedRating)}, ${formatStars(game.rating)} stars from ${plural(game.ratingsCount, 'rating')}`,
  }));
  return horizontalBars(bars, text, { title: 'Weighted rating (stars, 0 to 5)', format: 'd', max: 5 }, layout);
}

export function storeBars(stores: StoreCoverage[], text: ChartText, layout: Layout): TopLevelSpec {
  const bars = stores.map((store) => ({
    label: store.store,
    value: store.share,
    note: `${formatShare(store.share)} (${formatCount(store.gamesSold)})`,
    description: `${store.store}: ${formatShare(store.share)} of the games, ${plural(store.gamesSold, 'game')}`,
  }));
  return horizontalBars(bars, text, { title: 'Share of the games sold (%)', format: '.0%' }, layout);
}

/** Companies by the `added` of their known games, most added first. */
export function companyBars(
  companies: { name: string; games: number; added: number }[],
  text: ChartText,
  layout: Layout,
): TopLevelSpec {
  const bars = companies.map((company) => ({
    label: company.name,
    value: company.added,
    note: formatCount(company.added),
    description: `${company.name}: ${formatCount(company.added)} users added its ${plural(company.games, 'known game')}`,
  }));
  return horizontalBars(bars, text, { title: 'Users who added its games', format: ',d' }, layout);
}

/** One panel of bars per stretch of history (the last 7 and 30 days), one above the other, each with its title. */
export function growerPanels(
  panels: { title: string; growers: Grower[] }[],
  text: ChartText,
  layout: Layout,
): TopLevelSpec {
  const growth = { title: 'Growth of the added count (users)', format: ',d' };
  // Panels are sized one by one: "fit" sizing is for single views, so the labels' room is kept here.
  const { width: _width, height: _height, ...top } = frame(layout, text);
  const width = layout.name === 'narrow' ? layout.width - 24 : layout.width - layout.labelLimit - 40;
  return {
    ...top,
    autosize: { type: 'pad' },
    spacing: 28,
    vconcat: panels.map(({ title, growers }) => ({
      title: { text: wrap(title, layout.subtitleChars), fontSize: 13, fontWeight: 600, anchor: 'start', offset: 8 },
      width,
      height: barHeight(growers.length, layout) - 110,
      ...barPanel(
        growers.map((grower, index) => ({
          label: `${index + 1}. ${grower.name}`,
          value: grower.growth,
          note: formatGrowth(grower.growth),
          description: `${index + 1}. ${grower.name}: ${formatGrowth(grower.growth)} users, from ${formatCount(grower.addedBefore)} to ${formatCount(grower.addedAfter)}`,
        })),
        growth,
        layout,
      ),
    })),
  } as TopLevelSpec;
}
