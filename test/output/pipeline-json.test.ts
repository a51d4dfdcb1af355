/**
 * `gmp pipeline --json` off a terminal, end to end on the built-in sandbox: stdout is JSON lines
 * only, its last naming the warehouse, the report and dbt's log; stderr is JSON lines only, the
 * sandbox banner included.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { cleanEnv, cliPath, type GmpResult } from '../support/gmp.js';

const work = realpathSync(mkdtempSync(join(tmpdir(), 'gmp-pipeline-json-')));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function pipelineIn(cwd: string): Promise<GmpResult> {
  const child = spawn(process.execPath, [cliPath, 'pipeline', '--json'], {
    cwd,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

const lines = (text: string) => text.trimEnd().split('\n');

it('prints only JSON lines on stdout and stderr, the last stdout line naming what it built', async () => {
  const result = await pipelineIn(work);
  expect(result.code, result.stderr).toBe(0);
  for (const line of [...lines(result.stdout), ...lines(result.stderr)]) expect(line).toMatch(/^\{.*\}$/);

  const end = JSON.parse(lines(result.stdout).at(-1)!) as Record<string, string>;
  expect(end).toEqual({
    warehouse: join(work, '.warehouse', 'game_market.duckdb'),
    report: join(work, 'reports', 'market-report.html'),
    dbtLog: join(work, '.warehouse', 'game_market.dbt-target', 'dbt-build.log'),
  });
  for (const path of Object.values(end)) expect(existsSync(path), path).toBe(true);

  const banner = lines(result.stderr)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((line) => line.sandbox === true);
  expect(banner?.msg).toMatch(
    /^No RAWG_API_KEY set: using the built-in sandbox API \(2000 synthetic games\) at http:\/\/127\.0\.0\.1:\d+\/sandbox\/api\.$/,
  );
}, 600_000);
