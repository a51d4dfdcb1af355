/**
 * Momentum from daily windows: a lake with one snapshot of the games and, three weeks later, six
 * days of `updated` partitions from the sandbox of that later day (whose counts have moved on). No
 * second snapshot exists, so the growth the page shows can only come from the windows. The
 * expected growth is read from the lake's page files, not from the warehouse.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/server.js';
import { cleanEnv, runGmp } from '../support/gmp.js';
import { decode, pageTable, parseNumber } from './support.js';

const SNAPSHOT_DAY = '2024-06-01';
const FIRST_WINDOW = '2024-06-15';
const LAST_WINDOW = '2024-06-20';
const GAMES = 2000;

const work = mkdtempSync(join(tmpdir(), 'gmp-momentum-'));
const lakeDir = join(work, 'lake');
const warehouse = join(work, 'game_market.duckdb');
const reportPath = join(work, 'market-report.html');
let env: Record<string, string>;
let html = '';

async function gmpOk(args: string[], extra: Record<string, string> = {}): Promise<void> {
  const result = await runGmp(args, { ...env, ...extra });
  expect(result.code, `gmp ${args.join(' ')} failed:\n${result.stderr}`).toBe(0);
}

async function ingestFrom(today: string, args: string[]): Promise<void> {
  const sandbox = await startSandbox({ games: GAMES, seed: 21, today });
  try {
    await gmpOk(args, { RAWG_BASE_URL: sandbox.url });
  } finally {
    await sandbox.close();
  }
}

interface Item {
  id: number;
  name: string;
  added: number;
}

/** Every game item of the partitions under raw/games/load=LOAD, by partition date. */
function itemsOf(load: string): Map<string, Item[]> {
  const root = join(lakeDir, 'raw/games', `load=${load}`);
  const byDate = new Map<string, Item[]>();
  for (const folder of readdirSync(root)) {
    const files = readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' }).filter((name) =>
      /page=\d+\.json$/.test(name),
    );
    const items = files.flatMap(
      (name) => (JSON.parse(readFileSync(join(root, folder, name), 'utf8')) as { results: Item[] }).results,
    );
    byDate.set(folder.replace('date=', ''), items);
  }
  return byDate;
}

beforeAll(async () => {
  env = cleanEnv({
    LAKE_URL: `file://${lakeDir}`,
    RAWG_API_KEY: 'fedcba9876543210fedcba9876543210',
    WAREHOUSE_PATH: warehouse,
  });
  await ingestFrom(SNAPSHOT_DAY, ['ingest', '--all', '--mode', 'snapshot', '--date', SNAPSHOT_DAY]);
  await ingestFrom('2024-06-21', [
    'ingest',
    '--endpoint',
    'games',
    '--mode',
    'updated',
    '--from',
    FIRST_WINDOW,
    '--to',
    LAST_WINDOW,
  ]);
  await gmpOk(['transform']);
  await gmpOk(['report', '--out', reportPath]);
  html = readFileSync(reportPath, 'utf8');
}, 900_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('momentum from one snapshot and the daily windows after it', () => {
  it('ranks the games by the growth the windows recorded since the snapshot, as the lake holds it', () => {
    const snapshot = new Map(
      itemsOf('snapshot')
        .get(SNAPSHOT_DAY)!
        .map((game) => [game.id, game]),
    );
    expect(snapshot.size).toBe(GAMES);
    // Each game's newest window: a game sits in the window of its latest edit.
    const newest = new Map<number, Item>();
    for (const [, items] of [...itemsOf('updated')].sort(([a], [b]) => a.localeCompare(b))) {
      for (const game of items) newest.set(game.id, game);
    }
    const grown = [...newest.values()]
      .map((game) => ({ id: game.id, name: game.name, before: snapshot.get(game.id)!.added, after: game.added }))
      .filter((game) => game.after > game.before)
      .sort((a, b) => b.after - b.before - (a.after - a.before) || b.after - a.after || a.id - b.id)
      .slice(0, 10);
    expect(grown.length, 'the windows hold games whose counts moved').toBeGreaterThan(3);

    const table = pageTable(html, 'momentum');
    expect(table.columns).toEqual(['Stretch', 'Rank', 'Game', 'Added at the start', 'Added at the end', 'Growth']);
    // The last 7 days start after the snapshot and before the first window: the same comparison as the whole history.
    const rows = (from: string) =>
      grown.map((game, index) => [
        `${from} to ${LAST_WINDOW}`,
        String(index + 1),
        game.name,
        game.before.toLocaleString('en-US'),
        game.after.toLocaleString('en-US'),
        `+${(game.after - game.before).toLocaleString('en-US')}`,
      ]);
    expect(table.rows).toEqual([...rows('2024-06-13'), ...rows(SNAPSHOT_DAY)]);
    const grownInAll = [...newest.values()].filter((game) => game.added > snapshot.get(game.id)!.added).length;
    const summary = decode(/<p class="summary" id="momentum-summary">([\s\S]*?)<\/p>/.exec(html)![1]!);
    expect(summary).toContain(
      `Over the last 7 days (2024-06-13 to ${LAST_WINDOW}), ${grownInAll.toLocaleString('en-US')} of the ${GAMES.toLocaleString('en-US')} games known on 2024-06-13 grew`,
    );
    expect(summary).toContain(
      `Over the whole history, 19 days (${SNAPSHOT_DAY} to ${LAST_WINDOW}), ${grownInAll.toLocaleString('en-US')} of the ${GAMES.toLocaleString('en-US')} games known on ${SNAPSHOT_DAY} grew`,
    );
    expect(parseNumber(table.rows[0]![5]!)).toBe(grown[0]!.after - grown[0]!.before);
  });
});
