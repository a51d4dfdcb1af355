import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { cleanEnv, jsonLines, runGmp } from '../support/gmp.js';
import { API_KEY, gmpOk, SANDBOX, SNAPSHOT_DATE } from './support/warehouse.js';

/** The next day's snapshot: read after the API changed its items. */
const NEXT_DATE = '2024-06-02';

/**
 * The API changes the shape of its items between two runs: a field added, one the staging models
 * read dropped, one retyped. Real sandbox over HTTP, local lake, real dbt and DuckDB.
 */
describe('schema drift: a run reports the item fields the API added, dropped and retyped (sandbox, local lake, dbt)', () => {
  let sandbox: Sandbox;
  let workDir: string;
  let env: Record<string, string>;
  let firstRun: Record<string, unknown>[];

  const lakeStatus = async () =>
    JSON.parse((await gmpOk(['lake', 'status', '--json'], env)).stdout) as { itemSchemas: Record<string, unknown>[] };

  beforeAll(async () => {
    sandbox = await startSandbox(SANDBOX);
    workDir = mkdtempSync(join(tmpdir(), 'gmp-drift-'));
    env = cleanEnv({
      LAKE_URL: `file://${join(workDir, 'lake')}`,
      WAREHOUSE_PATH: join(workDir, 'game_market.duckdb'),
      RAWG_API_KEY: API_KEY,
      RAWG_BASE_URL: sandbox.url,
    });
    firstRun = jsonLines(
      (await gmpOk(['ingest', '--all', '--mode', 'snapshot', '--date', SNAPSHOT_DATE, '--json'], env)).stdout,
    );
  }, 120_000);

  afterAll(async () => {
    await sandbox?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("a first run records each endpoint's item fields and reports no drift", async () => {
    expect(firstRun.at(-1)).toMatchObject({ totals: true, complete: true });
    expect(firstRun.some((line) => 'schemaDrift' in line)).toBe(false);
    const status = await lakeStatus();
    expect(status.itemSchemas.map((shape) => shape.endpoint).sort()).toEqual([
      'developers',
      'games',
      'genres',
      'parent_platforms',
      'platforms',
      'publishers',
      'stores',
      'tags',
    ]);
    expect(
      status.itemSchemas.every((shape) => !('lastChange' in shape) && (shape.gone as unknown[]).length === 0),
    ).toBe(true);
    expect((await gmpOk(['lake', 'status'], env)).stdout).toContain(
      'item fields unchanged since first recorded (8 listing shapes)',
    );
  });

  it('a new field, a vanished one and a retyped one are in the run summary and lake status; the build fails naming the vanished field staging reads', async () => {
    sandbox.control({
      addFields: ['games:franchise'],
      dropFields: ['games:released'],
      retypeFields: ['games:saturated_color'],
    });
    const drift = {
      endpoint: 'games',
      filter: 'none',
      added: ['franchise'],
      removed: ['released'],
      retyped: [{ field: 'saturated_color', from: ['string'], to: ['number'] }],
    };

    const json = jsonLines(
      (await gmpOk(['ingest', '--endpoint', 'games', '--mode', 'snapshot', '--date', NEXT_DATE, '--json'], env)).stdout,
    );
    expect(json.at(-1)).toMatchObject({ totals: true, partitions: 1, schemaDrift: [drift] });
    const runs = JSON.parse((await gmpOk(['lake', 'status', '--json'], env)).stdout).runs as Record<string, unknown>[];
    expect(runs.at(-1)).toMatchObject({ schemaDrift: [drift] });

    // Seen once, reported once: the same shape read again is no news.
    const human = await gmpOk(['ingest', '--endpoint', 'tags', '--mode', 'snapshot', '--date', NEXT_DATE], env);
    expect(human.stdout).not.toContain('item fields changed');

    const status = await lakeStatus();
    expect(status.itemSchemas.find((shape) => shape.endpoint === 'games')).toMatchObject({
      lastChange: { added: ['franchise'], removed: ['released'], retyped: drift.retyped },
      gone: [{ field: 'released' }],
    });
    const statusText = (await gmpOk(['lake', 'status'], env)).stdout;
    expect(statusText).toMatch(
      /^games: item fields changed on \d{4}-\d{2}-\d{2}: \+franchise, -released, ~saturated_color string→number; gone from its items: released \(since /m,
    );

    // The human summary names a change too: one more field, on another day's snapshot.
    sandbox.control({ addFields: ['games:franchise', 'games:edition'] });
    const more = await gmpOk(['ingest', '--endpoint', 'games', '--mode', 'snapshot', '--date', '2024-05-31'], env);
    expect(more.stdout).toContain('\ngames: item fields changed: +edition\n');

    const built = await runGmp(['transform'], env);
    expect(built.code, built.stderr).toBe(1);
    const lines = built.stderr.split('\n').filter((line) => line.includes('games.released'));
    expect(lines).toHaveLength(2); // the verdict's line, then the exit's
    expect(lines[0]).toMatch(
      /item fields the models read are gone from the API's items: games\.released \(read by stg_games, gone since \d{4}-\d{2}-\d{2}\)/,
    );
    expect(built.stderr).toMatch(/schema drift: games: item fields changed on/);
    // Only the field staging reads fails it: the retyped colour is reported, not failed.
    expect(built.stderr).not.toMatch(/gone from the API's items: .*saturated_color/);

    const report = join(workDir, 'report.html');
    await gmpOk(['report', '--out', report], env);
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('data-vanished-field="games.released"');
    expect(html).toMatch(
      /<li data-drift="games\/none">games: item fields changed on [^<]*: \+edition; gone from its items: released \(since /,
    );
  }, 600_000);
});
