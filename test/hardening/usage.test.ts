/** Usage errors of the CLI: one line, exit 2, nothing started. And the reader of stdout may go away. */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, cliPath, runGmp, type GmpResult } from '../support/gmp.js';
import { freePort } from '../support/s3-server.js';
import { failureLine, KEY } from './support.js';

const work = mkdtempSync(join(tmpdir(), 'gmp-usage-'));
/** An API nobody answers on: a usage error must stop the run before it would matter. */
const env = async () =>
  cleanEnv({
    RAWG_API_KEY: KEY,
    RAWG_BASE_URL: `http://127.0.0.1:${await freePort()}/api`,
    LAKE_URL: `file://${join(work, 'lake')}`,
  });

describe('flags given without a value', () => {
  it.each([
    [['ingest', '--endpoint', 'genres', '--max-pages'], '--max-pages'],
    [['ingest', '--endpoint', 'genres', '--date', '--json'], '--date'],
    [['plan', '--all', '--lake='], '--lake'],
  ])('%j is a usage error naming the flag', async (args, flag) => {
    const line = failureLine(await runGmp(args, await env()), 2);
    expect(line).toBe(`gmp: ${flag} needs a value: give it as ${flag} VALUE (see gmp --help)`);
  });
});

describe('-h', () => {
  it('prints the same help as --help, exit 0', async () => {
    const shared = await env();
    const [short, long] = await Promise.all([runGmp(['ingest', '-h'], shared), runGmp(['ingest', '--help'], shared)]);
    expect(short.code).toBe(0);
    expect(short.stdout).toContain('--max-pages');
    expect(short.stdout).toBe(long.stdout);
  });
});

describe('--base-url', () => {
  it.each([
    [
      'notaurl',
      /^gmp: --base-url \(or RAWG_BASE_URL\) "notaurl" is not a URL: use e\.g\. https:\/\/api\.rawg\.io\/api$/,
    ],
    [
      'ftp://mirror.example/api',
      /^gmp: --base-url \(or RAWG_BASE_URL\) ftp:\/\/mirror\.example\/api is not http:\/\/ or https:\/\//,
    ],
  ])('%s is a usage error (exit 2), before any request', async (baseUrl, message) => {
    const started = Date.now();
    const line = failureLine(await runGmp(['ingest', '--endpoint', 'genres', '--base-url', baseUrl], await env()), 2);
    expect(line).toMatch(message);
    // Not retried: a retry would take a second or more.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(readdirSync(work)).not.toContain('lake');
  });
});

describe('report --out', () => {
  it('a directory is a usage error naming it, with the file to give instead', async () => {
    const dir = join(work, 'reports');
    mkdirSync(dir);
    const line = failureLine(
      await runGmp(['report', '--out', dir, '--warehouse', join(work, 'none.duckdb')], await env()),
      2,
    );
    expect(line).toBe(
      `gmp: --out ${dir} is a directory: name the page's file, e.g. --out ${join(dir, 'market-report.html')}`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('a reader of stdout that stops early', () => {
  it('`gmp lake status | head -1`: exit 0, no stack trace', async () => {
    const child = spawn(process.execPath, [cliPath, 'lake', 'status'], {
      env: await env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The reader is gone before the first line is written.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const result = await new Promise<GmpResult>((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal, stdout: '', stderr })),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
