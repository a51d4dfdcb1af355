/**
 * Off a terminal, stderr is one JSON object per line, dbt's output included: what a log collector
 * (CloudWatch, a CI log) reads. Real sandbox lake, real dbt build.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/server.js';
import { cleanEnv, runGmp, spawnGmp, type GmpResult } from '../support/gmp.js';

const work = mkdtempSync(join(tmpdir(), 'gmp-json-'));
const lake = `file://${join(work, 'lake')}`;
const env = cleanEnv({ RAWG_API_KEY: 'x' });
let ingest: GmpResult;
let build: GmpResult;

/** Each stderr line parsed; fails on the first that is not a JSON object. */
function jsonStderr(stderr: string): Record<string, unknown>[] {
  return stderr
    .trimEnd()
    .split('\n')
    .map((line) => {
      expect(line, 'a stderr line that is not JSON').toMatch(/^\{.*\}$/);
      return JSON.parse(line) as Record<string, unknown>;
    });
}

beforeAll(async () => {
  const sandbox = await startSandbox({ games: 400, seed: 8, today: '2024-06-01' });
  try {
    ingest = await runGmp(['ingest', '--all', '--date', '2024-06-01', '--lake', lake, '--base-url', sandbox.url], env);
  } finally {
    await sandbox.close();
  }
  expect(ingest.code, ingest.stderr).toBe(0);
  build = await runGmp(['transform', '--lake', lake, '--warehouse', join(work, 'game_market.duckdb')], env);
  expect(build.code, build.stderr).toBe(0);
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('stderr off a terminal', () => {
  it('gmp ingest: JSON lines only', () => {
    expect(jsonStderr(ingest.stderr).map((line) => line.msg)).toContain('partition finished');
  });

  it("gmp transform: JSON lines only, dbt's events among them with their node counts", () => {
    const lines = jsonStderr(build.stderr);
    const results = lines.filter((line) => line.phase === 'dbt' && line.event === 'LogModelResult');
    expect(results.length).toBeGreaterThan(10);
    expect(results.every((line) => typeof line.done === 'number' && typeof line.total === 'number')).toBe(true);
    expect(
      lines.some((line) => /OK created sql (table|view|incremental) model main\.dim_games/.test(String(line.msg))),
    ).toBe(true);
    const logLine = lines.findIndex((line) => 'dbtLog' in line);
    expect(lines[logLine]).toMatchObject({ dbtLog: join(work, 'game_market.dbt-target', 'dbt-build.log') });
    // After the build's log line comes the verdict: this 2024 lake is stale on every endpoint, and its games catalogue days behind.
    const verdict = lines.slice(logLine + 1).map((line) => line.event);
    expect(verdict).toEqual(expect.arrayContaining(['stale', 'catalogue-incomplete']));
    expect(verdict.every((event) => event === 'stale' || event === 'catalogue-incomplete')).toBe(true);
  });

  it('gmp report: JSON lines only', async () => {
    const out = join(work, 'report.html');
    const report = await runGmp(
      ['report', '--lake', lake, '--warehouse', join(work, 'game_market.duckdb'), '--out', out],
      env,
    );
    expect(report.code, report.stderr).toBe(0);
    expect(jsonStderr(report.stderr)).toEqual([
      expect.objectContaining({ report: out, msg: expect.stringMatching(/^report written in \d+ ms$/) }),
    ]);
  }, 300_000);

  it('gmp sandbox: its banner is a JSON line', async () => {
    const sandbox = spawnGmp(['sandbox', '--port', '0', '--games', '40'], env);
    let stderr = '';
    sandbox.child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve) => sandbox.child.stderr!.once('data', () => resolve()));
    sandbox.child.kill('SIGTERM');
    await sandbox.done;
    expect(jsonStderr(stderr)).toEqual([expect.objectContaining({ api: expect.stringMatching(/\/sandbox\/api$/) })]);
  });

  it('a failed gmp transform: JSON lines, then the one plain error line', async () => {
    const failed = await runGmp(
      ['transform', '--lake', `file://${join(work, 'empty')}`, '--warehouse', join(work, 'empty.duckdb')],
      env,
    );
    expect(failed.code).toBe(1);
    const lines = failed.stderr.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^gmp: dbt build --target dev failed: .* holds no games pages/);
    const events = jsonStderr(lines.slice(0, -1).join('\n'));
    expect(events.some((line) => line.level === 50 && line.phase === 'dbt')).toBe(true);
  }, 300_000);
});
