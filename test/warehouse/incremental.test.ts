import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { cleanEnv, runGmp } from '../support/gmp.js';
import { onePage, partitionDir, thinGame, writePage } from './support/pages.js';
import {
  API_KEY,
  comparableRows,
  count,
  gmpOk,
  INCREMENTAL_INTERMEDIATES,
  MARTS,
  query,
  SANDBOX,
  SNAPSHOT_DATE,
} from './support/warehouse.js';

/** A games snapshot dated before every partition of the first builds, ingested after them. */
const LATE_SNAPSHOT_DATE = '2024-05-29';

/** Every row of a table, comparable across builds (comparableRows). */
async function rowsOf(warehouse: string, table: string): Promise<string[]> {
  return comparableRows(await query(warehouse, `select * from ${table}`));
}

/** The folders the last build's base_games read: one glob per partition, or none. */
function partitionsRead(warehouse: string): string[] {
  const compiled = join(
    warehouse.replace(/\.duckdb$/, '.dbt-target'),
    'compiled',
    'game_market',
    'models',
    'base',
    'base_games.sql',
  );
  return [
    ...readFileSync(compiled, 'utf8').matchAll(/\/raw\/games\/(load=[^/]+\/date=[^/]+)\/\*\*\/page=\*\.json/g),
  ].map((match) => match[1]!);
}

/** A later edit of a game, as an updated partition holds it, nesting a tag the tags listing lacks (unless `untagged`). */
function editedGame(id: number, day: string, rating: number, { untagged = false } = {}) {
  return thinGame({
    id,
    name: `Game ${id} (edited ${day})`,
    released: '2023-03-03',
    updated: `${day}T10:00:00`,
    rating,
    ratingsCount: 50,
    added: 5_000,
    metacritic: 70,
    genres: [{ id: 4, name: 'Action', slug: 'action' }],
    platforms: [{ id: 4, name: 'PC', slug: 'pc' }],
    tags: untagged
      ? []
      : [
          {
            id: 990_001,
            name: 'Only In Games',
            slug: 'only-in-games',
            language: 'eng',
            games_count: 321,
            image_background: `https://media.example/${day}.jpg`,
          },
        ],
  });
}

function pageFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => /page=\d+\.json$/.test(path) && statSync(path).isFile());
}

