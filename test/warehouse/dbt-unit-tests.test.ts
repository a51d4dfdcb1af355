import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { repoRoot } from '../../src/paths.js';
import { duckdbExtensionDir } from '../../src/transform/settings.js';
import { venvDbt } from '../../src/transform/venv.js';
import { cleanEnv } from '../support/gmp.js';
import { API_KEY, dbtDir, gmpOk, ingestSandbox, SANDBOX } from './support/warehouse.js';

/** Every unit test the dbt project declares, by name, from its YAML files. */
function declaredUnitTests(): string[] {
  const names: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.yml')) {
        const doc = parse(readFileSync(path, 'utf8')) as { unit_tests?: { name: string }[] } | null;
        for (const test of doc?.unit_tests ?? []) names.push(test.name);
      }
    }
  };
  walk(join(dbtDir, 'models'));
  return names.sort((a, b) => a.localeCompare(b));
}

describe("the dbt project's unit tests, which gmp transform leaves out of its builds (real dbt, DuckDB)", () => {
  let sandbox: Sandbox;
  let workDir: string;
  let warehouse: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    sandbox = await startSandbox(SANDBOX);
    workDir = mkdtempSync(join(tmpdir(), 'gmp-dbt-unit-'));
    warehouse = join(workDir, 'game_market.duckdb');
    env = cleanEnv({
      LAKE_URL: `file://${join(workDir, 'lake')}`,
      WAREHOUSE_PATH: warehouse,
      RAWG_API_KEY: API_KEY,
      RAWG_BASE_URL: sandbox.url,
    });
    await ingestSandbox(env);
    await gmpOk(['transform'], env);
  }, 600_000);

  afterAll(async () => {
    await sandbox?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('a build runs none of them', () => {
    const results = JSON.parse(readFileSync(join(workDir, 'game_market.dbt-target', 'run_results.json'), 'utf8')) as {
      results: { unique_id: string }[];
    };
    expect(results.results.length).toBeGreaterThan(100);
    expect(results.results.filter((result) => result.unique_id.startsWith('unit_test.'))).toEqual([]);
  });

  it('all pass against the warehouse the build made, every declared one', () => {
    const targetPath = join(workDir, 'unit-target');
    const run = spawnSync(
      venvDbt,
      [
        'test',
        '--select',
        'test_type:unit',
        '--project-dir',
        dbtDir,
        '--profiles-dir',
        dbtDir,
        '--target',
        'dev',
        '--target-path',
        targetPath,
      ],
      { cwd: repoRoot, env: { ...env, DUCKDB_EXTENSION_DIRECTORY: duckdbExtensionDir }, encoding: 'utf8' },
    );
    expect(run.status, run.stdout.slice(-3000)).toBe(0);
    const results = JSON.parse(readFileSync(join(targetPath, 'run_results.json'), 'utf8')) as {
      results: { unique_id: string; status: string }[];
    };
    const ran = results.results
      .map(({ unique_id: id, status }) => [id.split('.').at(-1)!, status])
      .sort(([a], [b]) => a!.localeCompare(b!));
    const declared = declaredUnitTests();
    expect(declared.length).toBeGreaterThan(8);
    expect(ran).toEqual(declared.map((name) => [name, 'pass']));
  }, 300_000);
});
