/**
 * The report's texts on a real build: only the built-in sandbox is called synthetic, a warehouse
 * reported beside another lake is flagged, data from RAWG links to RAWG, the momentum advice is
 * plain text a user can follow with or without a key, momentum reports no change where none
 * happened, and no headline speaks of a partial or future year. Real sandbox, real dbt,
 * `gmp report` as a child process.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { cleanEnv, runGmp } from '../support/gmp.js';
import { decode, pageTable } from '../report/support.js';

const DAY = '2024-06-01';
const work = mkdtempSync(join(tmpdir(), 'gmp-report-texts-'));
const sandboxLake = `file://${join(work, 'sandbox-lake')}`;
const otherLake = `file://${join(work, 'other-lake')}`;
const warehouse = join(work, 'game_market.duckdb');
const env = cleanEnv({ RAWG_API_KEY: 'x' });
let sandbox: Sandbox;

async function gmpOk(args: string[]): Promise<void> {
  const result = await runGmp(args, env);
  expect(result.code, `gmp ${args.join(' ')}:\n${result.stderr}`).toBe(0);
}

async function report(lake: string, name: string): Promise<string> {
  const out = join(work, `${name}.html`);
  await gmpOk(['report', '--lake', lake, '--warehouse', warehouse, '--out', out]);
  return readFileSync(out, 'utf8');
}

const fact = (html: string, name: string) =>
  decode(new RegExp(`<dd data-fact="${name}">([\\s\\S]*?)</dd>`).exec(html)![1]!);
const dataLine = (html: string) =>
  decode(/<p class="source[^"]*"><strong>Data:<\/strong>([\s\S]*?)<\/p>/.exec(html)![1]!);
const warning = (html: string) => /<p [^>]*data-warning="lake">([\s\S]*?)<\/p>/.exec(html)?.[1];
const summary = (html: string, id: string) =>
  decode(new RegExp(`<p class="summary" id="${id}-summary">([\\s\\S]*?)</p>`).exec(html)![1]!);

beforeAll(async () => {
  sandbox = await startSandbox({ games: 200, seed: 9, today: DAY });
  await gmpOk(['ingest', '--all', '--date', DAY, '--lake', sandboxLake, '--base-url', sandbox.url]);
  // The same pages through a base URL that is not the sandbox's: what a proxy or a replay of real data looks like.
  await gmpOk([
    'ingest',
    '--all',
    '--date',
    DAY,
    '--lake',
    otherLake,
    '--base-url',
    `${new URL(sandbox.url).origin}/api`,
  ]);
  await gmpOk(['transform', '--lake', sandboxLake, '--warehouse', warehouse]);
}, 600_000);

afterAll(async () => {
  await sandbox.close();
  rmSync(work, { recursive: true, force: true });
});

describe('a report on the lake the warehouse was built from, fetched from the built-in sandbox', () => {
  let html = '';
  beforeAll(async () => {
    html = await report(sandboxLake, 'sandbox');
  }, 300_000);

  it('says the data is synthetic, and gives no lake warning', () => {
    expect(dataLine(html)).toBe('the sandbox API: synthetic games, not the real market');
    expect(fact(html, 'last-run')).toMatch(/to the sandbox API$/);
    expect(warning(html)).toBeUndefined();
  });

  it('advises in plain text how to record a second day of history, with a key and without', () => {
    const momentum = decode(/<p class="summary" id="momentum-summary">([\s\S]*?)<\/p>/.exec(html)![1]!);
    expect(momentum).not.toContain('`');
    expect(momentum).toContain(`The game history holds one day (${DAY})`);
    expect(momentum).toContain('Without RAWG_API_KEY, gmp pipeline on another day adds them from the sandbox');
    expect(momentum).toContain(
      'with a key, gmp pipeline (daily mode) on another day fetches the games changed the day before',
    );
  });
});

describe('the same warehouse reported beside a lake fetched from another API', () => {
  let html = '';
  beforeAll(async () => {
    html = await report(otherLake, 'other');
  }, 300_000);

  it('names that API by its host and does not call its data synthetic', () => {
    const host = new URL(sandbox.url).host;
    expect(dataLine(html)).toBe(`the API at ${host}`);
    expect(html).not.toMatch(/synthetic/i);
    expect(fact(html, 'last-run')).toMatch(new RegExp(`to the API at ${host.replace(/\./g, '\\.')}$`));
  });

  it('warns first that the warehouse was built from another lake, naming both', () => {
    const text = decode(warning(html) ?? '');
    expect(text).toBe(
      `Warning: the warehouse was built from the lake ${sandboxLake}, not from ${otherLake}, the lake this report describes: ` +
        'the charts and the data panel show different data. Rebuild the warehouse from this lake with gmp transform, or report on the lake it was built from.',
    );
    expect(html.indexOf('data-warning="lake"')).toBeLessThan(html.indexOf('<main>'));
  });
});

describe('a lake whose run records name the RAWG API', () => {
  let html = '';
  beforeAll(async () => {
    // RAWG cannot be called from a test: the other lake's pages, with its run records naming RAWG's API.
    const rawgDir = join(work, 'rawg-lake');
    cpSync(new URL(otherLake).pathname, rawgDir, { recursive: true });
    for (const name of readdirSync(join(rawgDir, '_runs'))) {
      const path = join(rawgDir, '_runs', name);
      writeFileSync(
        path,
        JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), api: 'https://api.rawg.io/api' }),
      );
    }
    html = await report(`file://${rawgDir}`, 'rawg');
  }, 300_000);

  it('links to RAWG in the header and in the data panel, and to nothing else outside the page', () => {
    const link = '<a href="https://rawg.io" data-credit="rawg">RAWG</a>';
    expect(/<p class="source[^"]*"><strong>Data:<\/strong>([\s\S]*?)<\/p>/.exec(html)![1]).toContain(link);
    expect(/<dd data-fact="source">([\s\S]*?)<\/dd>/.exec(html)![1]).toContain(link);
    expect(dataLine(html)).toBe('the RAWG API (api.rawg.io)');
    for (const href of html.matchAll(/href="([^"]*)"/g)) expect(href[1]).toMatch(/^(#[a-z-]+|https:\/\/rawg\.io)$/);
    expect(html).toContain("default-src 'none'");
  });
});

describe('a history of two days in which nothing changed, from a sandbox of today', () => {
  const today = new Date().toISOString().slice(0, 10);
  const daysBefore = (days: number) =>
    new Date(Date.parse(`${today}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
  // The newest day of the data (the snapshot's): release dates after it are upcoming.
  const asOf = daysBefore(1);
  const currentYear = Number(asOf.slice(0, 4));
  let html = '';
  let upcoming = 0;
  let todaySandbox: Sandbox;

  beforeAll(async () => {
    // One sandbox state serves both days: the games of the first day's updated partition come
    // back unchanged in the next day's snapshot, and every other game is seen for the first time.
    // Enough games that the first day's updated partition holds some.
    todaySandbox = await startSandbox({ games: 2000, seed: 9, today });
    const lake = `file://${join(work, 'today-lake')}`;
    const todayWarehouse = join(work, 'today.duckdb');
    await gmpOk([
      'ingest',
      '--endpoint',
      'games',
      '--mode',
      'updated',
      '--date',
      daysBefore(2),
      '--lake',
      lake,
      '--base-url',
      todaySandbox.url,
    ]);
    await gmpOk([
      'ingest',
      '--endpoint',
      'games',
      '--mode',
      'snapshot',
      '--date',
      daysBefore(1),
      '--lake',
      lake,
      '--base-url',
      todaySandbox.url,
    ]);
    await gmpOk(['transform', '--lake', lake, '--warehouse', todayWarehouse]);
    const out = join(work, 'today.html');
    await gmpOk(['report', '--lake', lake, '--warehouse', todayWarehouse, '--out', out]);
    html = readFileSync(out, 'utf8');
    // Every game the lake holds, as its pages were written.
    const games = new Map<number, { released: string | null; tba: boolean }>();
    const root = join(work, 'today-lake', 'raw', 'games');
    for (const name of readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((file) =>
      /page=\d+\.json$/.test(file),
    )) {
      const page = JSON.parse(readFileSync(join(root, name), 'utf8')) as {
        results: { id: number; released: string | null; tba: boolean }[];
      };
      for (const game of page.results) games.set(game.id, game);
    }
    upcoming = [...games.values()].filter(
      (game) => game.tba || (game.released !== null && game.released > asOf),
    ).length;
  }, 600_000);

  afterAll(async () => {
    await todaySandbox?.close();
  });

  it('momentum says no game grew, draws nothing, and does not count first sightings as changes', () => {
    const text = summary(html, 'momentum');
    expect(text).toMatch(/no game's added count grew \(of the \d+ games? known on /);
    expect(text).toMatch(/ games? first seen later (is|are) new to the lake, not changes, and left out\./);
    expect(text).not.toMatch(/changes of counts|grew most/);
    expect(html).not.toContain('data-chart="momentum"');
    expect(html).not.toContain('data-table="momentum"');
  });

  it('keeps future years out of the headlines, and lists the upcoming games on their own', () => {
    expect(upcoming, 'the sandbox serves future-dated games').toBeGreaterThan(0);
    const headlines = [
      decode(/<p class="lede">([\s\S]*?)<\/p>/.exec(html)![1]!).replace(/Generated .*$/, ''),
      summary(html, 'genres'),
      summary(html, 'platforms'),
    ];
    for (const text of headlines) {
      for (const year of text.match(/\b(19|20)\d\d\b/g) ?? [])
        expect(Number(year), text).toBeLessThanOrEqual(currentYear);
    }
    // The platform headline's year is the last whole one.
    const [, year] = /In (\d{4}), the last whole year, the largest share/.exec(summary(html, 'platforms'))!;
    expect(Number(year)).toBeLessThan(currentYear);
    expect(summary(html, 'upcoming')).toContain(
      `${upcoming} game${upcoming === 1 ? ' is' : 's are'} dated after ${asOf} (the newest day of the data) or to be announced`,
    );
    const table = pageTable(html, 'upcoming');
    expect(table.rows.length).toBe(Math.min(upcoming, 10));
    for (const [, date] of table.rows) expect(date!.startsWith('TBA') || date! > asOf, date).toBe(true);
    expect(
      pageTable(html, 'genre-releases')
        .rows.map((row) => Number(row[0]!.slice(0, 4)))
        .every((y) => y <= currentYear),
    ).toBe(true);
  });
});
