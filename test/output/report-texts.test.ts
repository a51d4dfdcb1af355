/**
 * The report's texts on a real build: only the built-in sandbox is called synthetic, a warehouse
 * reported beside another lake is flagged, and the momentum advice is plain text a user can
 * follow with or without a key. Real sandbox, real dbt, `gmp report` as a child process.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { cleanEnv, runGmp } from '../support/gmp.js';
import { decode } from '../report/support.js';

const DAY = '2024-06-01';
const work = mkdtempSync(join(tmpdir(), 'gmp-report-texts-'));
const sandboxLake = `file://${join(work, 'sandbox-lake')}`;
const otherLake = `file://${join(work, 'other-lake')}`;
const warehouse = join(work, 'game_market.duckdb');
const env = cleanEnv({ RAWG_API_KEY: 'x' });
let sandbox: Sandbox;

async function gmpOk(args: string[]): Promise<void> {
  const result = await runGmp(args, env);
  expect(result.code, `gmp ${args.join(' ')}:\n${result.stderr}`).toBe(0);
}

async function report(lake: string, name: string): Promise<string> {
  const out = join(work, `${name}.html`);
  await gmpOk(['report', '--lake', lake, '--warehouse', warehouse, '--out', out]);
  return readFileSync(out, 'utf8');
}

const fact = (html: string, name: string) => decode(new RegExp(`<dd data-fact="${name}">([\\s\\S]*?)</dd>`).exec(html)![1]!);
const dataLine = (html: string) => decode(/<p class="source[^"]*"><strong>Data:<\/strong>([\s\S]*?)<\/p>/.exec(html)![1]!);
const warning = (html: string) => /<p [^>]*data-warning="lake">([\s\S]*?)<\/p>/.exec(html)?.[1];

beforeAll(async () => {
  sandbox = await startSandbox({ games: 200, seed: 9, today: DAY });
  await gmpOk(['ingest', '--all', '--date', DAY, '--lake', sandboxLake, '--base-url', sandbox.url]);
  // The same pages through a base URL that is not the sandbox's: what a proxy or a replay of real data looks like.
  await gmpOk(['ingest', '--all', '--date', DAY, '--lake', otherLake, '--base-url', `${new URL(sandbox.url).origin}/api`]);
  await gmpOk(['transform', '--lake', sandboxLake, '--warehouse', warehouse]);
}, 600_000);

afterAll(async () => {
  await sandbox.close();
  rmSync(work, { recursive: true, force: true });
});

describe('a report on the lake the warehouse was built from, fetched from the built-in sandbox', () => {
  let html = '';
  beforeAll(async () => {
    html = await report(sandboxLake, 'sandbox');
  }, 300_000);

  it('says the data is synthetic, and gives no lake warning', () => {
    expect(dataLine(html)).toBe('the sandbox API: synthetic games, not the real market');
    expect(fact(html, 'last-run')).toMatch(/to the sandbox API$/);
    expect(warning(html)).toBeUndefined();
  });

  it('advises in plain text how to record a second day of history, with a key and without', () => {
    const momentum = decode(/<p class="summary" id="momentum-summary">([\s\S]*?)<\/p>/.exec(html)![1]!);
    expect(momentum).not.toContain('`');
    expect(momentum).toContain(`The game history holds one day (${DAY})`);
    expect(momentum).toContain('Without RAWG_API_KEY, gmp pipeline on another day adds them from the sandbox');
    expect(momentum).toContain('with a key, gmp pipeline (daily mode) on another day fetches the games changed the day before');
  });
});

describe('the same warehouse reported beside a lake fetched from another API', () => {
  let html = '';
  beforeAll(async () => {
    html = await report(otherLake, 'other');
  }, 300_000);

  it('names that API by its host and does not call its data synthetic', () => {
    const host = new URL(sandbox.url).host;
    expect(dataLine(html)).toBe(`the API at ${host}`);
    expect(html).not.toMatch(/synthetic/i);
    expect(fact(html, 'last-run')).toMatch(new RegExp(`to the API at ${host.replace(/\./g, '\\.')}$`));
  });

  it('warns first that the warehouse was built from another lake, naming both', () => {
    const text = decode(warning(html) ?? '');
    expect(text).toBe(
      `Warning: the warehouse was built from the lake ${sandboxLake}, not from ${otherLake}, the lake this report describes: ` +
        'the charts and the data panel show different data. Rebuild the warehouse from this lake with gmp transform, or report on the lake it was built from.',
    );
    expect(html.indexOf('data-warning="lake"')).toBeLessThan(html.indexOf('<main>'));
  });
});
