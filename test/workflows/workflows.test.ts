/**
 * The GitHub workflows, checked here the way a reviewer would: actionlint (with shellcheck on
 * every script), the schedule, permissions and pins, how secrets travel, and what the scheduled
 * run actually calls. The planning script of pipeline.yml is run for real with bash, and every
 * `dagger call` it produces is matched against the module's functions and flags as the SDK's
 * introspector reads them. Running the calls needs GitHub and an engine: that is not done here.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kebab, scanModule, type ModuleFunction } from '../dagger/introspect.js';

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
const daily = schedules.find((cron) => /^\S+ \S+ \* \* \*$/.test(cron));
const weekly = schedules.find((cron) => /^\S+ \S+ \* \* [0-6]$/.test(cron));
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

  it('runs dagger call test on a real engine of the module engine version', () => {
    const [step, ...others] = daggerSteps(ci);
    expect(others).toEqual([]);
    expect(step?.with).toMatchObject({ version: engineVersion.replace(/^v/, ''), call: 'test' });
  });
});

describe('pipeline.yml', () => {

  it('is scheduled daily and weekly, and can be started by hand with endpoint, mode and date', () => {
    expect(schedules).toHaveLength(2);
    expect(daily).toBeDefined();
    expect(weekly).toBeDefined();
    const inputs = (pipeline.on.workflow_dispatch as { inputs: Record<string, { type: string; options?: string[] }> }).inputs;
    expect(Object.keys(inputs).sort()).toEqual(['date', 'endpoint', 'mode']);
    expect(inputs.mode!.type).toBe('choice');
    expect(inputs.mode!.options!.sort()).toEqual(['daily', 'incremental', 'snapshot']);
  });

  it('never overlaps itself', () => {
    expect(pipeline.concurrency?.group).toMatch(/\S/);
    expect(pipeline.concurrency?.['cancel-in-progress']).toBe(false);
  });

  it('asks for the least permissions: none by default, read and an OIDC token for the job', () => {
    expect(pipeline.permissions).toEqual({});
    for (const job of Object.values(pipeline.jobs)) expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
  });

  it('pins every action to a release, and the Dagger CLI to the module engine version', () => {
    for (const step of [...steps(pipeline), ...steps(ci)].filter((s) => s.uses)) expect(step.uses).toMatch(/^[\w-]+\/[\w-]+@v\d+\.\d+\.\d+$/);
    expect(daggerSteps(pipeline).length).toBeGreaterThan(0);
    for (const step of daggerSteps(pipeline)) expect(step.with?.version).toBe(engineVersion.replace(/^v/, ''));
  });

  it('lets secrets reach the steps only through env, and dagger only through env://', () => {
    const visit = (value: unknown, path: string[]): void => {
      if (typeof value === 'string' && value.includes('secrets.')) expect(path.join('.')).toMatch(/^jobs\.\w+\.steps\.\d+\.env\.[A-Z_]+$/);
      else if (value && typeof value === 'object') for (const [key, child] of Object.entries(value)) visit(child, [...path, key]);
    };
    visit(pipeline, []);
    visit(ci, []);
    for (const step of daggerSteps(pipeline)) {
      const flags = [...step.with!.call!.matchAll(/--(api-key|aws-[a-z-]+|snowflake-(?:user|password)) (\S+)/g)];
      for (const [, flag, value] of flags) {
        if (flag === 'aws-region') continue;
        expect(value, flag).toMatch(/^env:\/\/[A-Z_]+$/);
        const name = value!.slice('env://'.length);
        // The AWS variables are exported by the OIDC credentials step; the others by the step itself.
        if (!name.startsWith('AWS_')) expect(step.env?.[name], name).toMatch(/^\$\{\{ secrets\.[A-Z_]+ \}\}$/);
      }
    }
    expect(steps(pipeline).some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))).toBe(true);
  });
});

describe('pipeline.yml: what each trigger calls', () => {
  const plan = steps(pipeline).find((s) => s.id === 'plan')!;
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const settings = { LAKE_URL: 's3://market-lake/raw', AWS_REGION: 'eu-west-1' };
  let functions: Record<string, ModuleFunction>;
  beforeAll(async () => {
    functions = (await scanModule()).objects.GameMarketPipeline!.methods;
  });

  /** Runs the step's script as GitHub does (`shell: bash`) and returns what it wrote to GITHUB_OUTPUT. */
  function runPlan(env: Record<string, string>) {
    const output = join(mkdtempSync(join(tmpdir(), 'plan-')), 'output');
    writeFileSync(output, '');
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', plan.run!], {
      env: { PATH: process.env.PATH, GITHUB_OUTPUT: output, ...env },
      encoding: 'utf8',
    });
    const outputs = Object.fromEntries(
      readFileSync(output, 'utf8').split('\n').filter(Boolean).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    return { status: result.status, stdout: result.stdout, outputs };
  }

  /** The full `dagger call` line of a step, with the plan's output in place of its expression. */
  function callOf(stepName: string, planned: string): string {
    const step = daggerSteps(pipeline).find((s) => s.name === stepName)!;
    return step.with!.call!.replace(/\$\{\{ steps\.plan\.outputs\.\w+ \}\}/, planned);
  }

  /** Fails unless the module has the function and every flag given, with a valid enum value. */
  function expectCallable(call: string) {
    const [name, ...rest] = call.split(/\s+/);
    const fn = Object.values(functions).find((f) => kebab(f.name) === name);
    expect(fn, `function ${name}`).toBeDefined();
    for (let i = 0; i < rest.length; i += 2) {
      const flag = rest[i]!.replace(/^--/, '');
      const arg = Object.values(fn!.arguments).find((a) => kebab(a.name) === flag);
      expect(arg, `${name} --${flag}`).toBeDefined();
      expect(rest[i + 1], `${name} --${flag} value`).toBeDefined();
      if (arg!.type?.name === 'Secret') expect(rest[i + 1]).toMatch(/^env:\/\//);
      if (arg!.type?.name === 'Mode') expect(['snapshot', 'incremental', 'daily']).toContain(rest[i + 1]);
    }
  }

  it('daily: yesterday of every endpoint, incremental where it can', () => {
    const { status, outputs } = runPlan({ EVENT: 'schedule', SCHEDULE: daily!, ...settings });
    expect(status).toBe(0);
    expect(outputs.ingest).toBe(`ingest-all --mode daily --date ${yesterday} --lake-url s3://market-lake/raw --aws-region eu-west-1`);
    expect(outputs.transform).toBe('');
    expectCallable(callOf('Ingest', outputs.ingest!));
  });

  it('weekly: a games snapshot', () => {
    const { status, outputs } = runPlan({ EVENT: 'schedule', SCHEDULE: weekly!, ...settings });
    expect(status).toBe(0);
    expect(outputs.ingest).toBe('ingest --endpoint games --mode snapshot --lake-url s3://market-lake/raw --aws-region eu-west-1');
    expectCallable(callOf('Ingest', outputs.ingest!));
  });

  it('by hand: the endpoint, mode and date given', () => {
    const one = runPlan({ EVENT: 'workflow_dispatch', INPUT_ENDPOINT: 'parent_platforms', INPUT_MODE: 'snapshot', INPUT_DATE: '', ...settings });
    expect(one.outputs.ingest).toBe('ingest --endpoint parent_platforms --mode snapshot --lake-url s3://market-lake/raw --aws-region eu-west-1');
    expectCallable(callOf('Ingest', one.outputs.ingest!));
    const all = runPlan({ EVENT: 'workflow_dispatch', INPUT_ENDPOINT: 'all', INPUT_MODE: 'incremental', INPUT_DATE: '2026-11-01', ...settings });
    expect(all.outputs.ingest).toMatch(/^ingest-all --mode incremental --date 2026-11-01 --lake-url /);
    expectCallable(callOf('Ingest', all.outputs.ingest!));
  });

  it('refuses inputs that are not plain names and dates, before any command line', () => {
    for (const bad of [
      { INPUT_ENDPOINT: 'games --api-key env://HOME; curl example.com', INPUT_MODE: 'daily', INPUT_DATE: '' },
      { INPUT_ENDPOINT: 'games', INPUT_MODE: 'daily', INPUT_DATE: '$(id)' },
      { INPUT_ENDPOINT: 'games', INPUT_MODE: 'weekly', INPUT_DATE: '' },
    ]) {
      const result = runPlan({ EVENT: 'workflow_dispatch', ...bad, ...settings });
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(/^::error::(endpoint|date|mode) must be/m);
      expect(result.outputs).toEqual({});
    }
    const noLake = runPlan({ EVENT: 'schedule', SCHEDULE: daily!, AWS_REGION: 'eu-west-1' });
    expect(noLake.status).toBe(1);
    expect(noLake.stdout).toContain('::error::set the repository variable LAKE_URL');
  });

  it('builds the Snowflake transform from the repository variables that are set', () => {
    const { outputs } = runPlan({ EVENT: 'schedule', SCHEDULE: daily!, ...settings, SNOWFLAKE_ACCOUNT: 'acme-xy12345', SNOWFLAKE_ROLE: 'TRANSFORMER', SNOWFLAKE_WAREHOUSE: '' });
    expect(outputs.transform).toBe('transform --target prod --snowflake-account acme-xy12345 --snowflake-role TRANSFORMER');
    expectCallable(callOf('Transform (dbt on Snowflake)', outputs.transform!));
    const bad = runPlan({ EVENT: 'schedule', SCHEDULE: daily!, ...settings, SNOWFLAKE_ACCOUNT: 'acme; rm' });
    expect(bad.status).toBe(1);
  });
});
