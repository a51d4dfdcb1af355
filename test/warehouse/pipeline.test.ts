import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, cliPath, type GmpResult } from '../support/gmp.js';
import { count, filesState, MARTS } from './support/warehouse.js';

/** `gmp ARGS` run from `cwd`, so the embedded defaults (./.lake, ./.warehouse) land there. */
function gmpIn(cwd: string, args: string[], env: Record<string, string>): Promise<GmpResult> {
  const child = spawn(process.execPath, [cliPath, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

describe('gmp pipeline on a fresh lake with the embedded defaults (sandbox API, ./.lake, DuckDB file)', () => {
  const workDir = realpathSync(mkdtempSync(join(tmpdir(), 'gmp-pipeline-')));
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('ingests every endpoint, builds the warehouse, says where it is, and leaves every mart non-empty', async () => {
    const env = cleanEnv();
    delete env.WAREHOUSE_PATH;
    const result = await gmpIn(workDir, ['pipeline'], env);
    expect(result.code, result.stderr).toBe(0);
    const warehouse = join(workDir, '.warehouse', 'game_market.duckdb');
    expect(result.stdout).toContain(`Warehouse: ${warehouse}`);
    for (const table of MARTS) expect(await count(warehouse, table), table).toBeGreaterThan(0);
    expect(await count(warehouse, 'dim_games')).toBe(2000);
  }, 600_000);

  it('run again, with nothing new: no API request, no dbt, one line saying so, and the report written again', async () => {
    const env = cleanEnv();
    delete env.WAREHOUSE_PATH;
    const target = join(workDir, '.warehouse', 'game_market.dbt-target');
    const dbtFiles = filesState(target);
    const report = join(workDir, 'reports', 'market-report.html');
    rmSync(report);
    const result = await gmpIn(workDir, ['pipeline'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/: 0 API requests,/);
    const lines = result.stderr.split('\n').filter((line) => line.startsWith('{'));
    expect(lines.filter((line) => line.includes('"phase":"plan"'))).toEqual([
      expect.stringMatching(/"build":"none".*dbt not started/),
    ]);
    expect(lines.filter((line) => line.includes('"phase":"dbt"'))).toEqual([]);
    expect(filesState(target)).toEqual(dbtFiles);
    expect(existsSync(report)).toBe(true);
  }, 600_000);
});
