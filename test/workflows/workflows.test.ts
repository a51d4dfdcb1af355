/**
 * The GitHub workflows, checked here the way a reviewer would: actionlint (with shellcheck on
 * every script), the schedule and who may run it, permissions and pins, how secrets travel, and
 * what each trigger actually calls. The scripts of pipeline.yml are run for real with bash
 * against a stand-in `dagger` that records its arguments, and every call recorded is matched
 * against the module's functions and flags as the SDK's introspector reads them. Running the
 * calls needs GitHub and an engine: that is not done here.
 */
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { callProblems } from '../dagger/calls.js';
import { scanModule, type ModuleScan } from '../dagger/introspect.js';
import { pipelineSteps, STEP_NAMES } from '../../src/pipeline-steps.js';

const root = resolve(import.meta.dirname, '../..');
const actionlint = join(root, '.tools/bin/actionlint');
const shellcheck = join(root, '.tools/bin/shellcheck');
const workflowFiles = ['.github/workflows/ci.yml', '.github/workflows/pipeline.yml'];

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Job {
  if?: string;
  'runs-on': string;
  container?: string;
  permissions?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, Job>;
}

const load = (file: string) => parse(readFileSync(join(root, file), 'utf8')) as Workflow;
const ci = load('.github/workflows/ci.yml');
const pipeline = load('.github/workflows/pipeline.yml');
const steps = (wf: Workflow) => Object.values(wf.jobs).flatMap((job) => job.steps);
const daggerSteps = (wf: Workflow) => steps(wf).filter((s) => s.uses?.startsWith('dagger/dagger-for-github@'));
const schedules = (pipeline.on.schedule as Array<{ cron: string }>).map((s) => s.cron);
const engineVersion = JSON.parse(readFileSync(join(root, 'dagger.json'), 'utf8')).engineVersion as string;

function lint(cwd: string, files: string[]) {
  return spawnSync(actionlint, ['-shellcheck', shellcheck, '-no-color', ...files], { cwd, encoding: 'utf8' });
}

describe('actionlint', () => {
  it('finds nothing to report in either workflow, shell scripts included', () => {
    accessSync(shellcheck, constants.X_OK);
    const result = lint(root, workflowFiles);
    expect(result.error).toBeUndefined();
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  // actionlint skips shell checks silently when shellcheck is missing: prove they run.
  it('does run shellcheck on run: scripts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'actionlint-'));
    mkdirSync(join(dir, '.github/workflows'), { recursive: true });
    writeFileSync(
      join(dir, '.github/workflows/unquoted.yml'),
      'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo $HOME\n',
    );
    const result = lint(dir, ['.github/workflows/unquoted.yml']);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('SC2086');
  });
});

describe('ci.yml', () => {
  it('runs on every push and pull request with read-only permissions', () => {
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    expect(ci.permissions).toEqual({ contents: 'read' });
  });

  it('runs the README test command on ubuntu-latest', () => {
    expect(readFileSync(join(root, '.ci/run'), 'utf8')).toMatch(/^make test$/m);
    const job = Object.values(ci.jobs).find((j) => j.steps.some((s) => s.run?.trim() === 'make test'));
    expect(job?.['runs-on']).toBe('ubuntu-latest');
  });

  it("runs the module's checks with dagger check on a real engine of the module engine version", () => {
    const [install, ...others] = daggerSteps(ci);
    expect(others).toEqual([]);
    // No call and no args: the action installs the CLI and runs nothing itself.
    expect(install?.with).toEqual({ version: engineVersion.replace(/^v/, '') });
    const job = Object.values(ci.jobs).find((j) => j.steps.includes(install!))!;
    expect(job.steps.slice(job.steps.indexOf(install!) + 1).map((s) => s.run?.trim())).toEqual([
      'dagger --progress plain check',
    ]);
  });
});

describe('pipeline.yml', () => {
  it('is scheduled daily, and can be started by hand with endpoint, mode and date', () => {
    expect(schedules).toEqual([expect.stringMatching(/^\d+ \d+ \* \* \*$/)]);
    const inputs = (pipeline.on.workflow_dispatch as { inputs: Record<string, { type: string; options?: string[] }> })
      .inputs;
    expect(Object.keys(inputs).sort()).toEqual(['date', 'endpoint', 'mode']);
    expect(inputs.mode!.type).toBe('choice');
    expect(inputs.mode!.options!.sort()).toEqual(['daily', 'snapshot', 'updated']);
  });

  // EventBridge on AWS is the default scheduler: a deployment must not run both.
  it('runs on its schedule only where the repository opts in, and by hand anywhere', () => {
    const jobs = Object.values(pipeline.jobs);
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs)
      expect(job.if).toBe("github.event_name != 'schedule' || vars.GMP_SCHEDULER == 'github-actions'");
  });

  it('never overlaps itself', () => {
    expect(pipeline.concurrency?.group).toMatch(/\S/);
    expect(pipeline.concurrency?.['cancel-in-progress']).toBe(false);
  });

  it('asks for the least permissions: none by default, read and an OIDC token for the job', () => {
    expect(pipeline.permissions).toEqual({});
    for (const job of Object.values(pipeline.jobs))
      expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
  });

  it('pins every action to a release, and the Dagger CLI to the module engine version', () => {
    for (const step of [...steps(pipeline), ...steps(ci)].filter((s) => s.uses))
      expect(step.uses).toMatch(/^[\w-]+\/[\w-]+@v\d+\.\d+\.\d+$/);
    expect(daggerSteps(pipeline)).toHaveLength(1);
    for (const step of daggerSteps(pipeline)) expect(step.with).toEqual({ version: engineVersion.replace(/^v/, '') });
  });

  it('lets secrets reach the steps only through env', () => {
    const visit = (value: unknown, path: string[]): void => {
      if (typeof value === 'string' && value.includes('secrets.'))
        expect(path.join('.')).toMatch(/^jobs\.\w+\.steps\.\d+\.env\.[A-Z_]+$/);
      else if (value && typeof value === 'object')
        for (const [key, child] of Object.entries(value)) visit(child, [...path, key]);
    };
    visit(pipeline, []);
    visit(ci, []);
    expect(steps(pipeline).some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))).toBe(true);
  });
});

