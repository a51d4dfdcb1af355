import { describe, expect, it } from 'vitest';
import { LAYOUTS, stepsByYear } from '../../src/report/charts.js';
import type { SeriesByYear } from '../../src/report/market-data.js';
import { renderChart } from '../../src/report/render-chart.js';

/** The x-axis labels of a rendered line chart: their text and where they sit. */
function yearLabels(svg: string): { text: string; x: number }[] {
  return [...svg.matchAll(/<text text-anchor="\w+" transform="translate\(([\d.]+),16\)"[^>]*>([^<]*)<\/text>/g)].map(
    (m) => ({ text: m[2]!, x: Number(m[1]) }),
  );
}

function spanOf(first: number, years: number): SeriesByYear {
  const rows = Array.from({ length: years }, (_, i) => ({
    series: 'Action',
    year: first + i,
    releases: 3 + (i % 4),
    share: 0.4,
  }));
  return { series: ['Action'], seriesInMart: 1, rows };
}

describe('year labels of the line charts (rendered with Vega)', () => {
  for (const layout of LAYOUTS) {
    it(`never run together, on spans of 1 to 45 years (${layout.name})`, async () => {
      for (let years = 1; years <= 45; years++) {
        const spec = stepsByYear(
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
        labels
          .slice(1)
          .forEach((label, i) =>
            expect(label.x - labels[i]!.x, `${where}: ${labels[i]!.text} to ${label.text}`).toBeGreaterThanOrEqual(40),
          );
      }
    }, 120_000);
  }
});

describe('counts per year are drawn as they are', () => {
  it('as steps with a point per year: the line has no curve between years', async () => {
    const spec = stepsByYear(
      spanOf(2000, 12),
      { title: 'Releases', subtitle: 'per year' },
      { field: 'releases', title: 'Releases', legend: 'Genre' },
      LAYOUTS[0]!,
    );
    const svg = await renderChart(spec, { title: 'Releases', describedBy: 'x' });
    const line =
      /aria-roledescription="line mark"[^>]*\sd="([^"]+)"/.exec(svg) ??
      /\sd="([^"]+)"[^>]*aria-roledescription="line mark"/.exec(svg);
    expect(line, 'the line is drawn').not.toBeNull();
    // Only moves and straight segments, each level or upright: a smoothed curve has C commands or slopes.
    const path = line![1]!;
    expect(path).not.toMatch(/[CcSsQqTtAa]/);
    const points = [...path.matchAll(/[ML]([\d.-]+),([\d.-]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    expect(points.length).toBeGreaterThan(12);
    points.slice(1).forEach(([x, y], i) => {
      const [px, py] = points[i]!;
      expect(Math.abs(x - px) < 0.01 || Math.abs(y - py) < 0.01, `segment ${i} is level or upright`).toBe(true);
    });
    expect([...svg.matchAll(/aria-roledescription="point"/g)]).toHaveLength(12);
  });
});
