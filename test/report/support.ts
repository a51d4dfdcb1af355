import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { chromium, type BrowserContext } from 'playwright-core';

/** What a page's table holds, as the reader sees it (entities decoded, tags stripped). */
export interface PageTable {
  columns: string[];
  rows: string[][];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

export function decode(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => ENTITIES[name]!)
    .trim();
}

/** The table `<table data-table="ID">` of a page, parsed from the HTML text. */
export function pageTable(html: string, id: string): PageTable {
  const match = new RegExp(`<table data-table="${id}">([\\s\\S]*?)</table>`).exec(html);
  if (!match) throw new Error(`the page has no table "${id}"`);
  const cells = (row: string, tag: 'th' | 'td') =>
    [...row.matchAll(new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => decode(m[1]!));
  const [head, ...body] = [...match[1]!.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1]!);
  return { columns: cells(head!, 'th'), rows: body.map((row) => cells(row, 'td')) };
}

/** The screen-reader names of the drawn marks of one chart variant (bars, lines), in order. */
export function markLabels(
  html: string,
  chart: string,
  variant: 'wide' | 'narrow',
  role: 'bar' | 'line mark',
): string[] {
  const figure = new RegExp(`<figure class="chart" data-chart="${chart}">([\\s\\S]*?)</figure>`).exec(html);
  if (!figure) throw new Error(`the page has no chart "${chart}"`);
  const svg = new RegExp(`<div class="chart-${variant}">([\\s\\S]*?)</div>`).exec(figure[1]!);
  return [
    ...svg![1]!.matchAll(new RegExp(`aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="${role}"`, 'g')),
  ].map((m) => decode(m[1]!));
}

/** "12,345" -> 12345; "+25" -> 25; "12.3%" -> 12.3 */
export const parseNumber = (text: string): number => Number(text.replace(/[,+%]/g, ''));

/** Rows of a query against a warehouse file, opened read-only, with numbers as JS numbers. */
export async function query(warehousePath: string, sql: string): Promise<Record<string, string | number | null>[]> {
  const instance = await DuckDBInstance.create(warehousePath, { access_mode: 'READ_ONLY' });
  try {
    const connection = await instance.connect();
    try {
      const rows = (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<
        string,
        string | number | null
      >[];
      return rows.map((row) =>
        Object.fromEntries(
          Object.entries(row).map(([key, value]) => [
            key,
            typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value,
          ]),
        ),
      );
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/**
 * Writes an earlier snapshot of `games` beside the one the sandbox gave: a copy of the partition
 * with each game's `added` lowered by `growth(position)`, so the report has two snapshots with a
 * growth between them that the test chose.
 * Returns the growth per game id.
 */
export function writeEarlierSnapshot(
  lakeDir: string,
  day: string,
  earlierDay: string,
  growth: (position: number) => number,
): Map<number, number> {
  const from = join(lakeDir, 'raw/games/load=snapshot', `date=${day}`);
  const to = join(lakeDir, 'raw/games/load=snapshot', `date=${earlierDay}`);
  const grown = new Map<number, number>();
  let position = 0;
  for (const name of readdirSync(from).sort()) {
    const text = readFileSync(join(from, name), 'utf8');
    if (!/^page=\d+\.json$/.test(name)) {
      writeFileSync(join(to, name), text, { flag: 'wx' });
      continue;
    }
    const page = JSON.parse(text) as { results: { id: number; added: number }[] };
    for (const game of page.results) {
      const delta = growth(position++);
      grown.set(game.id, delta);
      game.added -= delta;
    }
    writeFileSync(join(to, name), JSON.stringify(page), { flag: 'wx' });
  }
  return grown;
}

/** Renames one game in every page of a partition: the name a hostile catalogue could hold. */
export function renameGame(partitionDir: string, gameId: number, name: string): void {
  for (const file of readdirSync(partitionDir).filter((f) => f.startsWith('page='))) {
    const path = join(partitionDir, file);
    const page = JSON.parse(readFileSync(path, 'utf8')) as { results: { id: number; name: string }[] };
    const game = page.results.find((g) => g.id === gameId);
    if (!game) continue;
    game.name = name;
    writeFileSync(path, JSON.stringify(page));
  }
}

export const chromiumPath = '/usr/bin/chromium';

/**
 * Headless Chromium from Debian (installed by mk/report.mk), driven by playwright-core, with a fresh
 * profile and every background service that would reach the network turned off.
 */
export async function launchChromium(viewport: {
  width: number;
  height: number;
}): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  if (!existsSync(chromiumPath))
    throw new Error(`${chromiumPath} is missing: run "make test" (it installs Debian's chromium)`);
  const profile = mkdtempSync(join(tmpdir(), 'gmp-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
