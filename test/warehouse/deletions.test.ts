import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../support/gmp.js';
import { DELETIONS, EXPECTED_GAMES, writeFirstStep, writeSecondStep } from './support/deletions-lake.js';
import { comparableRows, gmpOk, INCREMENTAL_INTERMEDIATES, MARTS, query } from './support/warehouse.js';

describe('deleted games: a newer complete snapshot that lacks a game marks it deleted (dev, DuckDB)', () => {
  let workDir: string;
  let lakeDir: string;
  let incremental: string;
  let refreshed: string;
  let env: Record<string, string>;
  let afterFirstBuild: Record<string, unknown>[];

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'gmp-deletions-'));
    lakeDir = join(workDir, 'lake');
    incremental = join(workDir, 'incremental.duckdb');
    env = cleanEnv({ LAKE_URL: `file://${lakeDir}`, WAREHOUSE_PATH: incremental });
    writeFirstStep(lakeDir);
    await gmpOk(['transform'], env);
    afterFirstBuild = await query(incremental, 'select game_id, is_deleted from dim_games order by game_id');
    writeSecondStep(lakeDir);
    await gmpOk(['transform'], env);
    refreshed = join(workDir, 'refreshed.duckdb');
    copyFileSync(incremental, refreshed);
    copyFileSync(`${incremental}.lake.json`, `${refreshed}.lake.json`);
    await gmpOk(['transform', '--warehouse', refreshed, '--full-refresh'], env);
  }, 600_000);

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('keeps every game live while one complete snapshot is all there is', () => {
    expect(afterFirstBuild).toEqual([1, 2, 3, 4, 5].map((id) => ({ game_id: id, is_deleted: false })));
  });

  it('marks deleted, with the day last seen, exactly the games absent from the newer snapshot and every updated partition since', async () => {
    for (const warehouse of [incremental, refreshed]) {
      const games = await query(
        warehouse,
        'select game_id, is_deleted, cast(last_seen_on as varchar) as last_seen_on from dim_games order by game_id',
      );
      expect(games, warehouse).toEqual(
        EXPECTED_GAMES.map(([game_id, is_deleted, last_seen_on]) => ({ game_id, is_deleted, last_seen_on })),
      );
    }
  });

  it('counts only live games in the marts', async () => {
    const live = EXPECTED_GAMES.filter(([, deleted]) => !deleted).map(([id]) => id);
    const [genre] = await query(
      incremental,
      'select cast(releases as integer) as releases, share_of_year_releases from mart_genre_releases_by_year where release_year = 2020',
    );
    expect(genre).toEqual({ releases: live.length, share_of_year_releases: 1 });
    const [platform] = await query(
      incremental,
      'select cast(releases as integer) as releases, cast(year_releases as integer) as year_releases from mart_platform_release_share_by_year where release_year = 2020',
    );
    expect(platform).toEqual({ releases: live.length, year_releases: live.length });
    const top = await query(incremental, 'select game_id from mart_top_rated_games order by game_id');
    expect(top.map((row) => row.game_id)).toEqual(live);
    const [store] = await query(
      incremental,
      'select cast(games_sold as integer) as games_sold, cast(exclusive_games as integer) as exclusive_games, share_of_catalogue from mart_store_coverage',
    );
    expect(store).toEqual({ games_sold: live.length, exclusive_games: live.length, share_of_catalogue: 1 });
    const [genreRow] = await query(
      incremental,
      'select cast(games_in_warehouse as integer) as games_in_warehouse from dim_genres where genre_id = 4',
    );
    expect(genreRow).toEqual({ games_in_warehouse: live.length });
    // The history keeps them: a deleted game's versions are still there.
    const [history] = await query(
      incremental,
      `select count(*) as versions from fct_game_versions where game_id = ${DELETIONS.deleted}`,
    );
    expect(Number(history!.versions)).toBe(1);
  });

  it('gives the same rows incrementally as one --full-refresh build', async () => {
    for (const table of [...MARTS, 'fct_game_versions', ...INCREMENTAL_INTERMEDIATES]) {
      const rows = async (warehouse: string) => comparableRows(await query(warehouse, `select * from ${table}`));
      expect(await rows(incremental), table).toEqual(await rows(refreshed));
    }
  });
});
