// Applies infra/modules/state-machine with a real OpenTofu (offline: the module has no providers),
// validates the rendered definition with asl-validator, and evaluates its JSONata expressions with
// the jsonata engine to see which tasks a run would start. Step Functions itself cannot run here.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import aslValidator from 'asl-validator';
import jsonata from 'jsonata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { infraDir, isObject, type Json, type JsonObject, requireTool, run, tofuBin } from './support.js';

const INGEST_TD = 'arn:aws:ecs:eu-west-1:111122223333:task-definition/gmp-ingest:7';
const TRANSFORM_TD = 'arn:aws:ecs:eu-west-1:111122223333:task-definition/gmp-transform:3';
const CLUSTER = 'arn:aws:ecs:eu-west-1:111122223333:cluster/gmp';
const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:gmp-failures';
const EXECUTION = 'daily-2026-11-26';

// A local module source must be relative (an absolute one is copied away from config/).
const rootModule = (dir: string) => `
variable "lake_url" {
  type    = string
  default = "s3://gmp-lake"
}
variable "shards" {
  type    = number
  default = null
}
variable "max_concurrency" {
  type    = number
  default = null
}
module "definition" {
  source                        = ${JSON.stringify(path.relative(dir, path.join(infraDir, 'modules/state-machine')))}
  lake_url                      = var.lake_url
  shards                        = var.shards
  max_concurrency               = var.max_concurrency
  cluster_arn                   = "${CLUSTER}"
  ingest_task_definition_arn    = "${INGEST_TD}"
  transform_task_definition_arn = "${TRANSFORM_TD}"
  subnet_ids                    = ["subnet-0a1b2c3d"]
  security_group_ids            = ["sg-0a1b2c3d"]
  failure_topic_arn             = "${TOPIC}"
}
output "definition" {
  value = module.definition.definition
}
`;

let workDir: string;
// An empty CLI config: no plugin cache, no credentials, nothing from the user's ~/.terraformrc.
const tofuEnv = () => ({ ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: path.join(workDir, 'cli.tfrc') });

