/**
 * An empty or damaged object the pipeline reads back (`_runs/X.json`, `_manifest.json`): every
 * command that reads it fails in one line naming its key and what to do, and works again once it
 * is deleted as told.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { cleanEnv, runGmp } from '../support/gmp.js';
import { failureLine, KEY } from './support.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ games: 40, seed: 8 });
});
afterAll(() => sandbox?.close());

const today = new Date().toISOString().slice(0, 10);

function lakeWith(key: string, content: string): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'gmp-corrupt-'));
  mkdirSync(dirname(join(dir, key)), { recursive: true });
  writeFileSync(join(dir, key), content);
  return { dir, env: cleanEnv({ RAWG_API_KEY: KEY, RAWG_BASE_URL: sandbox.url, LAKE_URL: `file://${dir}` }) };
}

describe('an empty run record', () => {
  const key = '_runs/20261201T000000Z-abcdef.json';

  it("blocks neither plan nor ingest: the month's spend is read from the ledger", async () => {
    const lake = lakeWith(key, '');
    expect((await runGmp(['plan', '--endpoint', 'genres'], lake.env)).code).toBe(0);
    const ingest = await runGmp(['ingest', '--endpoint', 'genres'], lake.env);
    expect(ingest.code, ingest.stderr).toBe(0);
  });

  it('lake status names it and says to delete it; deleted, status works again', async () => {
    const lake = lakeWith(key, '');
    const line = failureLine(await runGmp(['lake', 'status'], lake.env), 1);
    expect(line).toBe(
      `gmp: lake object ${key} is empty: delete it and rerun (the month's spend is the ledger's: it still counts that run's API requests)`,
    );
    rmSync(join(lake.dir, key));
    expect((await runGmp(['lake', 'status'], lake.env)).code).toBe(0);
  });
});

describe('a damaged manifest', () => {
  const key = `raw/genres/load=snapshot/date=${today}/_manifest.json`;
  it.each([[['plan', '--endpoint', 'genres']], [['ingest', '--endpoint', 'genres']]])(
    '%j names it and says to delete it',
    async (args) => {
      const lake = lakeWith(key, '{"endpoint": "gen');
      sandbox.resetStats();
      const line = failureLine(await runGmp(args, lake.env), 1);
      expect(line).toMatch(
        new RegExp(
          `^gmp: (.*: )?lake object ${key.replace(/[.*?]/g, '\\$&')} is not valid JSON \\(17 bytes\\): delete it and rerun`,
        ),
      );
      expect(sandbox.stats().requests).toBe(0);
      rmSync(join(lake.dir, key));
      expect((await runGmp(args, lake.env)).code).toBe(0);
    },
  );
});
