/**
 * The command lines, env and services the module gives its containers with no settings (the
 * sandbox API, the lake on the S3 server of the machine that calls dagger), run as host processes
 * against the real CLI, the project's sandbox and a real S3-compatible server (versitygw, started
 * with the credentials make s3-server gives it): `gmp plan --json`, then every shard the plan
 * prints; compact, transform and the report as `run-pipeline` runs them. What an engine adds is
 * stood in for, and that part is not tested here: the containers are host processes, the service
 * names `sandbox` and `lake-s3` become loopback addresses, and everything the engine keeps between
 * calls (cache volumes, the containers' files) is one folder, which the test deletes as a cache
 * prune would. Everything else (argv, env names and values, when the sandbox is bound, the order
 * of the steps, how a plan is read) is the module's own helpers.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_DIR,
  CLI,
  GMP_ON_PATH,
  HOST_LAKE,
  LAKE_INIT_ARGS,
  Mode,
  REPORT_FILE,
  SANDBOX_URL,
  Target,
  WAREHOUSE_FILE,
  bindsSandbox,
  lakeFailure,
  lakeLine,
  nothingToFetch,
  parsePlan,
  planArgs,
  runSetup,
  planWithLake,
  sandboxArgs,
  stepsAfterIngest,
  stepsArgs,
  summarizeShards,
  transformEnv,
  type Plan,
  type RunSetup,
  type Selection,
  type Step,
} from '../../dagger/src/commands.js';
import { pipelineSteps } from '../../src/pipeline-steps.js';
import { ensureVenv } from '../../src/transform/venv.js';
import { cleanEnv, cliPath, jsonLines, runGmp, spawnGmp } from '../support/gmp.js';
import { freePort, startS3Server, type S3Server } from '../support/s3-server.js';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'dagger-on-host-'));
/** Stands for all the engine keeps between calls: its cache volumes and the containers' files. */
const engine = join(work, 'engine');
const GAMES = 300;

/** Where the sandbox listens while it is up: one address, as the service name is one inside the engine. */
let sandboxUrl: string;
/** How many times a call started the sandbox, as the module starts it. */
let sandboxStarts = 0;
/** The API requests the sandbox answered, over all its starts. */
let served = 0;
/** The S3-compatible server of the machine that calls dagger. */
let s3: S3Server;

