import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { cleanEnv } from '../support/gmp.js';
import { loadRawTables, querySnowflake, startFakesnow, type SnowflakeEmulator } from './support/fakesnow.js';
import { onePage, thinGame, writePage } from './support/pages.js';
import {
  API_KEY,
  comparableRows,
  gmpOk,
  INCREMENTAL_INTERMEDIATES,
  MARTS,
  SANDBOX,
  SNAPSHOT_DATE,
} from './support/warehouse.js';

const INCREMENTAL_DB = 'GAME_MARKET';
const REFRESHED_DB = 'GAME_MARKET_FULL';
const LATE_SNAPSHOT_DATE = '2024-05-29';
/** The marts, the game history (whose chains the late snapshot must extend from the front), and the incremental intermediate models. */
const TABLES = [...MARTS, 'fct_game_versions', ...INCREMENTAL_INTERMEDIATES];

describe('gmp transform --target prod, incremental, against a Snowflake emulator (fakesnow; raw tables stand in for the external tables)', () => {
  let sandbox: Sandbox;
  let emulator: SnowflakeEmulator;
  let workDir: string;
  let lakeDir: string;
  let env: Record<string, string>;

  /** Reloads the stand-in raw tables of `database` from the lake, then builds it. */
  async function build(database: string, args: string[] = []): Promise<void> {
    const dbEnv = { ...emulator.env, SNOWFLAKE_DATABASE: database };
    await loadRawTables({ ...emulator, env: dbEnv }, lakeDir);
    // fakesnow cannot create qualified temporary tables (docs/testing.md, known limits): no unit tests, and
    // incremental builds stage their rows in transient tables.
    await gmpOk(['transform', '--target', 'prod', ...args], {
      ...env,
      ...dbEnv,
      DBT_EXCLUDE_RESOURCE_TYPES: 'unit_test',
      DBT_SNOWFLAKE_TMP_RELATION_TYPE: 'transient',
    });
  }

  beforeAll(async () => {
    sandbox = await startSandbox(SANDBOX);
    emulator = await startFakesnow();
    workDir = mkdtempSync(join(tmpdir(), 'gmp-prod-incremental-'));
    lakeDir = join(workDir, 'lake');
    env = cleanEnv({ LAKE_URL: `file://${lakeDir}`, RAWG_API_KEY: API_KEY, RAWG_BASE_URL: sandbox.url });
    await gmpOk(['ingest', '--all', '--mode', 'snapshot', '--date', SNAPSHOT_DATE], env);
    await gmpOk(['ingest', '--endpoint', 'games', '--mode', 'updated', '--date', '2024-05-31'], env);
    await build(INCREMENTAL_DB);
    // The lake grows by an updated partition that edits a game; the external tables would see it at once.
    const edit = thinGame({
      id: 9_000_001,
      name: 'Edited Later',
      released: '2023-03-03',
      updated: '2024-06-02T10:00:00',
      rating: 4.5,
      ratingsCount: 50,
      added: 5_000,
      metacritic: 70,
      genres: [{ id: 4, name: 'Action', slug: 'action' }],
      platforms: [{ id: 4, name: 'PC', slug: 'pc' }],
    });
    writePage(lakeDir, { endpoint: 'games', load: 'updated', date: '2024-06-02', complete: true }, onePage([edit]));
    await build(INCREMENTAL_DB);
    // A backfill snapshot dated before all of it closes late, with the smaller counts of its day.
    const earlier = await startSandbox({ ...SANDBOX, today: LATE_SNAPSHOT_DATE });
    try {
      await gmpOk(['ingest', '--endpoint', 'games', '--mode', 'snapshot', '--date', LATE_SNAPSHOT_DATE], {
        ...env,
        RAWG_BASE_URL: earlier.url,
      });
    } finally {
      await earlier.close();
    }
    await build(INCREMENTAL_DB);
    await build(REFRESHED_DB, ['--full-refresh']);
  }, 1_800_000);

  afterAll(async () => {
    await sandbox?.close();
    await emulator?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('gives the same rows in every mart as a full-refresh build of the same lake', async () => {
    const statements = (database: string) => TABLES.map((table) => `select * from ${database}.ANALYTICS.${table}`);
    const incremental = await querySnowflake(emulator, statements(INCREMENTAL_DB));
    const refreshed = await querySnowflake(emulator, statements(REFRESHED_DB));
    for (const [index, table] of TABLES.entries()) {
      expect(comparableRows(incremental[index]!), table).toEqual(comparableRows(refreshed[index]!));
    }
    const [games] = await querySnowflake(emulator, [
      `select game_name from ${INCREMENTAL_DB}.ANALYTICS.dim_games where game_id = 9000001`,
    ]);
    expect(games).toEqual([{ game_name: 'Edited Later' }]);
    const [firsts] = await querySnowflake(emulator, [
      `select count(*) as games from ${INCREMENTAL_DB}.ANALYTICS.fct_game_versions where version_number = 1 and first_seen_date = '${LATE_SNAPSHOT_DATE}'`,
    ]);
    expect(firsts).toEqual([{ games: SANDBOX.games }]);
  });
});
