import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { escapeHtml } from './escape.js';
import { offlineLoader, renderChart } from './render-chart.js';

const bars = (values: object[]): TopLevelSpec => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title: 'Games per store',
  width: 300,
  height: 200,
  data: { values },
  mark: 'bar',
  encoding: {
    y: { field: 'name', type: 'nominal', title: 'Store' },
    x: { field: 'games', type: 'quantitative', title: 'Games sold' },
    description: { field: 'description' },
  },
});

describe('renderChart', () => {
  it('draws one bar per row, named for screen readers, with an accessible name on the chart', async () => {
    const svg = await renderChart(
      bars([
        { name: 'Steam', games: 120, description: 'Steam: 120 games' },
        { name: 'GOG', games: 45, description: 'GOG: 45 games' },
      ]),
      { title: 'Games per store', describedBy: 'stores-summary' },
    );
    expect(svg).toMatch(
      /^<svg role="graphics-document document" aria-label="Games per store" aria-describedby="stores-summary" /,
    );
    const drawn = [
      ...svg.matchAll(/<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="bar"/g),
    ].map((m) => m[1]);
    expect(drawn).toEqual(['Steam: 120 games', 'GOG: 45 games']);
    expect(svg).toContain('>Games sold</text>');
  });

  it('escapes text from the data, in labels and in attributes', async () => {
    const hostile = '<img src=x onerror=alert(1)> "Tom & Jerry\'s"';
    const svg = await renderChart(bars([{ name: hostile, games: 3, description: hostile }]), {
      title: hostile,
      describedBy: 'x',
    });
    expect(svg).not.toContain('<img');
    expect(svg).toContain(`aria-label="${escapeHtml(hostile).replace(/&#39;/g, "'")}"`);
    expect(svg).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('refers to nothing outside itself: no URL, no link, no element id', async () => {
    const svg = await renderChart(bars([{ name: 'A', games: 1, description: 'A' }]), { title: 'A', describedBy: 'a' });
    expect(svg).not.toMatch(/url\(|href=|\sid="|@import|<image/);
  });
});

describe('offlineLoader (a real HTTP server on loopback counts what reaches it)', () => {
  let server: Server;
  let requests = 0;
  let url = '';
  beforeAll(async () => {
    server = createServer((_, response) => {
      requests += 1;
      response.end('[{"name":"A","games":1}]');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/data.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('refuses to load anything', async () => {
    await expect(offlineLoader().load(url)).rejects.toThrow(/loads nothing/);
    expect(requests).toBe(0);
  });

  it('makes a chart whose data is a URL fail instead of fetching it', async () => {
    const spec = { ...bars([]), data: { url } } as TopLevelSpec;
    await expect(renderChart(spec, { title: 'A', describedBy: 'a' })).rejects.toThrow();
    expect(requests).toBe(0);
  });
});
