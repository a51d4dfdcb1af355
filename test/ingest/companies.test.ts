/**
 * A game's companies within a small budget, on the real sandbox over HTTP and a local lake, with
 * the real CLI: after the games backfill, `gmp plan` chooses the most-added games, `gmp ingest`
 * stores their details; a run stopped by SIGTERM is resumed by two runs at once with exactly the
 * missing requests (the batch's lease lets one fetch it); the lake then holds the details of
 * exactly the games the plan chose, their publishers and developers equal to what the sandbox
 * serves; a rerun costs no request; the coverage the next plan prints counts them, and the
 * warehouse holds the same companies and the same coverage, built incrementally as a full
 * refresh would.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { itemsBatchPrefix } from '../../src/lake/items.js';
import type { WorkPlan } from '../../src/ingest/planner.js';
import { cleanEnv, runGmp, spawnGmp } from '../support/gmp.js';
import { comparableRows, gmpOk, query } from '../warehouse/support/warehouse.js';
import { configWith } from '../support/lakes.js';
import { waitFor } from '../signals/processes.js';
import { askedTwice, atOnce } from '../support/shared-lake.js';

/** 2,000 games: a backfill of 50 pages, then 150 details within a budget of 200. */
const GAMES = 2_000;
const BUDGET = 200;
const work = mkdtempSync(join(tmpdir(), 'gmp-companies-'));
const lakeDir = join(work, 'lake');
const warehouse = join(work, 'warehouse', 'w.duckdb');
let sandbox: Sandbox;
let env: Record<string, string>;

beforeAll(async () => {
  sandbox = await startSandbox({ games: GAMES, seed: 7 });
  env = cleanEnv({ RAWG_API_KEY: 'x', GMP_ENDPOINTS: configWith({ monthlyRequestBudget: BUDGET }) });
});
afterAll(async () => {
  await sandbox.close();
  rmSync(work, { recursive: true, force: true });
});

const lakeArgs = () => ['--lake', `file://${lakeDir}`, '--base-url', sandbox.url];
const plan = async (): Promise<WorkPlan> => {
  const result = await runGmp(['plan', '--endpoint', 'game_details', '--json', ...lakeArgs()], env);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as WorkPlan;
};
const lakeStatus = async (): Promise<string> =>
  (await gmpOk(['lake', 'status', '--lake', `file://${lakeDir}`], env)).stdout;
/** The ids of the details the lake holds, from their object names. */
const storedIds = (date: string): number[] => {
  const names = readdirSync(join(lakeDir, itemsBatchPrefix('game_details', date)));
  return names.flatMap((name) => /^item=(\d+)\.json$/.exec(name)?.[1] ?? []).map(Number);
};
const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);

