/**
 * The command lines and env the module gives its containers with no settings (the sandbox API,
 * the lake on its cache volume), run as host processes against the real CLI and the project's
 * sandbox: `gmp plan --json`, then every shard the plan prints, twice in a row on the same lake
 * directory; then compact, transform and the report as `run-pipeline` runs them. What an engine adds is stood in
 * for, and that part is not tested here: the containers are host processes, the cache volume
 * mounted at /lake is a temporary directory, the service name `sandbox` becomes a loopback
 * address, and the sandbox listens on 127.0.0.1 instead of 0.0.0.0. Everything else (argv, env
 * names and values, the order of the steps, how a plan is read) is the module's own helpers.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_DIR,
  COMPACT_ARGS,
  LAKE_MOUNT,
  Mode,
  REPORT_ARGS,
  REPORT_FILE,
  SANDBOX,
  SANDBOX_API_KEY,
  Target,
  WAREHOUSE_FILE,
  nothingToFetch,
  parsePlan,
  planArgs,
  planRun,
  sandboxArgs,
  summarizeShards,
  transformArgs,
  transformEnv,
  type Plan,
  type Selection,
} from '../../dagger/src/commands.js';
import { ensureVenv } from '../../src/transform/venv.js';
import { cleanEnv, cliPath, jsonLines, runGmp, spawnGmp } from '../support/gmp.js';
import { freePort } from '../support/s3-server.js';

const work = mkdtempSync(join(tmpdir(), 'dagger-on-host-'));
/** Stands for the cache volume the module mounts at LAKE_MOUNT. */
const volume = join(work, 'volume');
const GAMES = 300;

let sandboxUrl: string;
let stopSandbox: () => void;

/** The container's view of the world, mapped onto this machine. */
function onHost(env: Record<string, string>): Record<string, string> {
  const mapped = Object.fromEntries(
    Object.entries(env).map(([name, value]) => [
      name,
      value
        .replace(`http://${SANDBOX.host}:${SANDBOX.port}/sandbox/api`, sandboxUrl)
        .replace(`file://${LAKE_MOUNT}`, `file://${volume}`)
        .replace(`${APP_DIR}/${WAREHOUSE_FILE}`, join(work, WAREHOUSE_FILE)),
    ]),
  );
  // The secret the module mounts for the sandbox.
  return { ...mapped, RAWG_API_KEY: SANDBOX_API_KEY };
}

/** What the module's ingestPlanned does: one plan, then every shard of it at once. */
async function ingestAsModule(selection: Selection, env: Record<string, string>): Promise<{ plan: Plan; output: string }> {
  const planned = await runGmp(planArgs(selection, 2), env);
  expect(planned.code, planned.stderr).toBe(0);
  const plan = parsePlan(planned.stdout);
  if (plan.shards.length === 0) return { plan, output: nothingToFetch(plan) };
  const results = await Promise.allSettled(
    plan.shards.map(async (shard) => {
      const run = await runGmp(shard.args, env);
      if (run.code !== 0) throw Object.assign(new Error(`exit ${run.code}`), { stderr: run.stderr });
      return run.stdout;
    }),
  );
  return { plan, output: summarizeShards(plan.shards, results) };
}

async function apiRequestsServed(): Promise<number> {
  const stats = (await (await fetch(`${new URL(sandboxUrl).origin}/__stats`)).json()) as { requests: number };
  return stats.requests;
}

beforeAll(async () => {
  await ensureVenv();
  const args = sandboxArgs(await freePort(), { games: GAMES, seed: 7 });
  args[args.indexOf('--host') + 1] = '127.0.0.1';
  const sandbox = spawnGmp(args, cleanEnv());
  stopSandbox = () => sandbox.child.kill('SIGTERM');
  sandboxUrl = await new Promise<string>((resolveUrl, reject) => {
    let out = '';
    sandbox.child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolveUrl(out.split('\n')[0]!.trim().replace('0.0.0.0', '127.0.0.1'));
    });
    void sandbox.done.then((result) => reject(new Error(`sandbox exited: ${result.stderr}`)));
  });
}, 300_000);

afterAll(() => {
  stopSandbox?.();
});

