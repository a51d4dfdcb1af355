import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEndpoints } from '../../src/config/load.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { runLines } from '../../src/transform/process.js';
import { venvDbt } from '../../src/transform/venv.js';
import { cleanEnv } from '../support/gmp.js';
import { loadRawTables, querySnowflake, startFakesnow, type SnowflakeEmulator } from './support/fakesnow.js';
import { API_KEY, dbtDir, gmpOk, ingestSandbox, query, SANDBOX } from './support/warehouse.js';

/** Portable SQL: the same answer is expected from the DuckDB and the Snowflake build. */
const FINGERPRINTS = [
  'select count(*) as n, sum(genre_count) as genres, sum(platform_count) as platforms, sum(store_count) as stores, count(released_on) as released, count(metacritic) as metacritic, count(esrb_rating_name) as esrb, sum(added_owned_count) as owned from dim_games',
  "select count(*) as n, sum(case when version_load = 'updated' then 1 else 0 end) as from_windows from dim_games",
  'select count(*) as n, sum(releases) as releases, round(sum(mean_rating), 6) as ratings, round(sum(mean_metacritic), 6) as metacritic from mart_genre_releases_by_year',
  'select count(*) as n, round(sum(share_of_releases), 6) as shares from mart_platform_release_share_by_year',
  'select count(*) as n, sum(games_sold) as sold, sum(exclusive_games) as exclusive from mart_store_coverage',
  'select count(*) as n, round(sum(weighted_rating), 6) as weighted, min(game_id) as first_game from mart_top_rated_games where weighted_rating_rank <= 10',
  'select count(*) as n, count(parent_platform_id) as with_family from dim_platforms',
  'select count(*) as n from bridge_game_tags',
  'select count(*) as n from bridge_game_parent_platforms',
  'select count(*) as n, sum(added_count) as added from fct_game_snapshots',
  'select count(*) as n from dim_developers',
  'select count(*) as n from dim_publishers',
];

const numbers = (rows: Record<string, unknown>[]) =>
  rows.map((row) => Object.values(row).map((value) => (value === null ? null : Number(value))));

describe('dbt parse --target prod', () => {
  it('resolves every endpoint of endpoints.json to its external table RAW.<ENDPOINT> and a base model', async () => {
    const targetPath = mkdtempSync(join(tmpdir(), 'gmp-dbt-parse-'));
    const result = await runLines(
      venvDbt,
      ['parse', '--project-dir', dbtDir, '--profiles-dir', dbtDir, '--target', 'prod', '--target-path', targetPath],
      {
        env: cleanEnv({ DBT_SEND_ANONYMOUS_USAGE_STATS: 'false', SNOWFLAKE_DATABASE: 'MARKET_PROD' }),
      },
    );
    expect(result.exitCode, result.tail.join('\n')).toBe(0);
    const manifest = JSON.parse(readFileSync(join(targetPath, 'manifest.json'), 'utf8')) as {
      sources: Record<string, { database: string; schema: string; identifier: string }>;
      nodes: Record<string, { resource_type: string; name: string; schema: string }>;
    };
    rmSync(targetPath, { recursive: true, force: true });
    for (const { name } of loadEndpoints().endpoints) {
      expect(manifest.sources[`source.game_market.lake.${name}`]).toMatchObject({
        database: 'MARKET_PROD',
        schema: 'RAW',
        identifier: name.toUpperCase(),
      });
      expect(manifest.nodes[`model.game_market.base_${name}`]).toMatchObject({ schema: 'ANALYTICS' });
    }
    expect(manifest.nodes['model.game_market.dim_games']).toMatchObject({ schema: 'ANALYTICS' });
  }, 120_000);
});

describe('gmp transform --target prod against a Snowflake emulator (fakesnow; raw tables stand in for the external tables)', () => {
  let sandbox: Sandbox;
  let emulator: SnowflakeEmulator;
  let workDir: string;
  let warehouse: string;
  let prodOutput: string;

  beforeAll(async () => {
    sandbox = await startSandbox(SANDBOX);
    emulator = await startFakesnow();
    workDir = mkdtempSync(join(tmpdir(), 'gmp-warehouse-prod-'));
    const lakeDir = join(workDir, 'lake');
    warehouse = join(workDir, 'game_market.duckdb');
    const env = cleanEnv({
      LAKE_URL: `file://${lakeDir}`,
      WAREHOUSE_PATH: warehouse,
      RAWG_API_KEY: API_KEY,
      RAWG_BASE_URL: sandbox.url,
    });
    await ingestSandbox(env);
    await gmpOk(['transform', '--target', 'dev'], env);
    await loadRawTables(emulator, lakeDir);
    // fakesnow cannot create the qualified temporary tables dbt's unit tests use (docs/testing.md, known limits).
    const prodEnv = { ...env, ...emulator.env, DBT_EXCLUDE_RESOURCE_TYPES: 'unit_test' };
    prodOutput = (await gmpOk(['transform', '--target', 'prod'], prodEnv)).stdout;
  }, 900_000);

  afterAll(async () => {
    await sandbox?.close();
    await emulator?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('builds every model and passes every data test in schema ANALYTICS', async () => {
    expect(prodOutput).toContain('warehouse: Snowflake, schema ANALYTICS');
    const [tables] = await querySnowflake(emulator, [
      // The bridges are views, which the emulator lists apart from tables.
      "select lower(table_name) as name from GAME_MARKET.information_schema.tables where table_schema = 'ANALYTICS' " +
        "union all select lower(table_name) from GAME_MARKET.information_schema.views where table_schema = 'ANALYTICS'",
    ]);
    const names = tables!.map((row) => row.name);
    for (const mart of [
      'dim_games',
      'bridge_game_genres',
      'fct_game_snapshots',
      'mart_top_rated_games',
      'mart_store_coverage',
    ]) {
      expect(names).toContain(mart);
    }
  });

  it('gives the same marts as the DuckDB build of the same lake', async () => {
    const inSnowflake = await querySnowflake(
      emulator,
      FINGERPRINTS.map((sql) => sql.replace(/ from (\w+)/, ' from GAME_MARKET.ANALYTICS.$1')),
    );
    for (const [index, sql] of FINGERPRINTS.entries()) {
      expect(numbers(inSnowflake[index]!), sql).toEqual(numbers(await query(warehouse, sql)));
    }
    const [games] = await query(warehouse, 'select count(*) as n from dim_games');
    expect(Number(games!.n)).toBe(SANDBOX.games);
  });
});
