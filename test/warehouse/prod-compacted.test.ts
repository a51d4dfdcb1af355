import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { cleanEnv } from '../support/gmp.js';
import { loadRawTables, querySnowflake, startFakesnow, type SnowflakeEmulator } from './support/fakesnow.js';
import { API_KEY, comparableRows, gmpOk, ingestSandbox, MARTS, SANDBOX } from './support/warehouse.js';

const FROM_PAGES = 'GAME_MARKET_PAGES';
const FROM_PARTS = 'GAME_MARKET_PARTS';
const ENDPOINTS = ['GAMES', 'GENRES', 'PLATFORMS', 'PARENT_PLATFORMS', 'STORES', 'PUBLISHERS', 'DEVELOPERS', 'TAGS'];

describe('gmp transform --target prod over compacted partitions, against a Snowflake emulator (fakesnow; plain tables stand in for the external tables over raw/ and compact/)', () => {
  let sandbox: Sandbox;
  let emulator: SnowflakeEmulator;
  let workDir: string;
  let lakeDir: string;
  let env: Record<string, string>;

  const build = (database: string) =>
    gmpOk(['transform', '--target', 'prod', '--full-refresh'], {
      ...env,
      ...emulator.env,
      SNOWFLAKE_DATABASE: database,
      // fakesnow cannot create qualified temporary tables (see prod-incremental.test.ts).
      DBT_EXCLUDE_RESOURCE_TYPES: 'unit_test',
      DBT_SNOWFLAKE_TMP_RELATION_TYPE: 'transient',
    });

  beforeAll(async () => {
    sandbox = await startSandbox(SANDBOX);
    emulator = await startFakesnow();
    workDir = mkdtempSync(join(tmpdir(), 'gmp-prod-compacted-'));
    lakeDir = join(workDir, 'lake');
    env = cleanEnv({ LAKE_URL: `file://${lakeDir}`, RAWG_API_KEY: API_KEY, RAWG_BASE_URL: sandbox.url });
    await ingestSandbox(env);
    await loadRawTables({ ...emulator, env: { ...emulator.env, SNOWFLAKE_DATABASE: FROM_PAGES } }, lakeDir);
    await build(FROM_PAGES);
    await gmpOk(['compact'], env);
    await loadRawTables({ ...emulator, env: { ...emulator.env, SNOWFLAKE_DATABASE: FROM_PARTS } }, lakeDir);
    // Every partition is compacted: with the raw tables emptied, a build that read them would lose every row.
    await querySnowflake(
      emulator,
      ENDPOINTS.map((table) => `delete from ${FROM_PARTS}.RAW.${table}`),
    );
    await build(FROM_PARTS);
  }, 1_800_000);

  afterAll(async () => {
    await sandbox?.close();
    await emulator?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('reads compacted partitions from RAW.<ENDPOINT>_COMPACT and gives the same rows in every mart as the build from the pages', async () => {
    const statements = (database: string) => MARTS.map((table) => `select * from ${database}.ANALYTICS.${table}`);
    const fromPages = await querySnowflake(emulator, statements(FROM_PAGES));
    const fromParts = await querySnowflake(emulator, statements(FROM_PARTS));
    expect(fromParts[0]!.length).toBeGreaterThan(0);
    for (const [index, table] of MARTS.entries())
      expect(comparableRows(fromParts[index]!), table).toEqual(comparableRows(fromPages[index]!));
  });
});
