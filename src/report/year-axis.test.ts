import { describe, expect, it } from 'vitest';
import { LAYOUTS, linesByYear } from './charts.js';
import type { SeriesByYear } from './market-data.js';
import { renderChart } from './render-chart.js';

/** The x-axis labels of a rendered line chart: their text and where they sit. */
function yearLabels(svg: string): { text: string; x: number }[] {
  return [...svg.matchAll(/<text text-anchor="\w+" transform="translate\(([\d.]+),16\)"[^>]*>([^<]*)<\/text>/g)].map((m) => ({ text: m[2]!, x: Number(m[1]) }));
}

function spanOf(first: number, years: number): SeriesByYear {
  const rows = Array.from({ length: years }, (_, i) => ({ series: 'Action', year: first + i, releases: 3 + (i % 4), share: 0.4 }));
  return { series: ['Action'], seriesInMart: 1, rows };
}

describe('year labels of the line charts (rendered with Vega)', () => {
  for (const layout of LAYOUTS) {
    it(`never run together, on spans of 1 to 45 years (${layout.name})`, async () => {
      for (let years = 1; years <= 45; years++) {
        const spec = linesByYear(
          spanOf(1998, years),
          { title: 'Releases', subtitle: 'per year' },
          { field: 'releases', title: 'Releases', legend: 'Genre' },
          layout,
        );
        const labels = yearLabels(await renderChart(spec, { title: 'Releases', describedBy: 'x' }));
        const where = `${years} years, ${layout.name}`;
        expect(labels.length, where).toBeGreaterThanOrEqual(Math.min(years, 2));
        for (const label of labels) expect(label.text, where).toMatch(/^(199[89]|20[0-4]\d)$/);
        // A four-digit year at 12 px is about 28 px wide: 40 px apart leaves a visible gap.
        labels.slice(1).forEach((label, i) => expect(label.x - labels[i]!.x, `${where}: ${labels[i]!.text} to ${label.text}`).toBeGreaterThanOrEqual(40));
      }
    }, 120_000);
  }
});
