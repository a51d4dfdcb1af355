import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultEndpointsPath } from '../../src/paths.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { cleanEnv, cliPath, type GmpResult } from '../support/gmp.js';
import { onePage, thinGame, writePage } from './support/pages.js';
import { API_KEY, gmpOk } from './support/warehouse.js';

/** The UTC day `offset` days from today: freshness is measured against the real clock. */
function day(offset: number): string {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + offset);
  return date.toISOString().slice(0, 10);
}

/** `gmp ARGS` run from `cwd`, so the embedded defaults (./.lake, ./.warehouse, reports/) land there. */
function gmpIn(cwd: string, args: string[], env: Record<string, string>): Promise<GmpResult> {
  const child = spawn(process.execPath, [cliPath, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

/** The JSON events of stderr with `event` set to `name`. */
function events(stderr: string, name: string): Record<string, unknown>[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.event === name);
}

/** The report's status banner: what it says, and the endpoints it names as stale. */
function banner(html: string): {
  status: string | undefined;
  stale: string[];
  newest: string[];
  failedTests: string[];
} {
  return {
    status: /data-status="([^"]+)"/.exec(html)?.[1],
    stale: [...html.matchAll(/data-stale="([^"]+)"/g)].map((match) => match[1]!),
    newest: [...html.matchAll(/data-newest="([^"]*)"/g)].map((match) => match[1]!),
    failedTests: [...html.matchAll(/data-failed-test="([^"]+)"/g)].map((match) => match[1]!),
  };
}

describe('freshness gate: gmp transform on a lake whose newest partitions are old (real dbt, DuckDB, sandbox)', () => {
  const OLD = day(-20);
  let sandbox: Sandbox;
  let workDir: string;
  let env: Record<string, string>;
  let warehouse: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ games: 120, seed: 5 });
    workDir = realpathSync(mkdtempSync(join(tmpdir(), 'gmp-freshness-')));
    warehouse = join(workDir, 'wh', 'game_market.duckdb');
    env = cleanEnv({
      LAKE_URL: `file://${join(workDir, 'lake')}`,
      WAREHOUSE_PATH: warehouse,
      RAWG_API_KEY: API_KEY,
      RAWG_BASE_URL: sandbox.url,
    });
    await gmpOk(['ingest', '--all', '--mode', 'snapshot', '--date', OLD], env);
  }, 120_000);
  afterAll(async () => {
    await sandbox?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('says games is stale with its newest date, records the verdict, and the report names it at the top; a newer window makes it fresh again', async () => {
    const stale = await gmpOk(['transform'], env);
    const games = events(stale.stderr, 'stale').find((event) => event.endpoint === 'games');
    expect(games).toMatchObject({
      level: 50,
      newestDate: OLD,
      ageDays: 20,
      status: 'error',
      warnAfterDays: 2,
      errorAfterDays: 7,
    });
    // developers refresh every 30 days: 20 days is within its threshold.
    expect(events(stale.stderr, 'stale').map((event) => event.endpoint)).not.toContain('developers');
    const record = JSON.parse(readFileSync(`${warehouse}.lake.json`, 'utf8'));
    expect(record.verdict.failedTests).toEqual([]);
    expect(record.verdict.freshness.find((e: { endpoint: string }) => e.endpoint === 'games')).toMatchObject({
      newestDate: OLD,
      status: 'error',
    });
    expect(JSON.stringify(record)).not.toContain(API_KEY);

    const out = join(workDir, 'stale.html');
    await gmpOk(['report', '--out', out], env);
    const page = banner(readFileSync(out, 'utf8'));
    expect(page.status).toBe('not-current');
    expect(page.stale).toContain('games');
    expect(page.stale).not.toContain('developers');
    expect(page.newest[page.stale.indexOf('games')]).toBe(OLD);

    // Yesterday's window is the newest complete games partition now: games is fresh, the rest still stale.
    await gmpOk(['ingest', '--endpoint', 'games', '--mode', 'updated', '--date', day(-1)], env);
    const fresher = await gmpOk(['transform'], env);
    const staleNow = events(fresher.stderr, 'stale').map((event) => event.endpoint);
    expect(staleNow).not.toContain('games');
    expect(staleNow).toContain('genres');
    await gmpOk(['report', '--out', out], env);
    expect(banner(readFileSync(out, 'utf8')).stale).not.toContain('games');
  }, 600_000);
});