it('stores the companies of exactly the games the plan chose, resumes a killed run exactly, and reruns for free', async () => {
  const backfill = await runGmp(['ingest', '--endpoint', 'games', ...lakeArgs()], env);
  expect(backfill.code, backfill.stderr).toBe(0);
  const spentOnGames = sandbox.stats().requests;
  // A first build before any detail: the next one adds the details incrementally.
  await gmpOk(['transform', '--lake', `file://${lakeDir}`, '--warehouse', warehouse], env);

  const before = await plan();
  const [unit] = before.items;
  expect(unit).toMatchObject({
    state: 'new',
    apiRequestsExpected: BUDGET - spentOnGames,
    coverage: { items: GAMES, known: 0 },
  });
  const chosen = unit!.chosen.map((item) => item.id);
  // The most added games: the sandbox's first positions (its unfiltered order is `added` DESC).
  const served = sandbox.served().slice(0, chosen.length);
  expect(chosen).toEqual(served.map((game) => game.id));

  // A run stopped part-way keeps what it stored; the next one asks for exactly the rest.
  sandbox.control({ latencyMs: 40 });
  sandbox.resetStats();
  const killed = spawnGmp(['ingest', '--endpoint', 'game_details', ...lakeArgs()], env);
  await waitFor('twenty detail requests', () => (sandbox.stats().requests >= 20 ? true : undefined), 120_000);
  killed.child.kill('SIGTERM');
  expect((await killed.done).code).toBe(143);
  sandbox.control({ latencyMs: 0 });
  const kept = storedIds(unit!.date).length;
  expect(kept).toBeGreaterThan(0);
  expect(kept).toBeLessThan(chosen.length);
  expect(await lakeStatus()).toContain(
    `  game_details/items/${unit!.date}: incomplete, ${kept} of ${chosen.length} items fetched\n`,
  );

  // Two runs resume it at once: the batch's lease lets one fetch it, and no item is asked twice.
  sandbox.resetStats();
  sandbox.control({ latencyMs: 40 });
  const resumed = await atOnce(2, ['ingest', '--endpoint', 'game_details', '--json', ...lakeArgs()], env);
  sandbox.control({ latencyMs: 0 });
  for (const run of resumed) expect(run.code, run.stderr).toBe(0);
  expect(askedTwice(sandbox)).toEqual({});
  expect(sandbox.stats().requests).toBe(chosen.length - kept);
  expect(sorted(storedIds(unit!.date))).toEqual(sorted(chosen));
  expect(readdirSync(join(lakeDir, itemsBatchPrefix('game_details', unit!.date)))).toContain('_SUCCESS');

  sandbox.resetStats();
  const rerun = await runGmp(['ingest', '--endpoint', 'game_details', ...lakeArgs()], env);
  expect(rerun.code, rerun.stderr).toBe(0);
  expect(sandbox.stats().requests).toBe(0);
  expect(await lakeStatus()).toContain(`  game_details/items/${unit!.date}: complete, ${chosen.length} items\n`);

  // Each stored detail names the companies the sandbox serves for that game.
  const companies = (detail: { publishers: { id: number }[]; developers: { id: number }[] }) => ({
    publishers: detail.publishers.map((company) => company.id),
    developers: detail.developers.map((company) => company.id),
  });
  const truths = new Map<number, ReturnType<typeof companies>>();
  for (const id of chosen) {
    const stored = JSON.parse(
      readFileSync(join(lakeDir, itemsBatchPrefix('game_details', unit!.date), `item=${id}.json`), 'utf8'),
    );
    const truth = (await (await fetch(`${sandbox.url}/games/${id}?key=x`)).json()) as Parameters<typeof companies>[0];
    expect(companies(stored)).toEqual(companies(truth));
    truths.set(id, companies(truth));
  }

  const after = await plan();
  expect(after.items[0]).toMatchObject({ state: 'complete', coverage: { items: GAMES, known: chosen.length } });
  expect(after.items[0]!.coverage.knownWeight).toBe(unit!.chosen.reduce((sum, item) => sum + item.added, 0));

  // The warehouse: the bridges hold the sandbox's companies of exactly the chosen games, and its
  // coverage is the plan's; the incremental build equals a full refresh.
  await gmpOk(['transform', '--lake', `file://${lakeDir}`, '--warehouse', warehouse], env);
  for (const kind of ['publisher', 'developer'] as const) {
    const rows = await query(
      warehouse,
      `select game_id, ${kind}_id as company from bridge_game_${kind}s order by game_id, company`,
    );
    const truth = chosen.flatMap((id) => truths.get(id)![`${kind}s`].map((company) => ({ game_id: id, company })));
    expect(rows).toEqual(truth.sort((a, b) => a.game_id - b.game_id || a.company - b.company));
  }
  const [coverage] = await query(
    warehouse,
    `select count(*) filter (where d.companies_known) as known, count(*) as games,
            sum(g.added_count) filter (where d.companies_known) as known_added, sum(g.added_count) as added
     from dim_game_details d join dim_games g using (game_id)`,
  );
  const { coverage: planned } = after.items[0]!;
  expect(coverage).toEqual({
    known: String(planned.known),
    games: String(planned.items),
    known_added: String(planned.knownWeight),
    added: String(planned.weight),
  });
  const fullWarehouse = join(work, 'full', 'w.duckdb');
  await gmpOk(['transform', '--full-refresh', '--lake', `file://${lakeDir}`, '--warehouse', fullWarehouse], env);
  for (const table of COMPANY_MODELS) {
    const rows = async (path: string) => comparableRows(await query(path, `select * from ${table}`));
    expect(await rows(warehouse), table).toEqual(await rows(fullWarehouse));
  }
}, 900_000);

const COMPANY_MODELS = [
  'dim_game_details',
  'bridge_game_publishers',
  'bridge_game_developers',
  'mart_company_releases_by_year',
  'mart_publisher_platform_mix',
  'mart_top_companies',
];
