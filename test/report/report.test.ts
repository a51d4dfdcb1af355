/**
 * The market report end to end: a sandbox lake with two snapshots, a real dbt build into DuckDB,
 * `gmp report` as a child process, then the page read two ways: its numbers parsed from the HTML
 * and compared with queries on the marts, and the file opened in a real headless Chromium.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/server.js';
import { cleanEnv, runGmp } from '../support/gmp.js';
import {
  decode,
  launchChromium,
  markLabels,
  pageTable,
  parseNumber,
  query,
  renameGame,
  writeEarlierSnapshot,
} from './support.js';

const DAY = '2024-06-01';
const DAY_BEFORE = '2024-05-25';
const HOSTILE_NAME = `<img src=x onerror="alert(1)"> Tom & Jerry's "Cheese" Chase`;
const HOSTILE_POSITION = 7;
/** Known growth of `added` from the earlier snapshot to the latest, by listing position. */
const growth = (position: number): number => {
  if (position === HOSTILE_POSITION) return 900;
  if (position < 40) return (position * 37) % 50;
  return position < 50 ? -3 : 0;
};
const artifacts = join(import.meta.dirname, '../../test-artifacts/report');

const work = mkdtempSync(join(tmpdir(), 'gmp-report-'));
const lakeDir = join(work, 'lake');
const warehouse = join(work, 'game_market.duckdb');
const reportPath = join(work, 'out', 'market-report.html');
let env: Record<string, string>;
let html = '';
let grown = new Map<number, number>();

async function gmpOk(args: string[]): Promise<string> {
  const result = await runGmp(args, env);
  expect(result.code, `gmp ${args.join(' ')} failed:\n${result.stderr}`).toBe(0);
  return result.stdout;
}