describe('the module with no settings, step by step on the host', () => {
  const run = planRun({ hasApiKey: false }, { hasAwsCredentials: false });
  const env = () => cleanEnv(onHost(run.env));

  it('keeps the lake on a volume and reads the sandbox', () => {
    expect(run).toMatchObject({ sandbox: true, volume: 'gmp-lake', env: { LAKE_URL: `file://${LAKE_MOUNT}` } });
  });

  it('dagger call ingest --endpoint games, twice: the second call finds the lake complete and makes 0 API requests', async () => {
    const before = await apiRequestsServed();
    const first = await ingestAsModule({ endpoints: ['games'] }, env());
    expect(first.plan.shards.length).toBeGreaterThan(0);
    const summaries = jsonLines(first.output) as Array<{ endpoint?: string; complete?: boolean }>;
    expect(summaries.filter((s) => s.endpoint === 'games').length).toBeGreaterThan(0);
    expect(summaries.every((s) => s.complete)).toBe(true);
    const spent = (await apiRequestsServed()) - before;
    expect(spent).toBeGreaterThanOrEqual(Math.ceil(GAMES / 40));

    const second = await ingestAsModule({ endpoints: ['games'] }, env());
    expect(await apiRequestsServed()).toBe(before + spent);
    expect(second.plan.shards).toEqual([]);
    expect(second.plan.apiRequestsExpected).toBe(0);
    expect(second.plan.units.every((unit) => unit.state === 'complete')).toBe(true);
    expect(second.output).toBe(nothingToFetch(second.plan));
  }, 300_000);

  it('dagger call plan prints the plan the module reads', async () => {
    const planned = await runGmp(planArgs({ endpoints: ['genres'], mode: Mode.snapshot }, 1), env());
    expect(planned.code, planned.stderr).toBe(0);
    const plan = parsePlan(planned.stdout);
    expect(plan.units.map((u) => u.id)).toEqual([expect.stringMatching(/^genres\/snapshot\/\d{4}-\d{2}-\d{2}$/)]);
    expect(plan.shards.flatMap((s) => s.units)).toEqual(plan.units.filter((u) => u.state !== 'complete').map((u) => u.id));
  }, 120_000);

  it('dagger call run-pipeline: every endpoint into the same lake, reusing the games already there', async () => {
    const before = await apiRequestsServed();
    const { plan } = await ingestAsModule({}, env());
    const units = plan.shards.flatMap((s) => s.units);
    expect(units.some((id) => id.startsWith('games/snapshot/'))).toBe(false);
    expect(units.some((id) => id.startsWith('genres/'))).toBe(true);
    expect(await apiRequestsServed()).toBeGreaterThan(before);
  }, 300_000);

  it('gmp compact --json, as run-pipeline runs it after the ingest, compacts the closed partitions; a second run compacts nothing', async () => {
    const summary = async () => {
      const run = await runGmp(COMPACT_ARGS, env());
      expect(run.code, run.stderr).toBe(0);
      return jsonLines(run.stdout).at(-1) as { pages?: number };
    };
    expect((await summary()).pages).toBeGreaterThan(0);
    expect((await summary()).pages).toBe(0);
  }, 300_000);

  it('gmp transform --target dev, as the transform image runs it on the lake volume, builds the marts', async () => {
    // The transform image holds the venv already (made at build time); here beforeAll made it.
    const transformHostEnv = onHost({
      ...planRun(undefined, { hasAwsCredentials: false }).env,
      ...transformEnv(Target.dev, {}, { snowflakeUser: false, snowflakePassword: false }),
    });
    delete transformHostEnv.RAWG_API_KEY; // transform never gets the API key
    const built = await runGmp(transformArgs(Target.dev), cleanEnv(transformHostEnv));
    expect(built.code, built.stderr.split('\n').slice(-5).join('\n')).toBe(0);
    expect(built.stdout).toContain(join(work, WAREHOUSE_FILE));
  }, 600_000);

  it('leaves a DuckDB file with every game the sandbox served, each once', async () => {
    const instance = await DuckDBInstance.create(join(work, WAREHOUSE_FILE), { access_mode: 'READ_ONLY' });
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll('select count(*) as games, count(distinct game_id) as ids from main.dim_games');
    const row = reader.getRowObjects()[0]!;
    expect([Number(row.games), Number(row.ids)]).toEqual([GAMES, GAMES]);
    connection.closeSync();
    instance.closeSync();
  });

  it('gmp report, run as the module runs it (in the app folder, warehouse and lake from env), writes the page', () => {
    const reportEnv = cleanEnv(onHost({ ...run.env, WAREHOUSE_PATH: `${APP_DIR}/${WAREHOUSE_FILE}` }));
    const report = spawnSync(process.execPath, [cliPath, ...REPORT_ARGS], { cwd: work, env: reportEnv, encoding: 'utf8' });
    expect(report.status, report.stderr).toBe(0);
    const page = readFileSync(join(work, REPORT_FILE), 'utf8');
    expect(page).toMatch(/^<!doctype html>/i);
  }, 120_000);
});