describe('pipeline.yml: what each trigger calls', () => {
  const ingest = steps(pipeline).find((s) => s.name === 'Ingest')!;
  const compact = steps(pipeline).find((s) => s.name === 'Compact')!;
  const transform = steps(pipeline).find((s) => s.name === 'Transform (dbt on Snowflake)')!;
  const settings = { LAKE_URL: 's3://market-lake/raw', AWS_REGION: 'eu-west-1' };
  let scan: ModuleScan;
  beforeAll(async () => {
    scan = await scanModule();
  });

  /**
   * Runs a step's script as GitHub does (`shell: bash`) with a stand-in dagger on PATH, and
   * returns the arguments dagger was called with (undefined when it was not called).
   */
  function runStep(step: Step, env: Record<string, string>) {
    const dir = mkdtempSync(join(tmpdir(), 'step-'));
    const recorded = join(dir, 'argv');
    writeFileSync(join(dir, 'dagger'), `#!/usr/bin/env bash\nprintf '%s\\0' "$@" > '${recorded}'\n`);
    chmodSync(join(dir, 'dagger'), 0o755);
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
      env: { PATH: `${dir}:${process.env.PATH}`, ...env },
      encoding: 'utf8',
    });
    const argv = existsSync(recorded) ? readFileSync(recorded, 'utf8').split('\0').slice(0, -1) : undefined;
    return { status: result.status, stdout: result.stdout, argv };
  }

  /** The words after `dagger --progress plain call`, once the module takes them as they are. */
  function callOf(argv: string[] | undefined): string[] {
    expect(argv?.slice(0, 3)).toEqual(['--progress', 'plain', 'call']);
    const words = argv!.slice(3);
    expect(callProblems(words, scan, { complete: true })).toEqual([]);
    return words;
  }

  const lake = [
    'with-lake',
    '--url',
    's3://market-lake/raw',
    'with-aws',
    '--region',
    'eu-west-1',
    '--access-key-id',
    'env://AWS_ACCESS_KEY_ID',
    '--secret-access-key',
    'env://AWS_SECRET_ACCESS_KEY',
    '--session-token',
    'env://AWS_SESSION_TOKEN',
  ];
  const lakeAndApi = ['with-api', '--api-key', 'env://RAWG_API_KEY', ...lake];

  it('schedule: a daily ingest, the planner deciding what that means', () => {
    const run = runStep(ingest, { ...settings, INPUT_ENDPOINT: '', INPUT_MODE: '', INPUT_DATE: '' });
    expect(run.status).toBe(0);
    expect(callOf(run.argv)).toEqual([...lakeAndApi, 'ingest', '--mode', 'daily']);
  });

  it('by hand: the endpoint, mode and date given, all endpoints when asked', () => {
    const one = runStep(ingest, {
      ...settings,
      INPUT_ENDPOINT: 'parent_platforms',
      INPUT_MODE: 'snapshot',
      INPUT_DATE: '2026-11-01',
    });
    expect(callOf(one.argv)).toEqual([
      ...lakeAndApi,
      'ingest',
      '--mode',
      'snapshot',
      '--endpoint',
      'parent_platforms',
      '--date',
      '2026-11-01',
    ]);
    const all = runStep(ingest, { ...settings, INPUT_ENDPOINT: 'all', INPUT_MODE: 'updated', INPUT_DATE: '' });
    expect(callOf(all.argv)).toEqual([...lakeAndApi, 'ingest', '--mode', 'updated']);
  });

  it('hands every input to dagger as one argument, whatever it holds, for the CLI to refuse', () => {
    const hostile = 'games --api-key env://HOME; touch /tmp/pwned-$$';
    const run = runStep(ingest, { ...settings, INPUT_ENDPOINT: hostile, INPUT_MODE: 'daily', INPUT_DATE: '$(id)' });
    expect(run.status).toBe(0);
    expect(run.argv!.slice(-4)).toEqual(['--endpoint', hostile, '--date', '$(id)']);
    expect(run.argv!.filter((word) => word === '--api-key')).toHaveLength(1);
  });

  it('stops with one clear line when the lake is not set', () => {
    const run = runStep(ingest, { AWS_REGION: 'eu-west-1', LAKE_URL: '' });
    expect(run.status).toBe(1);
    expect(run.stdout.trim()).toBe('::error::set the repository variable LAKE_URL to s3://bucket/prefix');
    expect(run.argv).toBeUndefined();
  });

  it('compacts the lake between ingest and transform, with no API key', () => {
    const order = steps(pipeline).map((s) => s.name);
    expect(order.indexOf('Ingest')).toBeLessThan(order.indexOf('Compact'));
    expect(order.indexOf('Compact')).toBeLessThan(order.indexOf('Transform (dbt on Snowflake)'));
    const run = runStep(compact, settings);
    expect(run.status).toBe(0);
    expect(callOf(run.argv)).toEqual([...lake, 'compact']);
  });

  it("calls the module in the order of a prod run's steps, as src/pipeline-steps.ts declares them, transform with its argv", () => {
    const env = {
      ...settings,
      INPUT_ENDPOINT: 'all',
      INPUT_MODE: 'daily',
      INPUT_DATE: '',
      SNOWFLAKE_ACCOUNT: 'acme-xy12345',
    };
    const calls = steps(pipeline)
      .filter((step) => step.run?.includes('dagger '))
      .map((step) => callOf(runStep(step, env).argv));
    // The function a call runs: the word that names a step and is no flag's value.
    const called = calls.map((words) =>
      words.findIndex((word, i) => (STEP_NAMES as readonly string[]).includes(word) && !words[i - 1]?.startsWith('--')),
    );
    const prod = pipelineSteps('prod');
    expect(calls.map((words, i) => words[called[i]!])).toEqual(prod.map((step) => step.name));
    const transformCall = calls.at(-1)!;
    expect(transformCall.slice(called.at(-1))).toEqual(prod.at(-1)?.args);
  });

  it('builds the Snowflake transform over the lake from the repository variables that are set', () => {
    expect(transform.if).toBe("vars.SNOWFLAKE_ACCOUNT != ''");
    const run = runStep(transform, {
      ...settings,
      SNOWFLAKE_ACCOUNT: 'acme-xy12345',
      SNOWFLAKE_ROLE: 'TRANSFORMER',
      SNOWFLAKE_WAREHOUSE: '',
      SNOWFLAKE_DATABASE: 'MARKET',
    });
    expect(run.status).toBe(0);
    expect(callOf(run.argv)).toEqual([
      ...lake,
      'with-snowflake',
      '--account',
      'acme-xy12345',
      '--user',
      'env://SNOWFLAKE_USER',
      '--password',
      'env://SNOWFLAKE_PASSWORD',
      '--role',
      'TRANSFORMER',
      '--database',
      'MARKET',
      'transform',
      '--target',
      'prod',
    ]);
  });

  it('names secrets to dagger only as env:// references to the variables the step sets', () => {
    for (const step of [ingest, compact, transform]) {
      for (const [, name] of step.run!.matchAll(/env:\/\/([A-Z_]+)/g)) {
        // The AWS variables are exported by the OIDC credentials step; the others by the step itself.
        if (!name!.startsWith('AWS_')) expect(step.env?.[name!], name).toMatch(/^\$\{\{ secrets\.[A-Z_]+ \}\}$/);
      }
      expect(step.run).not.toMatch(/secrets\.|\$\{\{/);
    }
  });
});