beforeAll(async () => {
  const sandbox = await startSandbox({ games: 300, seed: 5, today: DAY });
  env = cleanEnv({
    LAKE_URL: `file://${lakeDir}`,
    RAWG_API_KEY: 'fedcba9876543210fedcba9876543210',
    RAWG_BASE_URL: sandbox.url,
    WAREHOUSE_PATH: warehouse,
  });
  try {
    await gmpOk(['ingest', '--all', '--mode', 'snapshot', '--date', DAY]);
    // The companies of the 40 most added games: the Publishers and Developers sections speak of them.
    await gmpOk(['ingest', '--endpoint', 'game_details', '--max-pages', '40']);
  } finally {
    await sandbox.close();
  }
  mkdirSync(join(lakeDir, 'raw/games/load=snapshot', `date=${DAY_BEFORE}`));
  grown = writeEarlierSnapshot(lakeDir, DAY, DAY_BEFORE, growth);
  renameGame(
    join(lakeDir, 'raw/games/load=snapshot', `date=${DAY}`),
    [...grown.keys()][HOSTILE_POSITION]!,
    HOSTILE_NAME,
  );
  // WAREHOUSE_PATH from the environment places the warehouse: no --warehouse flag on either command.
  await gmpOk(['transform', '--target', 'dev']);
  const stdout = await gmpOk(['report', '--out', reportPath]);
  expect(stdout).toBe(`report: ${reportPath}\n`);
  html = readFileSync(reportPath, 'utf8');
  // Kept for a person to open after the run, beside the screenshots.
  mkdirSync(artifacts, { recursive: true });
  copyFileSync(reportPath, join(artifacts, 'market-report.html'));
}, 900_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

const formatShare = (share: number) => `${(share * 100).toFixed(1)}%`;
/** Release history ends in the year of the newest day of the data; later games are upcoming. */
const CURRENT_YEAR = Number(DAY.slice(0, 4));
/** "2026 (so far)" -> 2026 */
const yearOf = (cell: string) => Number(cell.slice(0, 4));
const stars = (value: number) => value.toFixed(2);

describe('the numbers on the page equal the same queries on the marts', () => {
  it('releases per genre and year: the top genres by releases, every year of their span', async () => {
    const top = await query(
      warehouse,
      `
      select genre_name, sum(releases) as total from mart_genre_releases_by_year where release_year <= ${CURRENT_YEAR}
      group by genre_id, genre_name order by total desc, genre_name limit 6`,
    );
    const cells = await query(
      warehouse,
      `select genre_name, release_year, releases from mart_genre_releases_by_year where release_year <= ${CURRENT_YEAR}`,
    );
    const table = pageTable(html, 'genre-releases');
    expect(table.columns).toEqual(['Release year', ...top.map((row) => row.genre_name)]);
    const years = cells
      .filter((row) => top.some((t) => t.genre_name === row.genre_name))
      .map((row) => Number(row.release_year));
    expect(table.rows.map((row) => yearOf(row[0]!))).toEqual(range(Math.min(...years), Math.max(...years)));
    for (const row of table.rows) {
      top.forEach((genre, index) => {
        const found = cells.find((c) => c.genre_name === genre.genre_name && c.release_year === yearOf(row[0]!));
        expect(parseNumber(row[index + 1]!), `${genre.genre_name} in ${row[0]}`).toBe(Number(found?.releases ?? 0));
      });
    }
    // Each line's screen-reader name carries the genre's total.
    const lines = markLabels(html, 'genres', 'wide', 'line mark');
    expect(lines.map((label) => label.split(':')[0])).toEqual(top.map((row) => row.genre_name));
    lines.forEach((label, index) =>
      expect(label).toContain(`: ${Number(top[index]!.total).toLocaleString('en-US')} releases from`),
    );
  });

  it('platform share of releases per year', async () => {
    const top = await query(
      warehouse,
      `
      select platform_name, sum(releases) as total from mart_platform_release_share_by_year where release_year <= ${CURRENT_YEAR}
      group by platform_id, platform_name order by total desc, platform_name limit 6`,
    );
    const cells = await query(
      warehouse,
      `select platform_name, release_year, share_of_releases from mart_platform_release_share_by_year`,
    );
    const table = pageTable(html, 'platform-share');
    expect(table.columns).toEqual(['Release year', ...top.map((row) => row.platform_name)]);
    expect(table.rows.length).toBeGreaterThan(10);
    for (const row of table.rows) {
      top.forEach((platform, index) => {
        const found = cells.find(
          (c) => c.platform_name === platform.platform_name && c.release_year === yearOf(row[0]!),
        );
        expect(row[index + 1], `${platform.platform_name} in ${row[0]}`).toBe(
          formatShare(Number(found?.share_of_releases ?? 0)),
        );
      });
    }
  });

  it('the distribution of ratings, over rated games only', async () => {
    const bins = await query(
      warehouse,
      `
      select least(floor(rating * 4), 19) as bin, count(*) as games from dim_games where ratings_count > 0 group by 1`,
    );
    const expected = range(0, 19).map((bin) => Number(bins.find((row) => row.bin === bin)?.games ?? 0));
    const table = pageTable(html, 'rating-distribution');
    expect(table.rows.map((row) => [row[0], row[1]])).toEqual(
      range(0, 19).map((bin) => [stars(bin / 4), stars((bin + 1) / 4)]),
    );
    expect(table.rows.map((row) => parseNumber(row[2]!))).toEqual(expected);
    expect(
      markLabels(html, 'ratings', 'narrow', 'bar').map((label) => parseNumber(/: ([\d,]+) games?$/.exec(label)![1]!)),
    ).toEqual(expected);
    const [totals] = await query(
      warehouse,
      `select count(*) as games, count(*) filter (where ratings_count > 0) as rated from dim_games`,
    );
    expect(html).toContain(
      `${Number(totals!.rated).toLocaleString('en-US')} of the ${Number(totals!.games).toLocaleString('en-US')} games have at least one rating`,
    );
  });

  it('the top games by weighted rating, with their numbers of ratings', async () => {
    const top = await query(
      warehouse,
      `select * from mart_top_rated_games where weighted_rating_rank <= 10 order by weighted_rating_rank`,
    );
    expect(top).toHaveLength(10);
    const table = pageTable(html, 'top-rated');
    expect(table.columns).toEqual(['Rank', 'Game', 'Released', 'Rating (stars)', 'Ratings', 'Weighted rating (stars)']);
    expect(table.rows).toEqual(
      top.map((game) => [
        String(game.weighted_rating_rank),
        game.game_name,
        game.release_year === null ? 'unknown' : String(game.release_year),
        stars(Number(game.rating)),
        Number(game.ratings_count).toLocaleString('en-US'),
        stars(Number(game.weighted_rating)),
      ]),
    );
    for (const variant of ['wide', 'narrow'] as const) {
      const bars = markLabels(html, 'top-rated', variant, 'bar');
      expect(bars).toEqual(
        top.map(
          (game) =>
            `${game.weighted_rating_rank}. ${game.game_name}: weighted rating ${stars(Number(game.weighted_rating))}, ` +
            `${stars(Number(game.rating))} stars from ${Number(game.ratings_count).toLocaleString('en-US')} rating${game.ratings_count === 1 ? '' : 's'}`,
        ),
      );
    }
  });

  it('store coverage', async () => {
    const stores = await query(
      warehouse,
      `select * from mart_store_coverage order by games_sold desc, store_name, store_id`,
    );
    expect(pageTable(html, 'store-coverage').rows).toEqual(
      stores.map((store) => [
        store.store_name,
        Number(store.games_sold).toLocaleString('en-US'),
        formatShare(Number(store.share_of_catalogue)),
        Number(store.exclusive_games).toLocaleString('en-US'),
        store.mean_rating === null ? 'none rated' : stars(Number(store.mean_rating)),
      ]),
    );
    expect(markLabels(html, 'stores', 'wide', 'bar')).toEqual(
      stores.map(
        (store) =>
          `${store.store_name}: ${formatShare(Number(store.share_of_catalogue))} of the games, ${Number(store.games_sold).toLocaleString('en-US')} game${store.games_sold === 1 ? '' : 's'}`,
      ),
    );
  });

  it('publishers and developers: their coverage in the first sentence, the most added as the marts rank them', async () => {
    const [coverage] = await query(
      warehouse,
      `select count(*) filter (where d.companies_known) as known, count(*) as games,
              sum(g.added_count) filter (where d.companies_known) * 1.0 / sum(g.added_count) as share
       from dim_game_details d join dim_games g using (game_id)`,
    );
    expect(Number(coverage!.known)).toBe(40);
    for (const [kind, heading] of [
      ['publisher', 'Publishers'],
      ['developer', 'Developers'],
    ] as const) {
      const summary = decode(new RegExp(`id="${kind}s-summary">([^<]*)<`).exec(html)?.[1] ?? '');
      const games = Number(coverage!.games).toLocaleString('en-US');
      expect(
        summary.startsWith(
          `${heading} are known for 40 games of the warehouse's ${games} (${formatShare(Number(coverage!.share))} of the market`,
        ),
        summary,
      ).toBe(true);
      const top = await query(
        warehouse,
        `select * from mart_top_companies where company_kind = '${kind}' and popularity_rank <= 10 order by popularity_rank, company_id`,
      );
      expect(pageTable(html, `top-${kind}s`).rows.map((row) => [row[0], row[2]])).toEqual(
        top.map((company) => [company.company_name, Number(company.added_total).toLocaleString('en-US')]),
      );
    }
  });

  it('the games whose added count grew most between the two snapshots: as the game history says, and as the lake was written', async () => {
    const fromMarts = await query(
      warehouse,
      `
      select games.game_name, before.added_count as before, after.added_count as after, after.added_count - before.added_count as growth
      from fct_game_versions as before
      join fct_game_versions as after on after.game_id = before.game_id and after.valid_to is null
      join dim_games as games on games.game_id = before.game_id
      where before.valid_from <= date '${DAY_BEFORE}' and (before.valid_to is null or before.valid_to > date '${DAY_BEFORE}')
          and after.added_count > before.added_count
      order by growth desc, after.added_count desc, before.game_id limit 10`,
    );
    const table = pageTable(html, 'momentum');
    expect(table.columns).toEqual(['Stretch', 'Rank', 'Game', 'Added at the start', 'Added at the end', 'Growth']);
    // A week of history: the last 7 and 30 days are the same stretch, shown once.
    expect(table.rows).toEqual(
      fromMarts.map((row, index) => [
        `${DAY_BEFORE} to ${DAY}`,
        String(index + 1),
        row.game_name,
        Number(row.before).toLocaleString('en-US'),
        Number(row.after).toLocaleString('en-US'),
        `+${Number(row.growth).toLocaleString('en-US')}`,
      ]),
    );
    // The growth the test wrote into the lake, largest first: the hostile name leads, shown as text.
    const written = [...grown.values()]
      .filter((delta) => delta > 0)
      .sort((a, b) => b - a)
      .slice(0, 10);
    expect(table.rows.map((row) => parseNumber(row[5]!))).toEqual(written);
    expect(table.rows[0]![2]).toBe(HOSTILE_NAME);
    expect(markLabels(html, 'momentum', 'narrow', 'bar')[0]).toBe(
      `1. ${HOSTILE_NAME}: +900 users, from ${table.rows[0]![3]} to ${table.rows[0]![4]}`,
    );
  });

  it('the data panel: partitions and batches of items per endpoint, requests this month against the budget, the source', () => {
    const partitions = pageTable(html, 'partitions');
    // Per-item batches (game_details) are not partitions: the panel lists partitions only.
    const endpoints = readdirSync(join(lakeDir, 'raw'))
      .filter((name) => name !== 'game_details')
      .sort();
    expect(partitions.rows.map((row) => row[0])).toEqual(endpoints);
    for (const row of partitions.rows) {
      const loads = readdirSync(join(lakeDir, 'raw', row[0]!));
      const dates = loads.flatMap((load) => readdirSync(join(lakeDir, 'raw', row[0]!, load)));
      expect(parseNumber(row[1]!), `complete partitions of ${row[0]}`).toBe(dates.length);
    }
    expect(partitions.rows.find((row) => row[0] === 'games')!.slice(1, 5)).toEqual(['2', '0', '2', '0']);
    // They have a table of their own: the batch of 40 details, as the lake holds it.
    const batchDir = join(lakeDir, 'raw', 'game_details', 'load=items');
    const [batch, ...others] = readdirSync(batchDir);
    expect(others).toEqual([]);
    const items = readdirSync(join(batchDir, batch!)).filter((name) => /^item=\d+\.json$/.test(name));
    expect(items).toHaveLength(40);
    const day = batch!.replace('date=', '');
    expect(pageTable(html, 'batches').rows).toEqual([['game_details', '1', '0', '40', '0', day, day]]);
    const runs = readdirSync(join(lakeDir, '_runs'))
      .sort()
      .map(
        (name) =>
          JSON.parse(readFileSync(join(lakeDir, '_runs', name), 'utf8')) as { apiRequests: number; runId: string },
      );
    const requests = runs.reduce((sum, run) => sum + run.apiRequests, 0);
    expect(requests).toBeGreaterThan(0);
    expect(html).toContain(
      `<span data-spent="0">0</span> of the <span data-budget="20000">20,000</span> budget spent (0.0%); the sandbox answered <span data-sandbox="${requests}">`,
    );
    // The last run: the details' run, after the snapshots'.
    expect(html).toContain(`<code>${runs.at(-1)!.runId}</code>`);
    expect(html).toMatch(
      /<strong>Data:<\/strong> the sandbox API: synthetic games, not the real market \(1 partition without a run record\)/,
    );
  });

  it('is self-contained and escapes the data: no script, no link, no URL to load', () => {
    expect(html).not.toMatch(/<(script|link|img|image|iframe|object|embed|use)\b/i);
    expect(html).not.toMatch(/url\(|@import/i);
    for (const href of html.matchAll(/href="([^"]*)"/g)) expect(href[1]).toMatch(/^#[a-z-]+$/);
    expect(html).toContain("default-src 'none'");
    const [games] = /([\d,]+) games in the warehouse/.exec(html)!.slice(1);
    expect(parseNumber(games!)).toBe(300);
  });
});

describe('the page in a real browser (headless Chromium from Debian, driven by playwright-core)', () => {
  const viewports = [
    { name: 'desktop', width: 1280, height: 900, variant: 'wide' },
    { name: 'phone', width: 390, height: 844, variant: 'narrow' },
  ] as const;

  it.each(viewports)(
    'shows every chart with drawn marks at $name width ($width px), with no console error and no request',
    async ({ name, width, height, variant }) => {
      const browser = await launchChromium({ width, height });
      try {
        const page = await browser.context.newPage();
        const problems: string[] = [];
        const requests: string[] = [];
        page.on('console', (message) => {
          if (message.type() === 'error' || message.type() === 'warning')
            problems.push(`${message.type()}: ${message.text()}`);
        });
        page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
        page.on('request', (request) => requests.push(request.url()));
        const url = pathToFileURL(reportPath).href;
        await page.goto(url, { waitUntil: 'load' });

        const charts = await page.$$eval('figure.chart', (figures) =>
          figures.map((figure) => {
            const svg = Array.from(figure.querySelectorAll('svg')).find((s) => s.getBoundingClientRect().width > 0)!;
            const marks = svg
              ? Array.from(svg.querySelectorAll('[aria-roledescription="bar"], [aria-roledescription="line mark"]'))
              : [];
            const described = svg ? document.getElementById(svg.getAttribute('aria-describedby') ?? '') : null;
            return {
              id: figure.getAttribute('data-chart'),
              variant: svg?.parentElement?.className,
              width: svg?.getBoundingClientRect().width ?? 0,
              drawn: marks.filter((mark) => {
                const box = mark.getBoundingClientRect();
                return box.width > 0 || box.height > 0;
              }).length,
              name: svg?.getAttribute('aria-label') ?? '',
              description: described?.textContent ?? '',
            };
          }),
        );
        expect(charts.map((chart) => chart.id)).toEqual([
          'genres',
          'platforms',
          'ratings',
          'top-rated',
          'stores',
          'publishers',
          'developers',
          'momentum',
        ]);
        for (const chart of charts) {
          expect(chart.variant, chart.id!).toBe(`chart-${variant}`);
          expect(chart.width, chart.id!).toBeGreaterThan(300);
          expect(chart.width, chart.id!).toBeLessThanOrEqual(width);
          expect(chart.drawn, `${chart.id} has drawn marks`).toBeGreaterThanOrEqual(6);
          expect(chart.name.length, `${chart.id} has an accessible name`).toBeGreaterThan(5);
          expect(chart.description.length, `${chart.id} has a text summary`).toBeGreaterThan(60);
        }
        // Nothing wider than the screen: tables scroll inside their own box.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);

        await page.screenshot({ path: join(artifacts, `market-report-${name}.png`), fullPage: true });
        expect(problems).toEqual([]);
        expect(requests).toEqual([url]);
      } finally {
        await browser.close();
      }
    },
  );
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, index) => from + index);
}
