/**
 * What a user at a terminal sees: `gmp ingest` and `gmp transform` on a real pseudo-terminal of
 * 60 columns. Bars fit the width with their counts whole, the cursor comes back, and a dbt build
 * is one bar plus the path of its full log.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { cleanEnv, cliPath } from '../support/gmp.js';
import { cursorShownAtEnd, drawnLines, runOnTerminal } from './pty.js';

const COLUMNS = 60;
/** 2,000 games at 40 a page. */
const GAMES_PAGES = 50;
const work = mkdtempSync(join(tmpdir(), 'gmp-terminal-'));
const lake = `file://${join(work, 'lake')}`;
const env = cleanEnv({ RAWG_API_KEY: 'x' });
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ games: 2000, seed: 4, today: '2024-06-01', latencyMs: 20 });
});
afterAll(async () => {
  await sandbox.close();
  rmSync(work, { recursive: true, force: true });
});

const gmp = (...args: string[]) => [process.execPath, cliPath, ...args];

describe('gmp ingest on a 60-column terminal', () => {
  let output = '';
  beforeAll(async () => {
    const run = runOnTerminal(
      gmp('ingest', '--all', '--date', '2024-06-01', '--lake', lake, '--base-url', sandbox.url),
      env,
      COLUMNS,
    );
    const result = await run.done;
    output = result.output;
    expect(result.exitCode, output).toBe(0);
  }, 300_000);

  it('draws every bar within the width, its counts whole', () => {
    // Text lines wrap as they should; a bar that wrapped would be redrawn over itself.
    const bars = drawnLines(output).filter((line) => line.includes('|'));
    expect(bars.length).toBeGreaterThan(0);
    expect(bars.filter((line) => line.length > COLUMNS)).toEqual([]);
    for (const bar of bars) expect(bar).toMatch(/\| \d+\/\d+ pages? /);
    const gamesCounts = bars
      .filter((bar) => bar.includes('games'))
      .map((bar) => /\| (\d+)\/(\d+) /.exec(bar)!.slice(1).map(Number));
    expect(gamesCounts.some(([done, total]) => done! < GAMES_PAGES && total === GAMES_PAGES)).toBe(true);
    expect(gamesCounts.at(-1)).toEqual([GAMES_PAGES, GAMES_PAGES]);
  });

  it('says "1 page", never "1 pages"', () => {
    expect(output).not.toMatch(/\b1\/1 pages\b/);
    expect(output).toMatch(/\b1\/1 page\b/);
  });

  it('shows the cursor again at the end', () => {
    expect(cursorShownAtEnd(output)).toBe(true);
  });

  describe('then gmp transform', () => {
    let transformed = '';
    const warehouse = join(work, 'game_market.duckdb');
    beforeAll(async () => {
      const run = runOnTerminal(gmp('transform', '--lake', lake, '--warehouse', warehouse), env, COLUMNS);
      const result = await run.done;
      transformed = result.output;
      expect(result.exitCode, transformed).toBe(0);
    }, 600_000);

    it("is one bar within the width, then the path of dbt's full log", () => {
      const lines = drawnLines(transformed);
      expect(lines.filter((line) => line.includes('|') && line.length > COLUMNS)).toEqual([]);
      const text = lines.filter((line) => !line.includes('|'));
      const logPath = join(work, 'game_market.dbt-target', 'dbt-build.log');
      // The lake is dated 2024-06-01: every endpoint is stale, one plain line each.
      const age = Math.floor((Date.now() - Date.parse('2024-06-01T00:00:00Z')) / 86_400_000);
      const stale = text.filter((line) => line.startsWith('stale: '));
      expect(stale).toContain(
        `stale: games: newest complete partition 2024-06-01 is ${age} days old (past errorAfterDays 7)`,
      );
      // And the games catalogue, read on 2024-06-01, owes every `updated` day since, up to yesterday.
      const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
      const behind = `not current: games is ${age} days behind: 2024-06-01 … ${yesterday}`;
      expect(text).toEqual([`dbt's full log: ${logPath}`, ...stale, behind, `warehouse: ${warehouse}`]);
      expect(existsSync(logPath)).toBe(true);
      const log = readFileSync(logPath, 'utf8');
      expect(log).toMatch(/OK created sql (table|view|incremental) model main\.dim_games/);
      expect(log.split('\n').length).toBeGreaterThan(100);
    });

    it('shows the cursor again at the end', () => {
      expect(cursorShownAtEnd(transformed)).toBe(true);
    });
  });

  it("a failed build: the bar, dbt's errors in full, then the one line naming the log", async () => {
    const empty = join(work, 'empty.duckdb');
    const run = runOnTerminal(
      gmp('transform', '--lake', `file://${join(work, 'no-lake')}`, '--warehouse', empty),
      env,
      COLUMNS,
    );
    const { exitCode, output } = await run.done;
    expect(exitCode).toBe(1);
    const text = drawnLines(output)
      .filter((line) => !line.includes('|'))
      .join('\n');
    // dbt's failure as dbt words it, over several lines, before gmp's own line.
    expect(text).toMatch(/Failure in test has_rows_stg_games[\s\S]*Got 1 result, configured to fail if != 0/);
    expect(output.trimEnd().split('\n').at(-1)!.trim()).toBe(
      `gmp: dbt build --target dev failed: the lake at file://${join(work, 'no-lake')} holds no games pages: run gmp ingest (or gmp pipeline) first; details in ${join(work, 'empty.dbt-target', 'dbt-build.log')}`,
    );
    expect(cursorShownAtEnd(output)).toBe(true);
  }, 300_000);
});