describe('quality gate: gmp pipeline on the sandbox, then with a lake partition that fails a dbt test', () => {
  let workDir: string;
  const env = cleanEnv();
  delete env.WAREHOUSE_PATH;

  beforeAll(() => {
    workDir = realpathSync(mkdtempSync(join(tmpdir(), 'gmp-gates-')));
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('a fresh lake: exit 0, no stale line, and a report that says it is current', async () => {
    const result = await gmpIn(workDir, ['pipeline'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(events(result.stderr, 'stale')).toEqual([]);
    expect(events(result.stderr, 'tests-failed')).toEqual([]);
    const page = banner(readFileSync(join(workDir, 'reports', 'market-report.html'), 'utf8'));
    expect(page).toEqual({ status: 'current', stale: [], newest: [], failedTests: [] });
  }, 600_000);

  it('a game rated 9 of 5: the report is still written, names the failed test instead of saying current, and the pipeline exits 1', async () => {
    const badGame = thinGame({
      id: 9_100_001,
      name: 'Rated Off The Scale',
      released: '2023-03-03',
      updated: `${day(-3)}T10:00:00`,
      rating: 9,
      ratingsCount: 10,
      added: 10,
      metacritic: null,
      genres: [],
      platforms: [],
    });
    writePage(
      join(workDir, '.lake'),
      { endpoint: 'games', load: 'updated', date: day(-3), complete: true },
      onePage([badGame]),
    );
    const report = join(workDir, 'reports', 'market-report.html');
    rmSync(report);
    const result = await gmpIn(workDir, ['pipeline'], env);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(
      /^gmp: the warehouse is not current: dbt tests failed: .*accepted_range_stg_games_rating/,
    );
    expect(events(result.stderr, 'tests-failed')).toHaveLength(1);
    expect(existsSync(report)).toBe(true);
    const page = banner(readFileSync(report, 'utf8'));
    expect(page.status).toBe('not-current');
    expect(page.failedTests.some((name) => name.startsWith('accepted_range_stg_games_rating'))).toBe(true);
    expect(page.stale).toEqual([]);
  }, 600_000);
});

describe('freshness gate: gmp pipeline whose games window is past errorAfterDays', () => {
  let sandbox: Sandbox;
  let workDir: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ games: 200, seed: 7 });
    workDir = realpathSync(mkdtempSync(join(tmpdir(), 'gmp-stale-pipeline-')));
  });
  afterAll(async () => {
    await sandbox?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('prints a stale line for games, renders a report that names it with its date, then exits 1', async () => {
    // A daily run's newest games partition is yesterday's window: more than 1 day old by the time it is checked.
    const config = JSON.parse(readFileSync(defaultEndpointsPath, 'utf8'));
    delete config.$schema;
    config.endpoints.find((endpoint: { name: string }) => endpoint.name === 'games').freshness = {
      warnAfterDays: 1,
      errorAfterDays: 1,
    };
    const configPath = join(workDir, 'endpoints.json');
    writeFileSync(configPath, JSON.stringify(config));
    const env = cleanEnv({ RAWG_API_KEY: API_KEY, RAWG_BASE_URL: sandbox.url, GMP_ENDPOINTS: configPath });
    delete env.WAREHOUSE_PATH;

    // The catalogue, from a backfill closed ten days ago; the daily run adds only yesterday's window.
    const backfill = await gmpIn(
      workDir,
      ['ingest', '--endpoint', 'games', '--mode', 'snapshot', '--date', day(-10)],
      env,
    );
    expect(backfill.code, backfill.stderr).toBe(0);
    const result = await gmpIn(workDir, ['pipeline', '--max-pages', '1000'], env);
    expect(result.code, result.stderr.split('\n').slice(-3).join('\n')).toBe(1);
    const stale = events(result.stderr, 'stale');
    expect(stale).toEqual([
      expect.objectContaining({ endpoint: 'games', newestDate: day(-1), status: 'error', errorAfterDays: 1 }),
    ]);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(
      /^gmp: the warehouse is not current: stale past errorAfterDays: games \(\d{4}-\d\d-\d\d\); the report at .* says so at the top$/,
    );
    const page = banner(readFileSync(join(workDir, 'reports', 'market-report.html'), 'utf8'));
    expect(page).toMatchObject({ status: 'not-current', stale: ['games'], newest: [day(-1)], failedTests: [] });
  }, 600_000);
});

describe('catalogue gate: gmp pipeline with a key on an empty lake (real dbt, DuckDB, sandbox as the API)', () => {
  let sandbox: Sandbox;
  let workDir: string;

  beforeAll(async () => {
    // As many games as the default sandbox: a few of them changed yesterday.
    sandbox = await startSandbox({ games: 2000, seed: 3 });
    workDir = realpathSync(mkdtempSync(join(tmpdir(), 'gmp-no-catalogue-')));
  });
  afterAll(async () => {
    await sandbox?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('fetches only the day it owes, and the verdict and the report say the backfill was never opened, not current', async () => {
    const env = cleanEnv({ RAWG_API_KEY: API_KEY, RAWG_BASE_URL: sandbox.url });
    delete env.WAREHOUSE_PATH;
    const result = await gmpIn(workDir, ['pipeline', '--max-pages', '1000'], env);
    // A catalogue not read yet is a warning, not a failure: the backfill takes weeks at a real budget.
    expect(result.code, result.stderr.split('\n').slice(-3).join('\n')).toBe(0);
    // Daily mode never opens the catalogue on its own: yesterday's changes are all the games it reads.
    const games = join(workDir, '.lake-api', 'raw', 'games');
    expect(readdirSync(games)).toEqual(['load=updated']);
    expect(readdirSync(join(games, 'load=updated'))).toEqual([`date=${day(-1)}`]);
    expect(events(result.stderr, 'catalogue-incomplete')).toEqual([
      expect.objectContaining({ endpoint: 'games', backfill: { state: 'not-opened' }, apiCount: null, backlog: [] }),
    ]);
    const html = readFileSync(join(workDir, 'reports', 'market-report.html'), 'utf8');
    expect(banner(html).status).toBe('not-current');
    const gap = /<li data-catalogue="games" data-backfill="not-opened" data-backlog-days="0">([^<]*)<\/li>/.exec(
      html,
    )?.[1];
    expect(gap).toMatch(/catalogue backfill was never opened/);
    expect(gap).toContain('gmp ingest --endpoint games --mode snapshot');
    expect(gap).toMatch(/The warehouse holds \d+ games?\./);
  }, 600_000);
});
