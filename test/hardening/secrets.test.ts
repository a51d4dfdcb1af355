/**
 * The key and the base URL's password reach no output: an API that echoes them into every error
 * body and into the results of its pages, a base URL with credentials, then a search of stdout,
 * stderr, every file of the lake, the warehouse and the report.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { cleanEnv, runGmp, type GmpResult } from '../support/gmp.js';
import { configWith } from '../support/lakes.js';
import { KEY_ENCODINGS, startHostileApi, type HostileApi, type KeyEncoding } from './hostile-api.js';

const KEY = 'feedface0123456789abcdeffeedface';
const PASSWORD = 'pw-Xq7-s3cret-9d';

let sandbox: Sandbox;
let api: HostileApi;
const work = mkdtempSync(join(tmpdir(), 'gmp-secrets-'));
const lakeDir = join(work, 'lake');
const outputs: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ games: 120, seed: 5 });
  api = await startHostileApi(sandbox.url);
});
afterAll(async () => {
  await api?.close();
  await sandbox?.close();
});

function baseUrlWithCredentials(): string {
  const url = new URL(api.url);
  url.username = 'admin';
  url.password = PASSWORD;
  return url.toString();
}

const env = () =>
  cleanEnv({
    RAWG_API_KEY: KEY,
    LAKE_URL: `file://${lakeDir}`,
    WAREHOUSE_PATH: join(work, 'warehouse.duckdb'),
    // One retry keeps the 5xx run short.
    GMP_ENDPOINTS: configWith({ retries: 1 }),
  });

async function gmp(args: string[]): Promise<GmpResult> {
  const result = await runGmp(args, env());
  outputs.push(result.stdout, result.stderr);
  return result;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

function expectNoSecret(text: string, where: string): void {
  expect(text.includes(KEY), `the key is in ${where}`).toBe(false);
  expect(text.includes(PASSWORD), `the password is in ${where}`).toBe(false);
  expect(text.includes(encodeURIComponent(PASSWORD)), `the password is in ${where}`).toBe(false);
}

describe('an API that echoes the key and the credentials everywhere', () => {
  it.each([400, 401, 403, 404, 500])(
    'fails on %i in one line with the text around the secrets kept',
    async (status) => {
      api.behave({ kind: 'status', status });
      const result = await gmp(['ingest', '--endpoint', 'genres', '--base-url', baseUrlWithCredentials()]);
      expect(result.code, result.stderr).toBe(1);
      const line = result.stderr.trim().split('\n').at(-1)!;
      expect(line).toMatch(/^gmp: /);
      expectNoSecret(result.stderr + result.stdout, `the output of a ${status}`);
      // The message keeps what the API said around the secrets (500 is retried and never quoted).
      if (status !== 500) expect(line).toMatch(/for key REDACTED as admin:REDACTED\)/);
    },
  );

  it('stores pages with the echoed secrets replaced and the rest of the data intact', async () => {
    api.behave({ kind: 'echo' });
    const result = await gmp(['ingest', '--all', '--json', '--base-url', baseUrlWithCredentials()]);
    expect(result.code, result.stderr).toBe(0);
    const page = JSON.parse(
      readFileSync(
        filesUnder(join(lakeDir, 'raw', 'genres')).find((file) => file.endsWith('page=00001.json'))!,
        'utf8',
      ),
    );
    expect(page.results[0].echo_key).toBe('REDACTED');
    expect(page.results[0].echo_auth).toBe('admin:REDACTED');
    expect(page.results[0].name).toEqual(expect.any(String));
  });

  it('shows the API without credentials in plan and lake status', async () => {
    const plan = await gmp(['plan', '--all', '--json', '--base-url', baseUrlWithCredentials()]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).not.toContain(`@${new URL(api.url).host}`);
    const status = await gmp(['lake', 'status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    const runs = (JSON.parse(status.stdout) as { runs: { api: string }[] }).runs;
    expect(new Set(runs.map((run) => run.api))).toEqual(new Set([api.url]));
  });

  it('leaves no secret in any output, lake file, warehouse table or report', { timeout: 240_000 }, async () => {
    const transform = await gmp(['transform']);
    expect(transform.code, transform.stderr).toBe(0);
    const report = join(work, 'report.html');
    const written = await gmp(['report', '--warehouse', join(work, 'warehouse.duckdb'), '--out', report]);
    expect(written.code, written.stderr).toBe(0);

    outputs.forEach((text, index) => expectNoSecret(text, `output ${index}`));
    const lakeFiles = filesUnder(lakeDir);
    expect(lakeFiles.some((file) => file.includes('_runs'))).toBe(true);
    for (const file of lakeFiles) expectNoSecret(readFileSync(file, 'utf8'), file);
    expectNoSecret(readFileSync(report, 'utf8'), report);
    expect(await warehouseTablesHolding([KEY, PASSWORD], join(work, 'warehouse.duckdb'))).toEqual([]);
  });
});

describe.each(Object.keys(KEY_ENCODINGS) as KeyEncoding[])('an API that echoes the key as %s', (encoding) => {
  // Its base64 holds '+' and '/' (">>>" is "Pj4+", "???" is "Pz8/"): the standard and URL-safe spellings differ.
  const key = 'feedface>>>???0123456789abcdef';
  const encoded = KEY_ENCODINGS[encoding](key);
  // In a longer base64 text, the characters that only the key's bytes decide.
  const echo = encoding === 'base64 token' ? encoded.slice(8, 44) : encoded;
  const lake = join(work, `lake-${encoding.replaceAll(' ', '-')}`);
  const encodedEnv = () =>
    cleanEnv({ RAWG_API_KEY: key, LAKE_URL: `file://${lake}`, GMP_ENDPOINTS: configWith({ retries: 1 }) });
  const expectNoEcho = (text: string, where: string) => {
    expect(text.includes(echo), `the key as ${encoding} is in ${where}`).toBe(false);
    expect(text.includes(key), `the key is in ${where}`).toBe(false);
  };

  it('fails on an error body that carries it in one line and a run record without it', async () => {
    api.behave({ kind: 'status', status: 403, keyAs: encoding });
    const result = await runGmp(['ingest', '--endpoint', 'genres', '--base-url', api.url], encodedEnv());
    expect(result.code, result.stderr).toBe(1);
    const line = result.stderr.trim().split('\n').at(-1)!;
    expect(line).toMatch(/for key \S*REDACTED\S* as /);
    expectNoEcho(result.stderr + result.stdout, 'the output');
    const records = filesUnder(join(lake, '_runs'));
    expect(records.length).toBeGreaterThan(0);
    for (const file of records) {
      expect(readFileSync(file, 'utf8')).toMatch(/"error":/);
      expectNoEcho(readFileSync(file, 'utf8'), file);
    }
  });

  it('stores no page of a 200 body that carries it', async () => {
    api.behave({ kind: 'echo', keyAs: encoding });
    const result = await runGmp(['ingest', '--endpoint', 'genres', '--json', '--base-url', api.url], encodedEnv());
    expect(result.code, result.stderr).toBe(0);
    const pages = filesUnder(join(lake, 'raw', 'genres')).filter((file) => /page=\d+\.json$/.test(file));
    expect(pages.length).toBeGreaterThan(0);
    for (const file of filesUnder(lake)) expectNoEcho(readFileSync(file, 'utf8'), file);
    const page = JSON.parse(readFileSync(pages[0]!, 'utf8'));
    expect(page.results[0].echo_key).toContain('REDACTED');
    expect(page.results[0].name).toEqual(expect.any(String));
  });
});

/** Tables of the warehouse with a row whose text holds one of the strings. */
async function warehouseTablesHolding(needles: string[], path: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    const tables = (
      await connection.runAndReadAll('select table_schema, table_name from information_schema.tables')
    ).getRowObjects();
    expect(tables.length).toBeGreaterThan(0);
    const found: string[] = [];
    for (const { table_schema: schema, table_name: name } of tables) {
      const relation = `"${String(schema)}"."${String(name)}"`;
      for (const needle of needles) {
        const statement = await connection.prepare(
          `select count(*)::int as n from ${relation} as row_ where contains(cast(row_ as varchar), ?)`,
        );
        statement.bindVarchar(1, needle);
        const [row] = (await statement.runAndReadAll()).getRowObjects();
        if (Number(row!.n) > 0) found.push(`${relation} holds ${needle === KEY ? 'the key' : 'the password'}`);
      }
    }
    return found;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
