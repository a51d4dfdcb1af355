import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { cleanEnv, type GmpResult } from '../support/gmp.js';
import { copyProject, type ProjectCopy } from './support/project-copy.js';
import { API_KEY, gmpOk, ingestSandbox, SANDBOX } from './support/warehouse.js';

interface RunResult {
  unique_id: string;
  status: string;
  compiled_code?: string;
}

/** A test's compiled SQL reads only this build's rows when it filters on the model's load stamp from the build's start. */
const NEW_ROWS_ONLY = /(last_)?loaded_at >= cast\('\d{4}-\d{2}-\d{2} [\d:.]+' as timestamp\)/;

describe('a build of new partitions tests the rows it wrote (real dbt, DuckDB, sandbox)', () => {
  let sandbox: Sandbox;
  let workDir: string;
  let project: ProjectCopy;
  let warehouse: string;
  let lake: string;
  let env: Record<string, string>;

  async function transform(args: string[] = []): Promise<GmpResult> {
    const result = await project.gmp(['transform', ...args], env);
    expect(result.code, result.stderr.split('\n').slice(-5).join('\n')).toBe(0);
    return result;
  }
  const record = () =>
    JSON.parse(readFileSync(`${warehouse}.lake.json`, 'utf8')) as { verdict: { failedTests: string[] } };
  const testsRun = () =>
    (
      JSON.parse(
        readFileSync(join(`${warehouse.replace(/\.duckdb$/, '')}.dbt-target`, 'run_results.json'), 'utf8'),
      ) as { results: RunResult[] }
    ).results.filter((result) => result.unique_id.startsWith('test.'));
  const testOf = (results: RunResult[], prefix: string) =>
    results.find((result) => result.unique_id.startsWith(`test.game_market.${prefix}`));

  beforeAll(async () => {
    sandbox = await startSandbox(SANDBOX);
    workDir = mkdtempSync(join(tmpdir(), 'gmp-new-rows-'));
    project = copyProject(workDir);
    warehouse = join(workDir, 'game_market.duckdb');
    lake = join(workDir, 'lake');
    env = cleanEnv({
      LAKE_URL: `file://${lake}`,
      WAREHOUSE_PATH: warehouse,
      RAWG_API_KEY: API_KEY,
      RAWG_BASE_URL: sandbox.url,
    });
    await ingestSandbox(env);
    await transform();
  }, 600_000);

  afterAll(async () => {
    await sandbox?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('a full build tests every row; a new games day limits the row tests of incremental models to its rows and keeps the others whole', async () => {
    const full = testsRun();
    expect(full.filter((test) => NEW_ROWS_ONLY.test(test.compiled_code ?? ''))).toEqual([]);

    await gmpOk(['ingest', '--endpoint', 'games', '--mode', 'updated', '--date', '2024-05-30'], env);
    await transform();
    const partial = testsRun();
    expect(partial.every((test) => test.status === 'pass')).toBe(true);
    // Row by row: new rows only, on the models that stamp their loads.
    for (const test of [
      'not_null_stg_games_game_id',
      'accepted_range_stg_games_rating',
      'not_null_dim_games_game_id',
      'relationships_fct_game_versions_game_id',
    ]) {
      expect(testOf(partial, test)?.compiled_code, test).toMatch(NEW_ROWS_ONLY);
    }
    // Across rows, or on models rebuilt whole: the whole model.
    for (const test of [
      'unique_dim_games_game_id',
      'has_rows_stg_games',
      'not_null_mart_top_rated_games_game_id',
      'not_null_base_games_partition_date',
    ]) {
      expect(testOf(partial, test), test).toBeDefined();
      expect(testOf(partial, test)?.compiled_code, test).not.toMatch(NEW_ROWS_ONLY);
    }
  }, 600_000);

  it('a bad row in a new partition still fails its test, and the next build tests every row again', async () => {
    // A day of games whose one item rates 7 of 5, sealed as the ingest seals a partition.
    const from = join(lake, 'raw/games/load=updated/date=2024-05-31');
    const page = JSON.parse(
      readFileSync(
        join(
          from,
          readdirSync(from).find((name) => name.startsWith('page='))!,
        ),
        'utf8',
      ),
    ) as { results: { rating: number }[] };
    expect(page.results.length).toBeGreaterThan(0);
    const bad = { ...page, count: 1, next: null, previous: null, results: [{ ...page.results[0]!, rating: 7 }] };
    const day = '2024-05-29';
    const dir = join(lake, `raw/games/load=updated/date=${day}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'page=00001.json'), JSON.stringify(bad));
    const manifest = {
      endpoint: 'games',
      path: 'games',
      load: 'updated',
      date: day,
      params: { updated: `${day},${day}` },
      pageSize: 40,
      count: 1,
      pages: 1,
    };
    writeFileSync(join(dir, '_manifest.json'), JSON.stringify({ ...manifest, createdAt: new Date().toISOString() }));
    writeFileSync(
      join(dir, '_SUCCESS'),
      JSON.stringify({ pages: 1, count: 1, runId: '20240530T000000Z-0badc0', completedAt: new Date().toISOString() }),
    );

    const failed = await project.gmp(['transform'], env);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/dbt tests failed: accepted_range_stg_games_rating/);
    expect(testOf(testsRun(), 'accepted_range_stg_games_rating')?.compiled_code).toMatch(NEW_ROWS_ONLY);
    expect(record().verdict.failedTests).toEqual([expect.stringMatching(/^accepted_range_stg_games_rating/)]);

    // A build whose tests failed is built whole next time, with every test on every row.
    expect((await project.gmp(['transform'], env)).code).not.toBe(0);
    const whole = testsRun();
    expect(whole.filter((test) => NEW_ROWS_ONLY.test(test.compiled_code ?? ''))).toEqual([]);
    expect(record().verdict.failedTests).toEqual([expect.stringMatching(/^accepted_range_stg_games_rating/)]);
  }, 600_000);
});
