/**
 * A lake whose path holds a quote, brackets, braces, spaces and non-ASCII: ingest writes it, and
 * dbt reads every page of it (the path reaches DuckDB as a quoted, glob-escaped literal).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { cleanEnv, runGmp } from '../support/gmp.js';

const GAMES = 90;
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ games: GAMES, seed: 11 });
});
afterAll(() => sandbox?.close());

describe('a lake path that is not plain ASCII words', () => {
  it('ingests and builds the warehouse from every page', { timeout: 300_000 }, async () => {
    const parent = join(mkdtempSync(join(tmpdir(), 'gmp-path-')), 'x');
    const lakeDir = join(parent, "it's a [lake] {é}");
    const warehouse = join(parent, 'warehouse.duckdb');
    const env = cleanEnv({
      RAWG_API_KEY: 'feedface0123456789abcdeffeedface',
      RAWG_BASE_URL: sandbox.url,
      LAKE_URL: `file://${lakeDir}`,
      WAREHOUSE_PATH: warehouse,
    });

    const ingest = await runGmp(['ingest', '--all'], env);
    expect(ingest.code, ingest.stderr).toBe(0);
    const transform = await runGmp(['transform'], env);
    expect(transform.code, transform.stderr).toBe(0);

    const instance = await DuckDBInstance.create(warehouse, { access_mode: 'READ_ONLY' });
    const connection = await instance.connect();
    try {
      const [row] = (await connection.runAndReadAll('select count(*)::int as games from dim_games')).getRowObjects();
      expect(row!.games).toBe(GAMES);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('refuses, in one line before dbt starts, a lake path with a backslash (DuckDB cannot glob one)', async () => {
    const lakeDir = join(mkdtempSync(join(tmpdir(), 'gmp-path-')), 'back\\slash');
    const result = await runGmp(
      ['transform'],
      cleanEnv({ LAKE_URL: `file://${lakeDir}`, WAREHOUSE_PATH: join(lakeDir, '..', 'w.duckdb') }),
    );
    expect(result.code).toBe(2);
    expect(
      result.stderr
        .trim()
        .split('\n')
        .filter((line) => !line.startsWith('{')),
    ).toEqual([
      `gmp: LAKE_URL file://${lakeDir} has a backslash, which DuckDB cannot read in a path: move or link the lake to a path without one`,
    ]);
  });
});
