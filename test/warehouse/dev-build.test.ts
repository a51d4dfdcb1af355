import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { cleanEnv, runGmp } from '../support/gmp.js';
import { onePage, thinGame, writePage } from './support/pages.js';
import {
  API_KEY,
  count,
  dbtDir,
  filesContaining,
  gmpOk,
  ingestSandbox,
  MARTS,
  query,
  SANDBOX,
  sandboxGames,
  sortedIds,
  type SandboxGame,
} from './support/warehouse.js';

describe('gmp transform --target dev on a sandbox-ingested local lake', () => {
  let sandbox: Sandbox;
  let workDir: string;
  let lakeDir: string;
  let warehouse: string;
  let env: Record<string, string>;
  let transformOutput: string;

  beforeAll(async () => {
    sandbox = await startSandbox(SANDBOX);
    workDir = mkdtempSync(join(tmpdir(), 'gmp-warehouse-'));
    lakeDir = join(workDir, 'lake');
    warehouse = join(workDir, 'warehouse', 'game_market.duckdb');
    env = cleanEnv({
      LAKE_URL: `file://${lakeDir}`,
      WAREHOUSE_PATH: warehouse,
      RAWG_API_KEY: API_KEY,
      RAWG_BASE_URL: sandbox.url,
    });
    await ingestSandbox(env);
    transformOutput = (await gmpOk(['transform', '--target', 'dev'], env)).stdout;
  }, 600_000);

  afterAll(async () => {
    await sandbox?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('prints where the warehouse is and fills every mart', async () => {
    expect(transformOutput).toContain(`warehouse: ${warehouse}`);
    for (const table of MARTS) expect(await count(warehouse, table), table).toBeGreaterThan(0);
    expect(await count(warehouse, 'dim_games')).toBe(SANDBOX.games);
    expect(await count(warehouse, 'fct_game_snapshots')).toBe(SANDBOX.games);
  });

  it('lands a known game with the genres, platforms, stores and tags the API gave it', async () => {
    const [game] = await sandboxGames(sandbox, 2);
    const known = game!;
    const [row] = await query(warehouse, `select * from dim_games where game_id = ${known.id}`);
    expect(row).toMatchObject({ game_name: known.name, rating: known.rating, metacritic: known.metacritic });
    expect(row!.released_on ?? null).toBe(known.released);

    const idsOf = async (bridge: string, column: string) =>
      sortedIds(
        (await query(warehouse, `select ${column} from ${bridge} where game_id = ${known.id}`)).map((r) =>
          Number(r[column]),
        ),
      );
    expect(await idsOf('bridge_game_genres', 'genre_id')).toEqual(sortedIds(known.genres.map((g) => g.id)));
    expect(await idsOf('bridge_game_platforms', 'platform_id')).toEqual(
      sortedIds(known.platforms.map((p) => p.platform.id)),
    );
    expect(await idsOf('bridge_game_parent_platforms', 'parent_platform_id')).toEqual(
      sortedIds(known.parent_platforms.map((p) => p.platform.id)),
    );
    expect(await idsOf('bridge_game_stores', 'store_id')).toEqual(sortedIds(known.stores.map((s) => s.store.id)));
    expect(await idsOf('bridge_game_tags', 'tag_id')).toEqual(sortedIds(known.tags.map((t) => t.id)));

    const genreNames = await query(
      warehouse,
      `select g.genre_name from bridge_game_genres b join dim_genres g using (genre_id) where b.game_id = ${known.id} order by 1`,
    );
    expect(genreNames.map((r) => r.genre_name)).toEqual(known.genres.map((g) => g.name).sort());
  });

  it('answers the market questions consistently with the dimensions', async () => {
    const [releases] = await query(warehouse, `select sum(releases) as releases from mart_genre_releases_by_year`);
    const [bridged] = await query(
      warehouse,
      `select count(*) as n from bridge_game_genres b join dim_games g using (game_id) where g.release_year is not null`,
    );
    expect(Number(releases!.releases)).toBe(Number(bridged!.n));
    const top = await query(
      warehouse,
      `select weighted_rating_rank, weighted_rating from mart_top_rated_games order by 1 limit 5`,
    );
    expect(top.map((r) => Number(r.weighted_rating_rank))).toEqual([1, 2, 3, 4, 5]);
    const weights = top.map((r) => Number(r.weighted_rating));
    expect(weights).toEqual([...weights].sort((a, b) => b - a));
  });

  it('serves the newest version after an updated partition changes a game', async () => {
    const [before] = await sandboxGames(sandbox, 3);
    const game = before as SandboxGame;
    const newGenres = [{ id: 17, name: 'Card', slug: 'card' }];
    const newPlatforms = [{ id: 187, name: 'PlayStation 5', slug: 'playstation5' }];
    // A later edit of the game, as an updated= window returns it: the thin filtered shape.
    writePage(
      lakeDir,
      { endpoint: 'games', load: 'updated', date: '2024-06-02', complete: true },
      onePage([
        thinGame({
          id: game.id,
          name: `${game.name} (Remastered)`,
          released: '2024-06-02',
          updated: '2024-06-02T09:30:00',
          rating: 4.9,
          ratingsCount: 777,
          added: 12_345,
          metacritic: 97,
          genres: newGenres,
          platforms: newPlatforms,
          parentPlatforms: [{ id: 2, name: 'PlayStation', slug: 'playstation' }],
          esrb: { id: 3, name: 'Teen', slug: 'teen', name_en: 'Teen', name_ru: 'С 13 лет' },
          addedByStatus: { owned: 10_000, playing: 345 },
        }),
      ]),
    );
    await gmpOk(['transform'], env);

    const [row] = await query(warehouse, `select * from dim_games where game_id = ${game.id}`);
    expect(row).toMatchObject({
      game_name: `${game.name} (Remastered)`,
      released_on: '2024-06-02',
      rating: 4.9,
      ratings_count: 777,
      metacritic: 97,
      added_owned_count: 10_000,
      added_playing_count: 345,
      added_beaten_count: 0,
      esrb_rating_name: 'Teen',
      version_load: 'updated',
      version_date: '2024-06-02',
    });
    const genres = await query(warehouse, `select genre_id from bridge_game_genres where game_id = ${game.id}`);
    expect(genres.map((r) => Number(r.genre_id))).toEqual([17]);
    const platforms = await query(
      warehouse,
      `select platform_id, released_on_platform from bridge_game_platforms where game_id = ${game.id}`,
    );
    expect(platforms).toEqual([{ platform_id: 187, released_on_platform: null }]);
    // The snapshot history keeps the version the snapshot saw.
    const [snapshot] = await query(warehouse, `select rating from fct_game_snapshots where game_id = ${game.id}`);
    expect(snapshot!.rating).toBe(game.rating);
    expect(await count(warehouse, 'dim_games')).toBe(SANDBOX.games);
  }, 300_000);

  it('fails in one line, naming what to do, on a lake that holds no pages yet', async () => {
    const emptyLake = join(workDir, 'empty-lake');
    const result = await runGmp(['transform'], {
      ...env,
      LAKE_URL: `file://${emptyLake}`,
      WAREHOUSE_PATH: join(workDir, 'empty.duckdb'),
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n').at(-1)).toBe(
      `gmp: dbt build --target dev failed: the lake at file://${emptyLake} holds no games pages: run gmp ingest (or gmp pipeline) first; details in ${join(workDir, 'empty.dbt-target', 'dbt-build.log')}`,
    );
  }, 120_000);

  it('keeps the API key out of the compiled project, its logs and the warehouse', () => {
    expect(filesContaining(join(dbtDir, 'target'), API_KEY)).toEqual([]);
    expect(filesContaining(join(dbtDir, 'logs'), API_KEY)).toEqual([]);
    expect(filesContaining(join(workDir, 'warehouse'), API_KEY)).toEqual([]);
  });
});