describe('incremental builds keyed on the lake partition', () => {
  let sandbox: Sandbox;
  let workDir: string;
  let lakeDir: string;
  let incremental: string;
  let env: Record<string, string>;
  const reads: string[][] = [];

  beforeAll(async () => {
    sandbox = await startSandbox(SANDBOX);
    workDir = mkdtempSync(join(tmpdir(), 'gmp-incremental-'));
    lakeDir = join(workDir, 'lake');
    incremental = join(workDir, 'incremental.duckdb');
    env = cleanEnv({
      LAKE_URL: `file://${lakeDir}`,
      WAREHOUSE_PATH: incremental,
      RAWG_API_KEY: API_KEY,
      RAWG_BASE_URL: sandbox.url,
    });

    // Build 1: a snapshot of every endpoint and one day of updated games.
    await gmpOk(['ingest', '--all', '--mode', 'snapshot', '--date', SNAPSHOT_DATE], env);
    await gmpOk(['ingest', '--endpoint', 'games', '--mode', 'updated', '--date', '2024-05-30'], env);
    await gmpOk(['transform'], env);
    reads.push(partitionsRead(incremental));
    // Build 2: the next day's window, and a second tags listing.
    await gmpOk(['ingest', '--endpoint', 'games', '--mode', 'updated', '--date', '2024-05-31'], env);
    await gmpOk(['ingest', '--endpoint', 'tags', '--mode', 'snapshot', '--date', '2024-06-02'], env);
    await gmpOk(['transform'], env);
    reads.push(partitionsRead(incremental));
    // Build 3: a window that edits two games, and a window still being written (no _SUCCESS yet),
    // whose later edit of the second one drops every tag it had.
    writePage(
      lakeDir,
      { endpoint: 'games', load: 'updated', date: '2024-06-02', complete: true },
      onePage([editedGame(9_000_001, '2024-06-02', 4.5), editedGame(9_000_003, '2024-06-02', 4.0)]),
    );
    writePage(
      lakeDir,
      { endpoint: 'games', load: 'updated', date: '2024-06-03' },
      onePage([editedGame(9_000_001, '2024-06-03', 1.5), editedGame(9_000_003, '2024-06-03', 2.0, { untagged: true })]),
    );
    await gmpOk(['transform'], env);
    reads.push(partitionsRead(incremental));
    // Build 4: that window completes.
    writeFileSync(join(partitionDir(lakeDir, 'games', 'updated', '2024-06-03'), '_SUCCESS'), '');
    await gmpOk(['transform'], env);
    reads.push(partitionsRead(incremental));
    // Build 5: a backfill snapshot dated before everything built so far closes late. The sandbox
    // of its day served smaller counts: each game's oldest version, first in its chain.
    const earlier = await startSandbox({ ...SANDBOX, today: LATE_SNAPSHOT_DATE });
    try {
      await gmpOk(['ingest', '--endpoint', 'games', '--mode', 'snapshot', '--date', LATE_SNAPSHOT_DATE], {
        ...env,
        RAWG_BASE_URL: earlier.url,
      });
    } finally {
      await earlier.close();
    }
    await gmpOk(['transform'], env);
    reads.push(partitionsRead(incremental));
  }, 900_000);

  afterAll(async () => {
    await sandbox?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('reads only the partitions completed since the last build', () => {
    expect(reads).toEqual([
      ['load=snapshot/date=2024-06-01', 'load=updated/date=2024-05-30'],
      ['load=updated/date=2024-05-31'],
      ['load=updated/date=2024-06-02'],
      ['load=updated/date=2024-06-03'],
      [`load=snapshot/date=${LATE_SNAPSHOT_DATE}`],
    ]);
  });

  it('gives the same rows in every mart as one --full-refresh build of the same lake', async () => {
    const refreshed = join(workDir, 'refreshed.duckdb');
    copyFileSync(incremental, refreshed);
    copyFileSync(`${incremental}.lake.json`, `${refreshed}.lake.json`);
    await gmpOk(['transform', '--warehouse', refreshed, '--full-refresh'], env);
    expect(partitionsRead(refreshed)).toHaveLength(6);
    for (const table of [...MARTS, 'fct_game_versions', ...INCREMENTAL_INTERMEDIATES]) {
      expect(await rowsOf(incremental, table), table).toEqual(await rowsOf(refreshed, table));
    }
    const [game] = await query(incremental, 'select rating, version_date from dim_games where game_id = 9000001');
    expect(game).toEqual({ rating: 1.5, version_date: '2024-06-03' });
    // The edit without tags took the game's tags away, in the incremental build as in the full one.
    expect(await query(incremental, 'select tag_id from bridge_game_tags where game_id = 9000003')).toEqual([]);
    const [tag] = await query(
      incremental,
      'select games_count_reported, image_background_url, is_listed from dim_tags where tag_id = 990001',
    );
    expect(tag).toEqual({
      games_count_reported: 321,
      image_background_url: 'https://media.example/2024-06-03.jpg',
      is_listed: false,
    });
  }, 300_000);

  it('slots the late snapshot first into every chain: its counts open version 1, the later ones follow', async () => {
    const [late] = await query(
      incremental,
      `
      select
          count(*) filter (where version_number = 1 and first_seen_date = date '${LATE_SNAPSHOT_DATE}') as opened_first,
          count(*) filter (where first_seen_date = date '${LATE_SNAPSHOT_DATE}') as opened
      from fct_game_versions`,
    );
    expect(Number(late!.opened_first)).toBe(SANDBOX.games);
    expect(Number(late!.opened)).toBe(SANDBOX.games);
    // The snapshot of 06-01 moved the top games' counts up: a second version, valid from its day.
    const [grown] = await query(
      incremental,
      `
      select count(*) as games
      from fct_game_versions as first
      join fct_game_versions as next on next.game_id = first.game_id and next.version_number = 2
      where first.first_seen_date = date '${LATE_SNAPSHOT_DATE}' and next.added_count > first.added_count
          and first.valid_to = next.valid_from and next.valid_from > first.valid_from`,
    );
    expect(Number(grown!.games)).toBeGreaterThan(20);
    // Every chain ends in the version dim_games shows.
    const [current] = await query(
      incremental,
      `
      select count(*) as games from dim_games
      join fct_game_versions as version on version.game_id = dim_games.game_id and version.valid_to is null
      where version.added_count = dim_games.added_count and version.rating = dim_games.rating`,
    );
    expect(Number(current!.games)).toBe(await count(incremental, 'dim_games'));
  });

  it('never opens the pages of partitions it already holds, and a full refresh does', async () => {
    // Every page already built is made unreadable as JSON: a build that opened one would fail.
    const held = pageFiles(join(lakeDir, 'raw'));
    for (const path of held) writeFileSync(path, 'not json');
    writePage(
      lakeDir,
      { endpoint: 'games', load: 'updated', date: '2024-06-04', complete: true },
      onePage([editedGame(9_000_002, '2024-06-04', 3.0)]),
    );
    await gmpOk(['transform'], env);
    expect(partitionsRead(incremental)).toEqual(['load=updated/date=2024-06-04']);
    const [game] = await query(incremental, 'select version_date from dim_games where game_id = 9000002');
    expect(game).toEqual({ version_date: '2024-06-04' });

    const refresh = await runGmp(['transform', '--full-refresh'], env);
    expect(refresh.code).toBe(1);
    expect(refresh.stderr.trim().split('\n').at(-1)).toMatch(/^gmp: dbt build --target dev failed: .*base_/);
  }, 300_000);
});