async function tofu(...args: string[]) {
  const result = await run(requireTool(tofuBin), args, { cwd: workDir, env: tofuEnv() });
  if (result.code !== 0) throw new Error(`tofu ${args.join(' ')} failed:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

const asVars = (vars: Record<string, string>) => Object.entries(vars).flatMap(([k, v]) => ['-var', `${k}=${v}`]);

/** Applies the module with the given variables and returns the definition. */
async function applyDefinition(vars: Record<string, string> = {}): Promise<JsonObject> {
  await tofu('apply', '-auto-approve', '-input=false', '-no-color', ...asVars(vars));
  const definition: unknown = JSON.parse(JSON.parse(await tofu('output', '-json', 'definition')));
  if (!isObject(definition as Json)) throw new Error('definition output is not a JSON object');
  return definition as JsonObject;
}

// --- a small evaluator for the JSONata templates of the definition ------------------------------

type Bindings = Record<string, unknown>;

async function render(template: Json | undefined, bindings: Bindings): Promise<unknown> {
  if (typeof template === 'string') {
    const match = /^\{%([\s\S]*)%\}$/.exec(template);
    return match ? jsonata(match[1] ?? '').evaluate({}, bindings) : template;
  }
  if (Array.isArray(template)) return Promise.all(template.map((t) => render(t, bindings)));
  if (isObject(template)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(template)) out[k] = await render(v, bindings);
    return out;
  }
  return template;
}

function state(definition: JsonObject, name: string, states = definition.States): JsonObject {
  const found = isObject(states) ? states[name] : undefined;
  if (!isObject(found)) throw new Error(`no state ${name}`);
  return found;
}

const context = { Execution: { Name: EXECUTION, Id: 'exec-id', Input: {} } };

interface EcsTask {
  TaskDefinition: string;
  Cluster: string;
  LaunchType: string;
  StartedBy: string;
  Overrides: { ContainerOverrides: Array<{ Name: string; Command: string[] }> };
}

/** Follows the definition from its start for one execution input, up to the planner task it starts. */
async function simulate(definition: JsonObject, input: unknown): Promise<{ rejectedWith?: string; planner?: EcsTask }> {
  const validate = state(definition, String(definition.StartAt));
  expect(validate.Type).toBe('Choice');
  const states = { input, context };
  for (const choice of Array.isArray(validate.Choices) ? validate.Choices : []) {
    if (!isObject(choice)) continue;
    if ((await render(choice.Condition, { states })) === true) return { rejectedWith: String(state(definition, String(choice.Next)).Error) };
  }
  const planner = state(definition, String(validate.Default));
  return { planner: (await render(planner.Arguments, { states })) as EcsTask };
}

function ingestCommand(task: EcsTask | undefined): string[] {
  expect(task?.TaskDefinition).toBe(INGEST_TD);
  expect(task?.Cluster).toBe(CLUSTER);
  expect(task?.LaunchType).toBe('FARGATE');
  expect(task?.Overrides.ContainerOverrides).toHaveLength(1);
  const [override] = task?.Overrides.ContainerOverrides ?? [];
  expect(override?.Name).toBe('ingest');
  return override?.Command ?? [];
}

async function plannerCommand(definition: JsonObject, input: unknown): Promise<string[]> {
  const { rejectedWith, planner } = await simulate(definition, input);
  expect(rejectedWith).toBeUndefined();
  return ingestCommand(planner);
}

/** The task one shard's child execution starts, given the shard as the planner wrote it. */
async function shardTask(definition: JsonObject, shard: unknown, index = 0): Promise<EcsTask> {
  const map = state(definition, 'IngestShards');
  const item = await render(map.ItemSelector, { states: { input: {}, context: { ...context, Map: { Item: { Value: shard, Index: index } } } } });
  const processor = map.ItemProcessor as JsonObject;
  const task = state(definition, String(processor.StartAt), processor.States);
  // A child execution has its own context; only its input links it to the parent run.
  const child = { Execution: { Name: 'IngestShard:0f1e2d3c', Id: 'child-id', Input: item } };
  return (await render(task.Arguments, { states: { input: item, context: child } })) as EcsTask;
}

// Shards as `gmp plan --json --shards N` writes them to _plans/<name>/shards.json.
const sampleShards = [
  {
    units: ['games/updated/2026-11-25', 'genres/snapshot/2026-11-26'],
    maxPages: null,
    args: ['ingest', '--unit', 'games/updated/2026-11-25', '--unit', 'genres/snapshot/2026-11-26', '--requests-per-second', '25', '--json'],
  },
  {
    units: ['games/snapshot/2026-11-01/updated=2010-01-01,2011-06-30'],
    maxPages: 120,
    args: ['ingest', '--unit', 'games/snapshot/2026-11-01/updated=2010-01-01,2011-06-30', '--max-pages', '120', '--requests-per-second', '25', '--json'],
  },
];

// --------------------------------------------------------------------------------------------------

let definition: JsonObject;

beforeAll(async () => {
  requireTool(tofuBin);
  workDir = await mkdtemp(path.join(os.tmpdir(), 'gmp-state-machine-'));
  await writeFile(path.join(workDir, 'main.tf'), rootModule(workDir));
  await writeFile(path.join(workDir, 'cli.tfrc'), '');
  await tofu('init', '-input=false', '-no-color', '-backend=false');
  definition = await applyDefinition();
}, 120_000);

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('state-machine module, applied offline with OpenTofu', () => {
  it('renders a definition that asl-validator 4.0.0 accepts, Distributed Map and ItemReader included', () => {
    const { isValid, errorsText } = aslValidator(definition);
    expect(isValid, errorsText('\n')).toBe(true);
    const map = state(definition, 'IngestShards');
    expect(map.ItemReader).toBeDefined();
    expect((map.ItemProcessor as JsonObject).ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    // The validator does check the Map: a Distributed processor without its execution type fails.
    const broken = structuredClone(definition);
    ((state(broken, 'IngestShards').ItemProcessor as JsonObject).ProcessorConfig as JsonObject).ExecutionType = null;
    expect(aslValidator(broken).isValid).toBe(false);
  });

  it('daily input {} runs the planner in mode daily, saving the plan under the execution name', async () => {
    expect(await plannerCommand(definition, {})).toEqual(['plan', '--all', '--mode', 'daily', '--json', '--shards', '4', '--save', EXECUTION]);
    expect(await plannerCommand(definition, { mode: 'daily' })).toEqual(['plan', '--all', '--mode', 'daily', '--json', '--shards', '4', '--save', EXECUTION]);
  });

  it('passes mode and date from the input to the planner, and nothing else', async () => {
    expect(await plannerCommand(definition, { mode: 'snapshot' })).toEqual(['plan', '--all', '--mode', 'snapshot', '--json', '--shards', '4', '--save', EXECUTION]);
    expect(await plannerCommand(definition, { mode: 'incremental', date: '2026-11-25' })).toEqual([
      'plan', '--all', '--mode', 'incremental', '--date', '2026-11-25', '--json', '--shards', '4', '--save', EXECUTION,
    ]);
    expect(await plannerCommand(definition, { date: '2026-11-25' })).toEqual([
      'plan', '--all', '--mode', 'daily', '--date', '2026-11-25', '--json', '--shards', '4', '--save', EXECUTION,
    ]);
    const { planner } = await simulate(definition, {});
    expect(planner?.StartedBy).toBe(EXECUTION);
  });

  it('rejects bad input before starting any task', async () => {
    const rejected = async (input: unknown) => (await simulate(definition, input)).rejectedWith;
    expect(await rejected({ endpoints: ['games'], mode: 'snapshot' })).toBe('InvalidInput.UnknownField');
    expect(await rejected({ from: '2026-11-01' })).toBe('InvalidInput.UnknownField');
    expect(await rejected([])).toBe('InvalidInput.UnknownField');
    expect(await rejected('daily')).toBe('InvalidInput.UnknownField');
    expect(await rejected({ mode: 'full' })).toBe('InvalidInput.Mode');
    expect(await rejected({ mode: 'weekly' })).toBe('InvalidInput.Mode');
    expect(await rejected({ mode: 7 })).toBe('InvalidInput.Mode');
    expect(await rejected({ date: '25/11/2026' })).toBe('InvalidInput.Date');
    expect(await rejected({ mode: 'snapshot', date: 20261125 })).toBe('InvalidInput.Date');
  });

  it('reads the Distributed Map items from _plans/<execution name>/shards.json in the lake bucket', async () => {
    const map = state(definition, 'IngestShards');
    const reader = map.ItemReader as JsonObject;
    expect(reader.Resource).toBe('arn:aws:states:::s3:getObject');
    expect(reader.ReaderConfig).toEqual({ InputType: 'JSON' });
    expect(await render(reader.Arguments, { states: { input: {}, context } })).toEqual({ Bucket: 'gmp-lake', Key: `_plans/${EXECUTION}/shards.json` });
    expect(map.Items).toBeUndefined();
  });

  it("runs each shard's args unchanged as the ingest task's command, tagged with the parent run", async () => {
    for (const [index, shard] of sampleShards.entries()) {
      const task = await shardTask(definition, shard, index);
      expect(ingestCommand(task)).toEqual(shard.args);
      expect(task.StartedBy).toBe(EXECUTION);
    }
    // Whatever argv the planner writes is what runs: no mode, date or endpoint is derived here.
    const future = { units: ['x'], maxPages: 3, args: ['ingest', '--unit', 'x', '--some-new-flag', '--max-pages', '3', '--json'] };
    expect(ingestCommand(await shardTask(definition, future))).toEqual(future.args);
    expect(JSON.stringify(definition)).not.toContain('--endpoint');
  });

  it('fans out with bounded concurrency, no tolerated failure, and small child outputs', async () => {
    const map = state(definition, 'IngestShards');
    expect(map.MaxConcurrency).toBe(2);
    expect(map.ToleratedFailureCount).toBe(0);
    const processor = map.ItemProcessor as JsonObject;
    const task = state(definition, String(processor.StartAt), processor.States);
    expect(task.End).toBe(true);
    const item = await render(map.ItemSelector, { states: { input: {}, context: { ...context, Map: { Item: { Value: sampleShards[1], Index: 1 } } } } });
    expect(await render(task.Output, { states: { input: item } })).toEqual({ units: sampleShards[1]?.units });
  });

  it('plan, shards, wait, dbt: in that order, every failure notified', async () => {
    const planner = state(definition, 'PlanRun');
    const map = state(definition, 'IngestShards');
    const transform = state(definition, 'RunTransform');
    expect(planner.Next).toBe('IngestShards');
    expect(map.Next).toBe('WaitForExternalTables');
    expect(state(definition, 'WaitForExternalTables').Next).toBe('RunTransform');
    expect(transform.Next).toBe('RunSucceeded');
    for (const s of [planner, map, transform]) expect((s.Catch as JsonObject[])[0]?.Next).toBe('NotifyFailure');
    const failure = await render((map.Catch as JsonObject[])[0]?.Output, {
      states: { errorOutput: { Error: 'States.ExceedToleratedFailureThreshold', Cause: 'shard 1 failed' } },
    });
    expect(failure).toEqual({ step: 'ingest', error: 'States.ExceedToleratedFailureThreshold', cause: 'shard 1 failed' });
    const notify = state(definition, 'NotifyFailure');
    expect(notify.Resource).toBe('arn:aws:states:::sns:publish');
    expect((notify.Arguments as JsonObject).TopicArn).toBe(TOPIC);
    expect(state(definition, String(notify.Next)).Type).toBe('Fail');
  });

  it('retries ECS and throttling errors with backoff everywhere; only a shard retries a failed task', () => {
    const processor = state(definition, 'IngestShards').ItemProcessor as JsonObject;
    const shard = state(definition, 'RunShard', processor.States);
    const planner = state(definition, 'PlanRun');
    const transform = state(definition, 'RunTransform');
    const retried = (task: JsonObject, error: string) => ((task.Retry as JsonObject[]) ?? []).find((r) => Array.isArray(r.ErrorEquals) && r.ErrorEquals.includes(error));
    for (const task of [planner, shard, transform]) {
      const ecs = retried(task, 'ECS.ThrottlingException');
      expect(ecs?.ErrorEquals).toContain('ECS.AmazonECSException');
      expect(Number(ecs?.BackoffRate)).toBeGreaterThan(1);
      expect(Number(ecs?.MaxAttempts)).toBeGreaterThan(1);
      expect(task.Resource).toBe('arn:aws:states:::ecs:runTask.sync');
    }
    expect(Number(retried(shard, 'States.TaskFailed')?.MaxAttempts)).toBeGreaterThan(0);
    expect(retried(planner, 'States.TaskFailed')).toBeUndefined();
    expect((transform.Arguments as JsonObject).TaskDefinition).toBe(TRANSFORM_TD);
    expect(((transform.Arguments as JsonObject).Overrides as { ContainerOverrides: Array<{ Command: string[] }> }).ContainerOverrides[0]?.Command).toEqual([
      'build',
      '--target',
      'prod',
    ]);
  });

  it('a lake under a prefix and another shard count change the key and the planner command', async () => {
    const other = await applyDefinition({ lake_url: 's3://gmp-lake/prod/lake', shards: '7' });
    expect(aslValidator(other).isValid).toBe(true);
    const reader = state(other, 'IngestShards').ItemReader as JsonObject;
    expect(await render(reader.Arguments, { states: { input: {}, context } })).toEqual({ Bucket: 'gmp-lake', Key: `prod/lake/_plans/${EXECUTION}/shards.json` });
    expect(await plannerCommand(other, {})).toEqual(['plan', '--all', '--mode', 'daily', '--json', '--shards', '7', '--save', EXECUTION]);
  });

  it('refuses a lake URL that is not S3, a shard count out of range, and more shards at once than shards', async () => {
    const refused: Array<[Record<string, string>, RegExp]> = [
      [{ lake_url: 'file://./.lake' }, /lake_url must be/],
      [{ shards: '0' }, /shards must be/],
      [{ shards: '2.5' }, /shards must be/],
      // Each shard runs at the rate cap divided by shards: three at once of two would exceed it.
      [{ shards: '2', max_concurrency: '3' }, /max_concurrency must not exceed shards/],
    ];
    for (const [vars, message] of refused) {
      const result = await run(requireTool(tofuBin), ['plan', '-input=false', '-no-color', ...asVars(vars)], { cwd: workDir, env: tofuEnv() });
      expect(result.code, JSON.stringify(vars)).not.toBe(0);
      expect(result.stderr.replace(/\s+/g, ' ')).toMatch(message);
    }
    const accepted = await run(requireTool(tofuBin), ['plan', '-input=false', '-no-color', ...asVars({ shards: '3', max_concurrency: '3' })], { cwd: workDir, env: tofuEnv() });
    expect(accepted.code, accepted.stderr).toBe(0);
  });
});