/** A container's view of the world, mapped onto this machine. */
function onHost(env: Record<string, string>): Record<string, string> {
  const mapped = Object.entries(env).map(([name, value]) => [
    name,
    value
      .replace(SANDBOX_URL, sandboxUrl)
      .replace(`http://${HOST_LAKE.service}:${HOST_LAKE.port}`, s3.endpoint)
      // A lake inside a container or on a cache volume is the engine's: it goes with a prune.
      .replace(/^file:\/\//, `file://${engine}`)
      .replace(`${APP_DIR}/`, `${engine}${APP_DIR}/`),
  ]);
  return cleanEnv(Object.fromEntries(mapped));
}

/** The sandbox as a service a call starts: up until the call ends, then gone with what it counted. */
async function startSandbox(): Promise<() => Promise<void>> {
  const args = sandboxArgs(Number(new URL(sandboxUrl).port), { games: GAMES, seed: 7 });
  args[args.indexOf('--host') + 1] = '127.0.0.1';
  const sandbox = spawnGmp(args, cleanEnv());
  await new Promise<void>((ready, reject) => {
    sandbox.child.stdout!.once('data', () => ready());
    void sandbox.done.then((result) => reject(new Error(`sandbox exited: ${result.stderr}`)));
  });
  return async () => {
    const stats = (await (await fetch(`${new URL(sandboxUrl).origin}/__stats`)).json()) as { requests: number };
    served += stats.requests;
    sandbox.child.kill('SIGTERM');
    await sandbox.done;
  };
}

/** What the module's planOn runs: the bucket made when the lake is on this machine's server, then the plan; nothing answers at the sandbox's address. */
async function planAsModule(run: RunSetup, selection: Selection, shards = 2): Promise<string> {
  const env = onHost(run.env);
  if (run.hostLakePort !== undefined) {
    const init = await runGmp(LAKE_INIT_ARGS, env);
    expect(init.code, init.stderr).toBe(0);
  }
  const planned = await runGmp(planArgs(selection, shards), env);
  expect(planned.code, planned.stderr).toBe(0);
  return planned.stdout;
}

/** What the module's ingest does: one plan, then every shard of it at once, the sandbox bound only if bindsSandbox says so. */
async function ingestAsModule(run: RunSetup, selection: Selection): Promise<{ plan: Plan; output: string }> {
  const plan = parsePlan(await planAsModule(run, selection));
  if (plan.shards.length === 0) return { plan, output: `${lakeLine(run)}\n${nothingToFetch(plan)}` };
  const stopSandbox = bindsSandbox(run, plan) ? await startSandbox() : undefined;
  if (stopSandbox) sandboxStarts += 1;
  const env = onHost(run.env);
  const results = await Promise.allSettled(
    plan.shards.map(async (shard) => {
      const result = await runGmp(shard.args, env);
      if (result.code !== 0) throw Object.assign(new Error(`exit ${result.code}`), { stderr: result.stderr });
      return result.stdout;
    }),
  );
  await stopSandbox?.();
  return { plan, output: `${lakeLine(run)}\n${summarizeShards(plan.shards, results)}` };
}

/** The month's spend the ledger in the lake holds, as the module's plan prints it. */
async function ledgerSpend(run: RunSetup): Promise<number> {
  const printed = JSON.parse(planWithLake(run, await planAsModule(run, { endpoints: ['games'] }))) as {
    lake: string;
    budget: { spent: number };
  };
  expect(printed.lake).toBe(run.lake);
  return printed.budget.spent;
}

/** The settings the README exports for gmp on this machine, with the test server's address for 127.0.0.1:9000. */
function readmeLakeEnv(): Record<string, string> {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const line = /^export (LAKE_URL=(?:.*\\\n)*.*)$/m.exec(readme)![1]!.replace(/\\\n/g, ' ');
  const env = Object.fromEntries(line.split(/\s+/).map((pair) => pair.split('=') as [string, string]));
  expect(env.S3_ENDPOINT).toBe(`http://127.0.0.1:${HOST_LAKE.port}`);
  return { ...env, S3_ENDPOINT: s3.endpoint };
}

beforeAll(async () => {
  await ensureVenv();
  mkdirSync(engine, { recursive: true });
  s3 = await startS3Server({
    credentials: { accessKeyId: HOST_LAKE.accessKeyId, secretAccessKey: HOST_LAKE.secretAccessKey },
  });
  sandboxUrl = `http://127.0.0.1:${await freePort()}/sandbox/api`;
}, 300_000);

afterAll(async () => {
  await s3?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('the module with no settings, step by step on the host', () => {
  const run = runSetup({ hasApiKey: false }, { hasAwsCredentials: false });
  const lakeRun = runSetup(undefined, { hasAwsCredentials: false });

  it('keeps the lake on the S3 server of this machine, not in the engine, and reads the sandbox', () => {
    expect(run).toMatchObject({ sandbox: true, hostLakePort: HOST_LAKE.port, env: { LAKE_URL: HOST_LAKE.url } });
    expect(run.scratchVolume).toBeUndefined();
  });

  it('dagger call ingest --endpoint games, twice, the engine cache pruned in between: the second call makes 0 API requests, starts no sandbox, and the ledger keeps the spend', async () => {
    const before = served;
    const first = await ingestAsModule(run, { endpoints: ['games'] });
    expect(first.output.split('\n')[0]).toBe(
      `lake: ${HOST_LAKE.url} on the S3 server of this machine, localhost:${HOST_LAKE.port}`,
    );
    expect(first.plan.shards.length).toBeGreaterThan(0);
    const summaries = jsonLines(first.output) as Array<{ endpoint?: string; complete?: boolean }>;
    expect(summaries.filter((s) => s.endpoint === 'games').length).toBeGreaterThan(0);
    expect(summaries.every((s) => s.complete)).toBe(true);
    const spent = served - before;
    expect(spent).toBeGreaterThanOrEqual(Math.ceil(GAMES / 40));
    expect(await ledgerSpend(run)).toBe(spent);

    rmSync(engine, { recursive: true, force: true });
    mkdirSync(engine);

    const starts = sandboxStarts;
    const second = await ingestAsModule(run, { endpoints: ['games'] });
    expect(served).toBe(before + spent);
    expect(sandboxStarts).toBe(starts);
    expect(second.plan.shards).toEqual([]);
    expect(second.plan.apiRequestsExpected).toBe(0);
    expect(second.plan.units.every((unit) => unit.state === 'complete')).toBe(true);
    expect(second.output).toBe(`${lakeLine(run)}\n${nothingToFetch(second.plan)}`);
    expect(await ledgerSpend(run)).toBe(spent);
  }, 300_000);

  it('gmp on this machine, with the settings the README exports, reads the lake the module wrote', async () => {
    const status = await runGmp(['lake', 'status', '--json'], cleanEnv(readmeLakeEnv()));
    expect(status.code, status.stderr).toBe(0);
    const { partitions } = JSON.parse(status.stdout) as { partitions: Array<{ endpoint: string; complete: boolean }> };
    expect(partitions.filter((p) => p.endpoint === 'games' && p.complete).length).toBeGreaterThan(0);
    // The lake is bound to the sandbox that filled it: planned for the sandbox, it has nothing to fetch...
    const planned = await runGmp(
      ['plan', '--endpoint', 'games', '--json', '--base-url', sandboxUrl],
      cleanEnv(readmeLakeEnv()),
    );
    expect(parsePlan(planned.stdout).apiRequestsExpected).toBe(0);
    // ...and planned for the real API it is refused in one line, as its data is not that API's.
    const refused = await runGmp(['plan', '--endpoint', 'games', '--json'], cleanEnv(readmeLakeEnv()));
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toEqual([expect.stringContaining('sandbox')]);
  }, 120_000);

  it('dagger call plan prints the plan the module reads, with the lake, and needs no sandbox', async () => {
    const printed = planWithLake(run, await planAsModule(run, { endpoints: ['genres'], mode: Mode.snapshot }, 1));
    const plan = parsePlan(printed);
    expect(JSON.parse(printed)).toMatchObject({ lake: run.lake, api: sandboxUrl });
    expect(plan.units.map((u) => u.id)).toEqual([expect.stringMatching(/^genres\/snapshot\/\d{4}-\d{2}-\d{2}$/)]);
    expect(plan.shards.flatMap((s) => s.units)).toEqual(
      plan.units.filter((u) => u.state !== 'complete').map((u) => u.id),
    );
  }, 120_000);

  /** The steps after the ingest, as run-pipeline reads them from gmp steps before it ingests. */
  let after: Step[] = [];
  const argsOf = (name: string) => after.find((step) => step.name === name)?.args ?? [];

  it('dagger call run-pipeline reads the steps from gmp steps: after the ingest, those the definition declares, in its order', async () => {
    const printed = await runGmp(stepsArgs(Target.dev), cleanEnv());
    expect(printed.code, printed.stderr).toBe(0);
    after = stepsAfterIngest(printed.stdout);
    expect(after).toEqual(pipelineSteps('dev').slice(1));
    expect(after.map((step) => step.name)).toEqual(['compact', 'transform', 'report']);
  });

  it('dagger call run-pipeline: every endpoint into the same lake, reusing the games already there', async () => {
    const before = served;
    const { plan } = await ingestAsModule(run, {});
    const units = plan.shards.flatMap((s) => s.units);
    expect(units.some((id) => id.startsWith('games/snapshot/'))).toBe(false);
    expect(units.some((id) => id.startsWith('genres/'))).toBe(true);
    expect(served).toBeGreaterThan(before);
  }, 300_000);

  it('gmp compact --json, as run-pipeline runs it after the ingest, compacts the closed partitions; a second run compacts nothing', async () => {
    const summary = async () => {
      const compacted = await runGmp(argsOf('compact'), onHost(lakeRun.env));
      expect(compacted.code, compacted.stderr).toBe(0);
      return jsonLines(compacted.stdout).at(-1) as { pages?: number };
    };
    expect((await summary()).pages).toBeGreaterThan(0);
    expect((await summary()).pages).toBe(0);
  }, 300_000);

  it('gmp transform --target dev, as the transform image runs it, builds the marts from the lake on the S3 server', async () => {
    // The transform image holds the venv already (made at build time); here beforeAll made it.
    const env = onHost({
      ...lakeRun.env,
      ...transformEnv(Target.dev, {}, { snowflakeUser: false, snowflakePassword: false }),
    });
    expect(env).not.toHaveProperty('RAWG_API_KEY');
    const built = await runGmp(argsOf('transform'), env);
    expect(built.code, built.stderr.split('\n').slice(-5).join('\n')).toBe(0);
    expect(built.stdout).toContain(join(engine, APP_DIR, WAREHOUSE_FILE));
  }, 600_000);

  it('leaves a DuckDB file with every game the sandbox served, each once', async () => {
    const instance = await DuckDBInstance.create(join(engine, APP_DIR, WAREHOUSE_FILE), { access_mode: 'READ_ONLY' });
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll(
      'select count(*) as games, count(distinct game_id) as ids from main.dim_games',
    );
    const row = reader.getRowObjects()[0]!;
    expect([Number(row.games), Number(row.ids)]).toEqual([GAMES, GAMES]);
    connection.closeSync();
    instance.closeSync();
  });

  it('gmp report, run as the module runs it (in the app folder, warehouse and lake from env), writes the page', () => {
    const env = onHost({ ...lakeRun.env, WAREHOUSE_PATH: `${APP_DIR}/${WAREHOUSE_FILE}` });
    const report = spawnSync(process.execPath, [cliPath, ...argsOf('report')], {
      cwd: join(engine, APP_DIR),
      env,
      encoding: 'utf8',
    });
    expect(report.status, report.stderr).toBe(0);
    const page = readFileSync(join(engine, APP_DIR, REPORT_FILE), 'utf8');
    expect(page).toMatch(/^<!doctype html>/i);
  }, 120_000);
});

describe('the module with no settings and no S3 server on this machine', () => {
  it('fails its first step in one line that names the lake and how to start its server', async () => {
    const run = runSetup({ hasApiKey: false }, { hasAwsCredentials: false });
    await s3.stop();
    try {
      const init = await runGmp(LAKE_INIT_ARGS, onHost(run.env));
      expect(init.code).toBe(1);
      const message = lakeFailure(
        run,
        Object.assign(new Error('process did not complete'), { stderr: init.stderr }),
      ).message;
      expect(message).toMatch(
        /^lake: s3:\/\/game-market-lake on the S3 server of this machine, localhost:9000 \(is its server running\? make s3-server, or MinIO on port 9000\): gmp: object store s3:\/\/game-market-lake .* is unreachable/,
      );
    } finally {
      await s3.start();
    }
  }, 120_000);
});

describe('gmp on the PATH of the images', () => {
  it('runs as gmp through the link both images make to the launcher', () => {
    const bin = join(work, dirname(GMP_ON_PATH));
    mkdirSync(bin, { recursive: true });
    symlinkSync(join(root, CLI[0]!.replace(`${APP_DIR}/`, '')), join(bin, basename(GMP_ON_PATH)));
    const help = spawnSync(basename(GMP_ON_PATH), ['--help'], {
      env: { ...cleanEnv(), PATH: `${bin}:${process.env.PATH}` },
      encoding: 'utf8',
    });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain('gmp ingest');
  });
});
