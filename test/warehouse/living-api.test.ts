/**
 * The whole promise against an API that changes while it is read: the living sandbox (games
 * edited, deleted and added between its answers) over HTTP, the CLI as child processes on a local
 * lake, dbt on DuckDB. A games snapshot is backfilled over several runs (one SIGKILLed), its day
 * is read by the next day's daily run, the run of the day after is missed, and today's run
 * catches both days it owes up; then `dim_games` must hold every game the API serves, once, at
 * its newest version, and every sealed listing must hold its count. The same scenario with `source.reconcile: false` must
 * break that (asserted, so the check keeps proving something). Last, a newer complete snapshot
 * marks every game the API deleted.
 *
 * The sandbox's clock stands still on the day of the changes (every edit and new game is dated
 * that day); the CLI's is the system clock, which picks the days a daily run owes. So the days are
 * set relative to today: the snapshot dated three days ago (its windows end the day before), the
 * changes two days ago (the missed day), and yesterday quiet.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addDays, todayUtc } from '../../src/dates.js';
import { startSandbox, type Sandbox, type ServedGame } from '../../src/sandbox/server.js';
import { jsonLines, runGmp, spawnGmp } from '../support/gmp.js';
import { configWith, freshLake, lakeContents, type TestLake } from '../support/lakes.js';
import { gmpEnv } from '../ingest/support.js';
import { gmpOk, query } from './support/warehouse.js';

const TODAY = todayUtc();
const SNAPSHOT_DAY = addDays(TODAY, -3);
/** The sandbox's today: every edit and new game is dated this day, whose daily run is missed. */
const CHANGES_DAY = addDays(TODAY, -2);
const YESTERDAY = addDays(TODAY, -1);

/** Small enough for a build in seconds; windows of at most 280 games split the snapshot in several. */
const SANDBOX = { games: 1_000, seed: 29, today: CHANGES_DAY, maxResults: 280 } as const;
/** Per page answered: every page edits a game, about one in four deletes one and adds one. */
const CHANGING = { editRate: 1, deleteRate: 0.27, addRate: 0.23 } as const;
const STILL = { editRate: 0, deleteRate: 0, addRate: 0 } as const;

