import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultEndpointsPath } from '../../src/paths.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { cleanEnv, runGmp } from '../support/gmp.js';
import { onePage, thinGame, writePage } from './support/pages.js';
import { API_KEY, comparableRows, dbtDir, gmpOk, ingestSandbox, MARTS, query, SANDBOX } from './support/warehouse.js';

/** Every row of a table, comparable across builds (comparableRows). */
async function rowsOf(warehouse: string, table: string): Promise<string[]> {
  return comparableRows(await query(warehouse, `select * from ${table}`));
}

/** What the last build of base_games read: raw page globs and compacted part globs, by partition folder. */
function readBy(warehouse: string): { pages: string[]; parts: string[] } {
  const compiled = readFileSync(
    join(warehouse.replace(/\.duckdb$/, '.dbt-target'), 'compiled', 'game_market', 'models', 'base', 'base_games.sql'),
    'utf8',
  );
  const folders = (pattern: RegExp) => [...compiled.matchAll(pattern)].map((match) => match[1]!).sort();
  return {
    pages: folders(/\/raw\/games\/(load=[^/]+\/date=[^/]+)\/\*\*\/page=\*\.json/g),
    parts: folders(/\/compact\/games\/(load=[^/]+\/date=[^/]+)\/part-\*\.parquet/g),
  };
}

function pageFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => /page=\d+\.json$/.test(path) && statSync(path).isFile());
}

describe('builds over compacted partitions (real sandbox, gmp compact, dbt-duckdb)', () => {
  let sandbox: Sandbox;
  let workDir: string;
  let lakeDir: string;
  let fromPages: string;
  let fromParts: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    sandbox = await startSandbox(SANDBOX);
    workDir = mkdtempSync(join(tmpdir(), 'gmp-compacted-'));
    lakeDir = join(workDir, 'lake');
    fromPages = join(workDir, 'pages.duckdb');
    fromParts = join(workDir, 'parts.duckdb');
    env = cleanEnv({
      LAKE_URL: `file://${lakeDir}`,
      WAREHOUSE_PATH: fromPages,
      RAWG_API_KEY: API_KEY,
      RAWG_BASE_URL: sandbox.url,
    });
    await ingestSandbox(env);
    await gmpOk(['transform'], env);
    await gmpOk(['compact', '--json'], env);
    await gmpOk(['transform', '--warehouse', fromParts, '--full-refresh'], env);
  }, 900_000);

  afterAll(async () => {
    await sandbox?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('reads the Parquet parts of compacted partitions, and gives the same rows in every mart as the build from the pages', async () => {
    expect(readBy(fromPages)).toEqual({
      pages: ['load=snapshot/date=2024-06-01', 'load=updated/date=2024-05-31'],
      parts: [],
    });
    expect(readBy(fromParts)).toEqual({
      pages: [],
      parts: ['load=snapshot/date=2024-06-01', 'load=updated/date=2024-05-31'],
    });
    for (const table of [...MARTS, 'base_games', 'base_tags', 'stg_games']) {
      const rows = await rowsOf(fromParts, table);
      expect(rows.length, table).toBeGreaterThan(0);
      expect(rows, table).toEqual(await rowsOf(fromPages, table));
    }
  }, 300_000);

  it('never opens the raw pages of a compacted partition: with them made invalid, incremental and full builds succeed', async () => {
    for (const path of pageFiles(join(lakeDir, 'raw'))) writeFileSync(path, 'not json');
    const edit = thinGame({
      id: 9_000_001,
      name: 'Edited Later',
      released: '2023-03-03',
      updated: '2024-06-02T10:00:00',
      rating: 4.5,
      ratingsCount: 50,
      added: 5_000,
      metacritic: 70,
      genres: [],
      platforms: [],
    });
    writePage(lakeDir, { endpoint: 'games', load: 'updated', date: '2024-06-02', complete: true }, onePage([edit]));

    await gmpOk(['transform', '--warehouse', fromParts], env);
    expect(readBy(fromParts)).toEqual({ pages: ['load=updated/date=2024-06-02'], parts: [] });
    const refreshed = join(workDir, 'refreshed.duckdb');
    copyFileSync(fromParts, refreshed);
    await gmpOk(['transform', '--warehouse', refreshed, '--full-refresh'], env);
    expect(readBy(refreshed)).toEqual({
      pages: ['load=updated/date=2024-06-02'],
      parts: ['load=snapshot/date=2024-06-01', 'load=updated/date=2024-05-31'],
    });
    for (const warehouse of [fromParts, refreshed]) {
      expect(await query(warehouse, 'select game_name from dim_games where game_id = 9000001')).toEqual([
        { game_name: 'Edited Later' },
      ]);
    }
    expect(await rowsOf(refreshed, 'dim_games')).toEqual(await rowsOf(fromParts, 'dim_games'));
  }, 300_000);

  it('writes nothing tracked: generated dbt files that are stale stop the build, untouched, naming gmp generate', async () => {
    const generated = join(dbtDir, 'models', 'base');
    const before = readdirSync(generated).map((name) => [name, readFileSync(join(generated, name), 'utf8')]);
    const config = JSON.parse(readFileSync(defaultEndpointsPath, 'utf8')) as { endpoints: unknown[]; $schema?: string };
    config.endpoints.push({ name: 'creators', path: 'creators' });
    delete config.$schema;
    const endpointsPath = join(workDir, 'endpoints.json');
    writeFileSync(endpointsPath, JSON.stringify(config));
    const result = await runGmp(['transform'], { ...env, GMP_ENDPOINTS: endpointsPath });
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(
      /^gmp: generated files are stale \(.*dbt\/models\/base\/base_creators\.sql.*\): run gmp generate, then gmp transform$/,
    );
    expect(readdirSync(generated).map((name) => [name, readFileSync(join(generated, name), 'utf8')])).toEqual(before);
  }, 120_000);
});
