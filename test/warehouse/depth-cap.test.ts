import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { cleanEnv, jsonLines } from '../support/gmp.js';
import { API_KEY, count, gmpOk, query } from './support/warehouse.js';

const GAMES = 100_000;
const MAX_RESULTS = 10_000;

describe(`a ${GAMES}-game catalogue behind a ${MAX_RESULTS}-result depth cap`, () => {
  const workDir = mkdtempSync(join(tmpdir(), 'gmp-depth-cap-'));
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ games: GAMES, seed: 5, maxResults: MAX_RESULTS });
  });
  afterAll(async () => {
    await sandbox?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('gmp ingest --mode snapshot, then gmp transform: every game in dim_games, each once', async () => {
    const env = cleanEnv({
      RAWG_API_KEY: API_KEY,
      RAWG_BASE_URL: sandbox.url,
      LAKE_URL: `file://${join(workDir, 'lake')}`,
      WAREHOUSE_PATH: join(workDir, 'warehouse.duckdb'),
    });
    const ingest = await gmpOk(['ingest', '--endpoint', 'games', '--mode', 'snapshot', '--json'], env);
    const [summary] = jsonLines(ingest.stdout);
    expect(summary).toMatchObject({ complete: true });
    // Windows cost their probes and partial last pages, not a second pass over the catalogue.
    expect(summary!.apiRequests).toBeLessThanOrEqual(Math.ceil((GAMES / 40) * 1.1));
    expect(sandbox.stats().byStatus['404'] ?? 0).toBe(0);

    await gmpOk(['ingest', '--all', '--mode', 'snapshot'], env);
    await gmpOk(['transform'], env);
    const warehouse = join(workDir, 'warehouse.duckdb');
    expect(await count(warehouse, 'dim_games')).toBe(GAMES);
    const [row] = await query(warehouse, 'select count(distinct game_id) as n from dim_games');
    expect(Number(row!.n)).toBe(GAMES);
  }, 600_000);
});