const workDir = mkdtempSync(join(tmpdir(), 'gmp-living-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

interface Scenario {
  sandbox: Sandbox;
  lake: TestLake;
  env: Record<string, string>;
  warehouse: string;
  /** Outcomes of the ingest runs, in order: for the figures. */
  runs: string[];
}

const ingest = (...args: string[]) => ['ingest', '--endpoint', 'games', ...args, '--json'];

/** The partition lines (not the totals) of a `--json` ingest, each named `games/updated/DAY`. */
const partitionLines = (stdout: string): Record<string, unknown>[] =>
  jsonLines(stdout)
    .filter((line) => typeof line.load === 'string')
    .map((line) => ({ ...line, partition: `${line.endpoint}/${line.load}/${line.date}` }));

async function ingestOk(scenario: Scenario, args: string[]): Promise<Record<string, unknown>[]> {
  const result = await runGmp(ingest(...args), scenario.env);
  expect(result.code, `gmp ${args.join(' ')}:\n${result.stderr}`).toBe(0);
  const lines = partitionLines(result.stdout);
  scenario.runs.push(
    `${args.join(' ')}: ${lines.map((line) => `${line.partition} ${line.complete ? 'complete' : 'open'}`).join(', ')}`,
  );
  return lines;
}

/**
 * The backfill, the daily runs with a missed day, and a build: on a fresh lake and a fresh
 * sandbox, with reconciliation on or off.
 */
async function runScenario(name: string, reconcile: boolean): Promise<Scenario> {
  const sandbox = await startSandbox({ ...SANDBOX, ...CHANGING });
  const lake = await freshLake('local');
  const warehouse = join(workDir, `${name}.duckdb`);
  const env = gmpEnv(lake, sandbox, {
    GMP_ENDPOINTS: configWith({ maxResults: SANDBOX.maxResults, reconcile }),
    WAREHOUSE_PATH: warehouse,
  });
  const scenario: Scenario = { sandbox, lake, env, warehouse, runs: [] };
  try {
    // The backfill opens three days ago and is read a few pages a run.
    const [first] = await ingestOk(scenario, ['--mode', 'snapshot', '--date', SNAPSHOT_DAY, '--max-pages', '8']);
    expect(first).toMatchObject({ complete: false });
    // One run is killed mid-way: its lease and its half-read listing are taken over by the next.
    const before = sandbox.stats().requests;
    const killed = spawnGmp(ingest('--mode', 'snapshot', '--max-pages', '20'), env);
    let ended = false;
    killed.child.once('exit', () => (ended = true));
    while (!ended && sandbox.stats().requests < before + 6) await new Promise((resolve) => setTimeout(resolve, 5));
    killed.child.kill('SIGKILL');
    expect((await killed.done).signal).toBe('SIGKILL');
    scenario.runs.push('--mode snapshot --max-pages 20: SIGKILLed');
    let complete = false;
    for (let run = 0; run < 20 && !complete; run++) {
      const [line] = await ingestOk(scenario, ['--mode', 'snapshot', '--max-pages', '8']);
      complete = line?.complete === true;
    }
    expect(complete, 'the backfill completes').toBe(true);

    // The run of the next day reads the snapshot's day; the API keeps changing under it.
    const [day] = await ingestOk(scenario, ['--mode', 'daily', '--date', SNAPSHOT_DAY]);
    expect(day).toMatchObject({ partition: `games/updated/${SNAPSHOT_DAY}`, complete: true });

    // The day of the changes ends (the API stands still from now on) and the run of the day after
    // it is missed. Today's run catches up both days owed: the day of the changes, and yesterday.
    sandbox.control(STILL);
    const caughtUp = await ingestOk(scenario, ['--mode', 'daily']);
    expect(caughtUp.map((line) => [line.partition, line.complete])).toEqual([
      [`games/updated/${CHANGES_DAY}`, true],
      [`games/updated/${YESTERDAY}`, true],
    ]);

    await gmpOk(['transform'], env);
    return scenario;
  } catch (error) {
    await sandbox.close();
    throw error;
  }
}

interface DimGame {
  game_id: number;
  updated: string;
  is_deleted: boolean;
}

async function dimGames(warehouse: string): Promise<DimGame[]> {
  const rows = await query(
    warehouse,
    "select game_id, strftime(updated_at, '%Y-%m-%dT%H:%M:%S') as updated, is_deleted from dim_games",
  );
  return rows.map((row) => ({
    game_id: Number(row.game_id),
    updated: String(row.updated),
    is_deleted: row.is_deleted === true,
  }));
}

/** What disagrees between the games the API serves and `dim_games`: missing, twice, stale or deleted. */
function servedDisagreements(served: ServedGame[], rows: DimGame[]): string[] {
  const byId = new Map<number, DimGame[]>();
  for (const row of rows) byId.set(row.game_id, [...(byId.get(row.game_id) ?? []), row]);
  const wrong: string[] = [];
  for (const game of served) {
    const held = byId.get(game.id) ?? [];
    if (held.length !== 1) wrong.push(`game ${game.id}: ${held.length} rows`);
    else if (held[0]!.updated !== game.updated)
      wrong.push(`game ${game.id}: updated ${held[0]!.updated}, served ${game.updated}`);
    else if (held[0]!.is_deleted) wrong.push(`game ${game.id}: served, marked deleted`);
  }
  return wrong;
}

/**
 * Each sealed listing (a partition or a window; not a split, whose windows are listings) whose
 * stored items are fewer than its count. Of each page the newest read counts (`page=N.json`, then
 * `page=N.readK.json`), as docs/architecture.md's "What complete means" says: a sealed listing's
 * distinct items stored are at least the count the API ended with.
 */
async function sealedShort(lake: TestLake): Promise<string[]> {
  const contents = await lakeContents(lake.store, 'raw/games/');
  const short: string[] = [];
  for (const [key, body] of contents) {
    if (!key.endsWith('/_SUCCESS')) continue;
    const listing = key.slice(0, -'_SUCCESS'.length);
    if (contents.has(`${listing}_split.json`)) continue;
    const newest = new Map<number, { read: number; ids: number[] }>();
    for (const [page, text] of contents) {
      const match = /^page=(\d+)(?:\.read(\d+))?\.json$/.exec(page.slice(listing.length));
      if (!page.startsWith(listing) || !match) continue;
      const [number, read] = [Number(match[1]), Number(match[2] ?? 0)];
      if ((newest.get(number)?.read ?? -1) < read)
        newest.set(number, { read, ids: (JSON.parse(text).results as { id: number }[]).map((game) => game.id) });
    }
    const stored = new Set([...newest.values()].flatMap((page) => page.ids)).size;
    const { count } = JSON.parse(body) as { count: number };
    if (stored < count) short.push(`${listing}: ${stored} stored of ${count}`);
  }
  return short;
}

/** Every game id any stored page of games holds. */
async function storedIds(lake: TestLake): Promise<Set<number>> {
  const ids = new Set<number>();
  for (const [key, body] of await lakeContents(lake.store, 'raw/games/')) {
    if (/\/page=\d+(\.read\d+)?\.json$/.test(key))
      for (const game of JSON.parse(body).results as { id: number }[]) ids.add(game.id);
  }
  return ids;
}

/** Requests the sandbox answered against the page reads stored (re-reads apart), for the report. */
async function figures(scenario: Scenario): Promise<Record<string, number>> {
  const keys = [...(await lakeContents(scenario.lake.store, 'raw/games/')).keys()];
  const changes = scenario.sandbox.stats().changes!;
  return {
    requests: scenario.sandbox.stats().requests,
    pages: keys.filter((key) => /\/page=\d+\.json$/.test(key)).length,
    rereads: keys.filter((key) => /\/page=\d+\.read\d+\.json$/.test(key)).length,
    sealedListings: keys.filter((key) => key.endsWith('/_SUCCESS')).length,
    edited: changes.edited.length,
    deleted: changes.deleted.length,
    added: changes.added.length,
    served: scenario.sandbox.served().length,
  };
}

describe('a living API backfilled over killed runs, a missed day, then daily runs (sandbox over HTTP, CLI, dbt on DuckDB)', () => {
  it('puts every game served in dim_games once at its newest version, every sealed listing holding its count; a newer snapshot marks every deleted game', async () => {
    const scenario = await runScenario('reconciled', true);
    try {
      const { sandbox } = scenario;
      const shown = await figures(scenario);
      console.log(`living API, reconciled: ${JSON.stringify(shown)}\n  ${scenario.runs.join('\n  ')}`);
      // The API really changed, and changed games crossed page boundaries of listings being read.
      expect(shown.edited).toBeGreaterThan(30);
      expect(shown.deleted).toBeGreaterThan(5);
      expect(shown.added).toBeGreaterThan(5);

      expect(servedDisagreements(sandbox.served(), await dimGames(scenario.warehouse))).toEqual([]);
      expect(await sealedShort(scenario.lake)).toEqual([]);

      // A newer complete snapshot (today's, the API now still) proves which games are gone.
      let complete = false;
      for (let run = 0; run < 3 && !complete; run++)
        complete = (await ingestOk(scenario, ['--mode', 'snapshot']))[0]?.complete === true;
      expect(complete).toBe(true);
      await gmpOk(['transform'], scenario.env);
      const rows = await dimGames(scenario.warehouse);
      expect(servedDisagreements(sandbox.served(), rows)).toEqual([]);
      // Every deleted game the lake ever stored is marked; one deleted before any listing served it was never seen.
      const deleted = sandbox.stats().changes!.deleted;
      const stored = await storedIds(scenario.lake);
      const byId = new Map(rows.map((row) => [row.game_id, row]));
      expect(deleted.filter((id) => stored.has(id)).length).toBeGreaterThan(0);
      expect(deleted.filter((id) => (stored.has(id) ? byId.get(id)?.is_deleted !== true : byId.has(id)))).toEqual([]);
      expect(rows.filter((row) => row.is_deleted).length).toBe(deleted.filter((id) => stored.has(id)).length);
      expect(await sealedShort(scenario.lake)).toEqual([]);
    } finally {
      await scenario.sandbox.close();
    }
  }, 600_000);

  it('fails the same check with source.reconcile: false: games served are missing or stale, or a sealed listing holds fewer than its count', async () => {
    const scenario = await runScenario('unreconciled', false);
    try {
      const shown = await figures(scenario);
      const disagreements = servedDisagreements(scenario.sandbox.served(), await dimGames(scenario.warehouse));
      const short = await sealedShort(scenario.lake);
      console.log(
        `living API, reconcile off: ${JSON.stringify(shown)}; ${disagreements.length} served games wrong in dim_games; ${short.length} sealed listings short`,
      );
      expect(disagreements.length + short.length).toBeGreaterThan(0);
    } finally {
      await scenario.sandbox.close();
    }
  }, 600_000);
});
