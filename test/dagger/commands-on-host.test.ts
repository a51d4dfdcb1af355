/**
 * The command lines and env the module gives its containers on `dagger call pipeline`'s default
 * path (lake init, the ingests, dbt, the report), run as host processes against the real CLI, a
 * real S3 server and the project's sandbox. What an engine adds is stood in for, and that part
 * is not tested here: the containers are host processes, the service names `sandbox` and `minio`
 * become loopback addresses, the S3 server is versitygw rather than MinIO (with its own
 * credentials), and the sandbox listens on 127.0.0.1 instead of 0.0.0.0. Everything else (argv,
 * env names and values, the order of the steps) is taken from the module's helpers as they are.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_DIR,
  DBT_DIR,
  LOCAL_LAKE_URL,
  MINIO,
  REPORT_ARGS,
  REPORT_FILE,
  SANDBOX,
  SANDBOX_API_KEY,
  Target,
  WAREHOUSE_FILE,
  dbtBuildArgs,
  ingestArgs,
  parseEndpoints,
  planPipeline,
  planRun,
  sandboxArgs,
  summarizeIngests,
  transformEnv,
} from '../../dagger/src/commands.js';
import { ensureVenv, venvDbt, venvPython } from '../../src/transform/venv.js';
import { cleanEnv, cliPath, runGmp, spawnGmp } from '../support/gmp.js';
import { freePort, startS3Server, type S3Server } from '../support/s3-server.js';

const root = resolve(import.meta.dirname, '../..');
const endpoints = parseEndpoints(readFileSync(join(root, 'config/endpoints.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'dagger-on-host-'));

let s3: S3Server;
let sandboxUrl: string;
let stopSandbox: () => void;

/** The container's view of the world, mapped onto this machine. */
function onHost(env: Record<string, string>): Record<string, string> {
  const mapped = Object.fromEntries(
    Object.entries(env).map(([name, value]) => [
      name,
      value
        .replace(`http://${SANDBOX.host}:${SANDBOX.port}/api`, sandboxUrl)
        .replace(`http://${MINIO.host}:${MINIO.port}`, s3.endpoint)
        .replace(`${APP_DIR}/${WAREHOUSE_FILE}`, join(work, WAREHOUSE_FILE))
        .replace(DBT_DIR, join(root, 'dbt')),
    ]),
  );
  // The secrets the module mounts: the sandbox key, and the S3 server's account for MinIO's.
  return { ...mapped, RAWG_API_KEY: SANDBOX_API_KEY, AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey };
}

beforeAll(async () => {
  await ensureVenv();
  s3 = await startS3Server();
  const args = sandboxArgs(await freePort(), { games: 300, seed: 7 });
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

afterAll(async () => {
  stopSandbox?.();
  await s3?.close();
});

describe('dagger call pipeline, default path, step by step on the host', () => {
  const plan = planRun({ hasApiKey: false }, {});

  it('lake init, then every planned ingest in parallel, fills the lake with complete partitions', async () => {
    const env = cleanEnv(onHost(plan.env));
    expect(plan.sandbox && plan.minio).toBe(true);
    const init = await runGmp(['lake', 'init'], env);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);

    const tasks = planPipeline(endpoints, undefined, plan.sandbox);
    const results = await Promise.allSettled(
      tasks.map(async (task) => {
        const run = await runGmp(ingestArgs(task), env);
        if (run.code !== 0) throw Object.assign(new Error(`exit ${run.code}`), { stderr: run.stderr });
        return run.stdout;
      }),
    );
    const summaries = summarizeIngests(tasks, results).split('\n').map((line) => JSON.parse(line) as { endpoint: string; load: string; complete: boolean });
    expect(summaries).toHaveLength(tasks.length);
    expect(summaries.every((s) => s.complete)).toBe(true);
    expect(summaries.filter((s) => s.endpoint === 'games').map((s) => s.load).sort()).toEqual(['snapshot', 'updated']);

    const status = await runGmp(['lake', 'status', '--json'], env);
    const lake = JSON.parse(status.stdout) as { lake: string; partitions: Array<{ complete: boolean }> };
    expect(lake.lake).toContain(LOCAL_LAKE_URL);
    expect(lake.partitions.filter((p) => p.complete)).toHaveLength(tasks.length);
  }, 300_000);

  it('dbt build --target dev, as the transform image runs it, builds the marts from that lake', () => {
    // The image's build step: httpfs from its PyPI package into the extension directory.
    const extensions = join(work, 'duckdb-extensions');
    const install = spawnSync(venvPython, [join(root, 'dbt/scripts/install_httpfs.py'), extensions], { encoding: 'utf8' });
    expect(install.status, install.stderr).toBe(0);

    const env: Record<string, string> = {
      ...onHost({ ...plan.env, ...transformEnv(Target.dev, {}, { snowflakeUser: false, snowflakePassword: false }) }),
      DUCKDB_EXTENSION_DIRECTORY: extensions,
      // Keeps dbt's own output out of the checkout, which other runs may be using.
      DBT_TARGET_PATH: join(work, 'dbt-target'),
      DBT_LOG_PATH: join(work, 'dbt-logs'),
    };
    mkdirSync(dirname(env.WAREHOUSE_PATH!), { recursive: true }); // the module's mkdir step before dbt
    const dbt = spawnSync(venvDbt, dbtBuildArgs(Target.dev), { cwd: join(root, 'dbt'), env: cleanEnv(env), encoding: 'utf8' });
    expect(dbt.status, dbt.stdout.split('\n').filter((l) => /error/i.test(l)).join('\n')).toBe(0);
    expect(dbt.stdout + dbt.stderr).not.toContain(s3.secretAccessKey);
  }, 600_000);

  it('leaves a DuckDB file with the games the sandbox served', async () => {
    const instance = await DuckDBInstance.create(join(work, WAREHOUSE_FILE), { access_mode: 'READ_ONLY' });
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll('select count(*) as games from main.dim_games');
    expect(Number(reader.getRowObjects()[0]!.games)).toBe(300);
    connection.closeSync();
    instance.closeSync();
  });

  it('gmp report, run as the module runs it (in the app folder, warehouse and lake from env), writes the page', () => {
    const env = cleanEnv(onHost({ ...plan.env, WAREHOUSE_PATH: `${APP_DIR}/${WAREHOUSE_FILE}` }));
    const report = spawnSync(process.execPath, [cliPath, ...REPORT_ARGS], { cwd: work, env, encoding: 'utf8' });
    expect(report.status, report.stderr).toBe(0);
    const page = readFileSync(join(work, REPORT_FILE), 'utf8');
    expect(page).toMatch(/^<!doctype html>/i);
    expect(page).not.toContain(s3.secretAccessKey);
  }, 120_000);
});
