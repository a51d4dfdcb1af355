/** `gmp report` without a usable warehouse: one clear line, exit 1, and no page written. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { REPORT_MARTS } from '../../src/report/warehouse.js';
import { cleanEnv, runGmp } from '../support/gmp.js';

const work = mkdtempSync(join(tmpdir(), 'gmp-report-errors-'));
const env = cleanEnv({ LAKE_URL: `file://${join(work, 'lake')}` });

async function reportFails(warehouse: string, out = join(work, `report-${Math.random().toString(16).slice(2)}.html`)) {
  const result = await runGmp(['report', '--warehouse', warehouse, '--out', out], env);
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  return { line: lines[0]!, out };
}

async function duckdbFile(name: string, sql: string[]): Promise<string> {
  const path = join(work, name);
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  for (const statement of sql) await connection.run(statement);
  connection.closeSync();
  instance.closeSync();
  return path;
}

describe('gmp report without a usable warehouse', () => {
  it('a missing warehouse: says to run the pipeline first', async () => {
    const missing = join(work, 'nowhere', 'game_market.duckdb');
    const { line, out } = await reportFails(missing);
    expect(line).toBe(`gmp: no warehouse at ${missing}: run \`gmp pipeline\` (or \`gmp transform\`) first`);
    expect(existsSync(out)).toBe(false);
    // The report never creates the warehouse it looked for.
    expect(existsSync(missing)).toBe(false);
  });

  it('WAREHOUSE_PATH names the warehouse when --warehouse is not given', async () => {
    const missing = join(work, 'from-env.duckdb');
    const result = await runGmp(['report', '--out', join(work, 'env.html')], { ...env, WAREHOUSE_PATH: missing });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`gmp: no warehouse at ${missing}: run \`gmp pipeline\` (or \`gmp transform\`) first\n`);
  });

  it('an empty file: the same', async () => {
    const empty = join(work, 'empty.duckdb');
    writeFileSync(empty, '');
    expect((await reportFails(empty)).line).toBe(
      `gmp: no warehouse at ${empty}: run \`gmp pipeline\` (or \`gmp transform\`) first`,
    );
  });

  it('a file that is not a DuckDB database', async () => {
    const text = join(work, 'notes.duckdb');
    writeFileSync(text, 'these are not the marts you are looking for\n'.repeat(200));
    expect((await reportFails(text)).line).toMatch(
      new RegExp(`^gmp: no warehouse at ${text} \\(the file is not a DuckDB database\\): run \`gmp pipeline\``),
    );
  });

  it('a DuckDB database without marts', async () => {
    const bare = await duckdbFile('bare.duckdb', ['create table notes (id integer)']);
    expect((await reportFails(bare)).line).toBe(
      `gmp: no warehouse at ${bare} (it holds no marts): run \`gmp pipeline\` (or \`gmp transform\`) first`,
    );
  });

  it('marts with no games: no empty page, and an earlier report stays as it was', async () => {
    const hollow = await duckdbFile(
      'hollow.duckdb',
      REPORT_MARTS.map((mart) => `create table main.${mart} (game_id integer)`),
    );
    const out = join(work, 'earlier.html');
    writeFileSync(out, '<p>the report of yesterday</p>');
    const { line } = await reportFails(hollow, out);
    expect(line).toBe(
      `gmp: the warehouse at ${hollow} holds no games: run \`gmp pipeline\` (or \`gmp transform\`) first`,
    );
    expect(readFileSync(out, 'utf8')).toBe('<p>the report of yesterday</p>');
  });

  it('some marts missing: names them', async () => {
    const partial = await duckdbFile('partial.duckdb', [
      'create table main.dim_games (game_id integer)',
      'create table main.fct_game_versions (game_id integer)',
    ]);
    const lacking = REPORT_MARTS.filter((mart) => mart !== 'dim_games' && mart !== 'fct_game_versions');
    expect(lacking).toContain('mart_top_companies');
    expect((await reportFails(partial)).line).toBe(
      `gmp: the warehouse at ${partial} lacks ${lacking.join(', ')}: run \`gmp transform\` to rebuild it`,
    );
  });

  it('a warehouse another process is writing: says so instead of waiting or failing obscurely', async () => {
    const busy = await duckdbFile('busy.duckdb', ['create table main.dim_games (game_id integer)']);
    const writer = await DuckDBInstance.create(busy);
    try {
      expect((await reportFails(busy)).line).toBe(
        `gmp: the warehouse at ${busy} is in use by another process (a dbt build?): run the report when it has finished`,
      );
    } finally {
      writer.closeSync();
    }
  });
});
