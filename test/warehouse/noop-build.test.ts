import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { cleanEnv, type GmpResult } from '../support/gmp.js';
import { copyProject, type ProjectCopy } from './support/project-copy.js';
import {
  API_KEY,
  comparableRows,
  filesState,
  gmpOk,
  ingestSandbox,
  INCREMENTAL_INTERMEDIATES,
  MARTS,
  query,
  SANDBOX,
} from './support/warehouse.js';

/** The models that read the tags listing, and the lake listing every build that moved it rebuilds. */
const TAGS_DEPENDANTS = ['base_tags', 'dim_tags', 'lake_partitions', 'stg_tags'];

interface Manifest {
  nodes: Record<string, { resource_type: string; name: string; depends_on?: { nodes?: string[] } }>;
}

/** The JSON events of stderr whose `phase` or `event` is `name`. */
function events(stderr: string, name: string): Record<string, unknown>[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.phase === name || line.event === name);
}

describe('a build with nothing new starts no dbt; new partitions of one endpoint build what depends on them (real dbt, DuckDB, sandbox)', () => {
  let sandbox: Sandbox;
  let workDir: string;
  let project: ProjectCopy;
  let warehouse: string;
  let target: string;
  let env: Record<string, string>;
  let first: GmpResult;

  /** `gmp transform ARGS` of the project copy, which must exit 0. */
  async function transform(args: string[] = []): Promise<GmpResult> {
    const result = await project.gmp(['transform', ...args], env);
    expect(result.code, result.stderr.split('\n').slice(-5).join('\n')).toBe(0);
    return result;
  }
  const record = () => JSON.parse(readFileSync(`${warehouse}.lake.json`, 'utf8'));
  const runResults = () =>
    JSON.parse(readFileSync(join(target, 'run_results.json'), 'utf8')) as { results: { unique_id: string }[] };
  const modelsBuilt = () =>
    runResults()
      .results.map((result) => result.unique_id)
      .filter((id) => id.startsWith('model.'))
      .map((id) => id.split('.').at(-1)!)
      .sort();

  beforeAll(async () => {
    sandbox = await startSandbox(SANDBOX);
    workDir = mkdtempSync(join(tmpdir(), 'gmp-noop-'));
    project = copyProject(workDir);
    warehouse = join(workDir, 'game_market.duckdb');
    target = join(workDir, 'game_market.dbt-target');
    env = cleanEnv({
      LAKE_URL: `file://${join(workDir, 'lake')}`,
      WAREHOUSE_PATH: warehouse,
      RAWG_API_KEY: API_KEY,
      RAWG_BASE_URL: sandbox.url,
    });
    await ingestSandbox(env);
    first = await transform();
    expect(project.pythonStarts()).toBe(1);
  }, 600_000);

  afterAll(async () => {
    await sandbox?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('a second gmp transform starts no dbt, says so in one line, touches neither the warehouse nor dbt files, and gives the verdict at the new time', async () => {
    const built = record();
    const dbtFiles = filesState(target);
    const warehouseFile = statSync(warehouse).mtimeMs;

    const again = await transform();

    expect(project.pythonStarts()).toBe(1);
    expect(filesState(target)).toEqual(dbtFiles);
    expect(statSync(warehouse).mtimeMs).toBe(warehouseFile);
    expect(events(again.stderr, 'plan')).toEqual([
      expect.objectContaining({
        build: 'none',
        msg: `nothing new since the build of ${built.builtAt} (same closed partitions, dbt project and config): dbt not started`,
      }),
    ]);
    expect(events(again.stderr, 'dbt')).toEqual([]);
    expect(again.stdout).toBe(`warehouse: ${warehouse}\n`);
    // The lake is dated 2024: every endpoint is as stale as the build found it, and said so again.
    const stale = (result: GmpResult) => events(result.stderr, 'stale').map(({ time: _time, ...event }) => event);
    expect(stale(again)).toEqual(stale(first));
    expect(stale(again).length).toBeGreaterThan(0);
    const now = record();
    expect(now.builtAt).toBe(built.builtAt);
    expect(Date.parse(now.verdict.checkedAt)).toBeGreaterThan(Date.parse(built.verdict.checkedAt));
    expect(now.verdict.freshness).toEqual(built.verdict.freshness);
  }, 120_000);

  it('a new tags partition builds only the models that read tags, runs every test on them, and the warehouse equals a full build of the lake', async () => {
    await gmpOk(['ingest', '--endpoint', 'tags', '--mode', 'snapshot', '--date', '2024-06-02'], env);
    const partial = await transform();

    expect(project.pythonStarts()).toBe(2);
    expect(events(partial.stderr, 'plan')).toEqual([
      expect.objectContaining({ build: 'some', msg: expect.stringMatching(/^new partitions of tags only: /) }),
    ]);
    expect(modelsBuilt()).toEqual(TAGS_DEPENDANTS);
    // The tests of what was built all ran (the bridge's relationship to dim_tags among them), and no other.
    const manifest = JSON.parse(readFileSync(join(target, 'manifest.json'), 'utf8')) as Manifest;
    const built = new Set(TAGS_DEPENDANTS.map((name) => `model.game_market.${name}`));
    const testsOfBuilt = Object.entries(manifest.nodes)
      .filter(([, node]) => node.resource_type === 'test' && (node.depends_on?.nodes ?? []).some((id) => built.has(id)))
      .map(([id]) => id)
      .sort();
    const testsRun = runResults()
      .results.map((result) => result.unique_id)
      .filter((id) => id.startsWith('test.'))
      .sort();
    expect(testsRun).toEqual(testsOfBuilt);
    expect(testsRun.some((id) => id.includes('relationships_bridge_game_tags_tag_id'))).toBe(true);
    expect(
      record().verdict.freshness.find((endpoint: { endpoint: string }) => endpoint.endpoint === 'tags'),
    ).toMatchObject({ newestDate: '2024-06-02' });

    // A warehouse built whole from the same lake holds the same rows.
    const whole = join(workDir, 'whole.duckdb');
    await transform(['--warehouse', whole]);
    for (const table of [
      ...MARTS,
      'fct_game_versions',
      ...INCREMENTAL_INTERMEDIATES,
      'base_tags',
      'stg_tags',
      'lake_partitions',
    ]) {
      expect(comparableRows(await query(warehouse, `select * from ${table}`)), table).toEqual(
        comparableRows(await query(whole, `select * from ${table}`)),
      );
    }
  }, 600_000);

  it('a changed model file builds every model again, then nothing; --full-refresh always builds', async () => {
    const starts = project.pythonStarts();
    appendFileSync(join(project.dbtDir, 'models', 'marts', 'mart_store_coverage.sql'), '-- an edit\n');
    const changed = await transform();
    expect(project.pythonStarts()).toBe(starts + 1);
    expect(events(changed.stderr, 'plan')).toEqual([expect.objectContaining({ build: 'all' })]);
    expect(modelsBuilt()).toEqual(
      expect.arrayContaining(['base_games', 'dim_games', 'mart_store_coverage', 'lake_partitions']),
    );

    await transform();
    expect(project.pythonStarts()).toBe(starts + 1);

    const refreshed = await transform(['--full-refresh']);
    expect(project.pythonStarts()).toBe(starts + 2);
    expect(events(refreshed.stderr, 'dbt').length).toBeGreaterThan(0);
    expect(modelsBuilt()).toContain('base_games');
  }, 600_000);

  it('a warehouse file gone with its record left behind is built again', async () => {
    const starts = project.pythonStarts();
    const kept = join(workDir, 'kept.duckdb');
    copyFileSync(warehouse, kept);
    rmSync(warehouse);
    await transform();
    expect(project.pythonStarts()).toBe(starts + 1);
    expect(comparableRows(await query(warehouse, 'select * from dim_games'))).toEqual(
      comparableRows(await query(kept, 'select * from dim_games')),
    );
  }, 600_000);
});
