import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { venvDbt } from '../../src/transform/venv.js';
import { cleanEnv, runGmp } from '../support/gmp.js';
import { freshLake } from '../support/lakes.js';
import { startS3Server, type S3Server } from '../support/s3-server.js';
import { runLines } from '../../src/transform/process.js';
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
} from './support/warehouse.js';

describe('gmp transform --target dev on an S3 lake (versitygw), read by DuckDB through httpfs', () => {
  let s3: S3Server;
  let sandbox: Sandbox;
  let workDir: string;
  let warehouse: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    s3 = await startS3Server();
    sandbox = await startSandbox(SANDBOX);
    workDir = mkdtempSync(join(tmpdir(), 'gmp-warehouse-s3-'));
    warehouse = join(workDir, 'game_market.duckdb');
    const lake = await freshLake('s3', s3);
    env = cleanEnv({ ...lake.env, WAREHOUSE_PATH: warehouse, RAWG_API_KEY: API_KEY, RAWG_BASE_URL: sandbox.url });
    await ingestSandbox(env);
    await gmpOk(['transform', '--target', 'dev'], env);
  }, 600_000);

  afterAll(async () => {
    await sandbox?.close();
    await s3?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('builds every mart from the objects in the bucket', async () => {
    for (const table of MARTS) expect(await count(warehouse, table), table).toBeGreaterThan(0);
    expect(await count(warehouse, 'dim_games')).toBe(SANDBOX.games);
    const [game] = await sandboxGames(sandbox, 4);
    const genres = await query(warehouse, `select genre_id from bridge_game_genres where game_id = ${game!.id}`);
    expect(sortedIds(genres.map((r) => Number(r.genre_id)))).toEqual(sortedIds(game!.genres.map((g) => g.id)));
  });

  it('keeps the S3 credentials out of the compiled SQL, the logs and the warehouse file', () => {
    for (const secret of [s3.secretAccessKey, API_KEY]) {
      expect(filesContaining(join(dbtDir, 'target'), secret)).toEqual([]);
      expect(filesContaining(join(dbtDir, 'logs'), secret)).toEqual([]);
      expect(filesContaining(workDir, secret)).toEqual([]);
    }
  });

  it('fails with one line, naming no secret, when the credentials are wrong', async () => {
    const result = await runGmp(['transform'], { ...env, AWS_SECRET_ACCESS_KEY: 'wrong-secret-for-the-test' });
    expect(result.code).toBe(1);
    const lastLine = result.stderr.trim().split('\n').at(-1)!;
    // The lake is listed for its complete partitions before dbt starts: the listing is refused first.
    expect(lastLine).toMatch(
      /^gmp: object store s3:\/\/[a-z0-9-]+\/\S* at http:\/\/127\.0\.0\.1:\d+ refused the request \(SignatureDoesNotMatch\): check the bucket and the AWS credentials$/,
    );
    expect(result.stderr).not.toContain('wrong-secret-for-the-test');
    expect(result.stderr).not.toContain(s3.secretAccessKey);
  }, 300_000);

  it('fails instead of downloading when the httpfs extension is not installed', async () => {
    // dbt straight from the venv, with an empty extension folder: DuckDB may not fetch httpfs.
    const emptyExtensions = mkdtempSync(join(tmpdir(), 'gmp-no-extensions-'));
    const result = await runLines(
      venvDbt,
      ['run', '--project-dir', dbtDir, '--profiles-dir', dbtDir, '--select', 'base_genres'],
      {
        env: {
          ...env,
          DUCKDB_EXTENSION_DIRECTORY: emptyExtensions,
          WAREHOUSE_PATH: join(workDir, 'no-httpfs.duckdb'),
          DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
        },
      },
    );
    rmSync(emptyExtensions, { recursive: true, force: true });
    expect(result.exitCode).not.toBe(0);
    expect(result.tail.join('\n')).toMatch(/httpfs/);
    expect(result.tail.join('\n')).not.toMatch(/extensions\.duckdb\.org/);
  }, 120_000);
});
