import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEndpoints } from '../../src/config/load.js';
import { cleanEnv } from '../support/gmp.js';
import { EXPECTED_GAMES, writeFirstStep, writeSecondStep } from './support/deletions-lake.js';
import { loadRawTables, querySnowflake, startFakesnow, type SnowflakeEmulator } from './support/fakesnow.js';
import { comparableRows, gmpOk, INCREMENTAL_INTERMEDIATES, MARTS } from './support/warehouse.js';

const INCREMENTAL_DB = 'GAME_MARKET';
const REFRESHED_DB = 'GAME_MARKET_FULL';
const TABLES = [...MARTS, 'fct_game_versions', ...INCREMENTAL_INTERMEDIATES];

describe('deleted games on --target prod, against a Snowflake emulator (fakesnow; raw tables stand in for the external tables)', () => {
  let emulator: SnowflakeEmulator;
  let workDir: string;
  let lakeDir: string;

  /** Reloads the stand-in raw tables of `database` from the lake, then builds it. */
  async function build(database: string, args: string[] = []): Promise<void> {
    const dbEnv = { ...emulator.env, SNOWFLAKE_DATABASE: database };
    await loadRawTables({ ...emulator, env: dbEnv }, lakeDir);
    // fakesnow cannot create qualified temporary tables (docs/testing.md, known limits).
    await gmpOk(['transform', '--target', 'prod', ...args], {
      ...cleanEnv({ LAKE_URL: `file://${lakeDir}` }),
      ...dbEnv,
      DBT_EXCLUDE_RESOURCE_TYPES: 'unit_test',
      DBT_SNOWFLAKE_TMP_RELATION_TYPE: 'transient',
    });
  }

  beforeAll(async () => {
    emulator = await startFakesnow();
    workDir = mkdtempSync(join(tmpdir(), 'gmp-prod-deletions-'));
    lakeDir = join(workDir, 'lake');
    writeFirstStep(lakeDir);
    // Snowflake has an external table per endpoint whether or not the lake holds its pages yet.
    for (const { name } of loadEndpoints().endpoints) mkdirSync(join(lakeDir, 'raw', name), { recursive: true });
    await build(INCREMENTAL_DB);
    writeSecondStep(lakeDir);
    await build(INCREMENTAL_DB);
    await build(REFRESHED_DB, ['--full-refresh']);
  }, 1_800_000);

  afterAll(async () => {
    await emulator?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('marks deleted the games the newer complete snapshot proves gone, and counts live games only, incrementally as in full', async () => {
    const [games, releases] = await querySnowflake(emulator, [
      `select game_id, is_deleted, to_varchar(last_seen_on) as last_seen_on from ${INCREMENTAL_DB}.ANALYTICS.dim_games order by game_id`,
      `select releases from ${INCREMENTAL_DB}.ANALYTICS.mart_genre_releases_by_year where release_year = 2020`,
    ]);
    const lower = (rows: Record<string, unknown>[]) =>
      rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key.toLowerCase(), value])));
    expect(lower(games!)).toEqual(
      EXPECTED_GAMES.map(([game_id, is_deleted, last_seen_on]) => ({ game_id, is_deleted, last_seen_on })),
    );
    expect(lower(releases!)).toEqual([{ releases: EXPECTED_GAMES.filter(([, deleted]) => !deleted).length }]);

    const statements = (database: string) => TABLES.map((table) => `select * from ${database}.ANALYTICS.${table}`);
    const incremental = await querySnowflake(emulator, statements(INCREMENTAL_DB));
    const refreshed = await querySnowflake(emulator, statements(REFRESHED_DB));
    for (const [index, table] of TABLES.entries()) {
      expect(comparableRows(incremental[index]!), table).toEqual(comparableRows(refreshed[index]!));
    }
  });
});
