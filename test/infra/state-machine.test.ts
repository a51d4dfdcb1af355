// Applies infra/modules/state-machine with a real OpenTofu (offline: the module has no providers),
// validates the rendered definition with asl-validator, and evaluates its JSONata expressions with
// the jsonata engine to see which tasks a run would start. Step Functions itself cannot run here.
import aslValidator from 'asl-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  asVars,
  CLUSTER,
  commandOf,
  type EcsTask,
  INGEST_TD,
  itemSource,
  moduleRoot,
  type ModuleRoot,
  render,
  shardTask,
  simulate,
  state,
  TOPIC,
  TRANSFORM_TD,
} from './definition.js';
import { pipelineSteps } from '../../src/pipeline-steps.js';
import { DEFAULT_JOB_NAMESPACE, parseParentId } from '../../src/lineage/emitter.js';
import { PIPELINE_JOB } from '../../src/lineage/pipeline.js';
import type { Json, JsonObject } from './support.js';

const EXECUTION = 'daily-2026-11-26';

async function plannerCommand(definition: JsonObject, input: unknown): Promise<string[]> {
  const { rejectedWith, planner } = await simulate(definition, input, EXECUTION);
  expect(rejectedWith).toBeUndefined();
  return commandOf(planner);
}

// Shards as `gmp plan --json --shards N` writes them to _plans/<name>/shards.json.
const sampleShards = [
  {
    units: ['games/updated/2026-11-25', 'genres/snapshot/2026-11-26'],
    maxPages: null,
    args: [
      'ingest',
      '--unit',
      'games/updated/2026-11-25',
      '--unit',
      'genres/snapshot/2026-11-26',
      '--requests-per-second',
      '25',
      '--json',
    ],
  },
  {
    units: ['games/snapshot/2026-11-01/updated=2010-01-01,2011-06-30'],
    maxPages: 120,
    args: [
      'ingest',
      '--unit',
      'games/snapshot/2026-11-01/updated=2010-01-01,2011-06-30',
      '--max-pages',
      '120',
      '--requests-per-second',
      '25',
      '--json',
    ],
  },
];

// --------------------------------------------------------------------------------------------------

let root: ModuleRoot;
let definition: JsonObject;

beforeAll(async () => {
  root = await moduleRoot();
  definition = await root.apply();
}, 120_000);

afterAll(async () => {
  await root?.close();
});

describe('state-machine module, applied offline with OpenTofu', () => {
  it('renders a definition that asl-validator 4.0.0 accepts, Distributed Map and ItemReader included', () => {
    const { isValid, errorsText } = aslValidator(definition);
    expect(isValid, errorsText('\n')).toBe(true);
    const map = state(definition, 'IngestShards');
    expect(map.ItemReader).toBeDefined();
    expect((map.ItemProcessor as JsonObject).ProcessorConfig).toEqual({
      Mode: 'DISTRIBUTED',
      ExecutionType: 'STANDARD',
    });
    // The validator does check the Map: a Distributed processor without its execution type fails.
    const broken = structuredClone(definition);
    ((state(broken, 'IngestShards').ItemProcessor as JsonObject).ProcessorConfig as JsonObject).ExecutionType = null;
    expect(aslValidator(broken).isValid).toBe(false);
  });

  it('daily input {} runs the planner in mode daily, saving the plan under the execution name', async () => {
    expect(await plannerCommand(definition, {})).toEqual([
      'plan',
      '--all',
      '--mode',
      'daily',
      '--json',
      '--shards',
      '4',
      '--save',
      EXECUTION,
    ]);
    expect(await plannerCommand(definition, { mode: 'daily' })).toEqual([
      'plan',
      '--all',
      '--mode',
      'daily',
      '--json',
      '--shards',
      '4',
      '--save',
      EXECUTION,
    ]);
  });

  it('passes mode, date and maxPages from the input to the planner, and nothing else', async () => {
    expect(await plannerCommand(definition, { mode: 'snapshot' })).toEqual([
      'plan',
      '--all',
      '--mode',
      'snapshot',
      '--json',
      '--shards',
      '4',
      '--save',
      EXECUTION,
    ]);
    expect(await plannerCommand(definition, { mode: 'updated', date: '2026-11-25' })).toEqual([
      'plan',
      '--all',
      '--mode',
      'updated',
      '--date',
      '2026-11-25',
      '--json',
      '--shards',
      '4',
      '--save',
      EXECUTION,
    ]);
    expect(await plannerCommand(definition, { date: '2026-11-25' })).toEqual([
      'plan',
      '--all',
      '--mode',
      'daily',
      '--date',
      '2026-11-25',
      '--json',
      '--shards',
      '4',
      '--save',
      EXECUTION,
    ]);
    expect(await plannerCommand(definition, { mode: 'snapshot', maxPages: 500 })).toEqual([
      'plan',
      '--all',
      '--mode',
      'snapshot',
      '--max-pages',
      '500',
      '--json',
      '--shards',
      '4',
      '--save',
      EXECUTION,
    ]);
    expect(await plannerCommand(definition, { mode: 'updated', date: '2026-11-25', maxPages: 1 })).toEqual([
      'plan',
      '--all',
      '--mode',
      'updated',
      '--date',
      '2026-11-25',
      '--max-pages',
      '1',
      '--json',
      '--shards',
      '4',
      '--save',
      EXECUTION,
    ]);
    const { planner } = await simulate(definition, {}, EXECUTION);
    expect(planner?.StartedBy).toBe(EXECUTION);
  });

  it('rejects bad input before starting any task', async () => {
    const rejected = async (input: unknown) => (await simulate(definition, input, EXECUTION)).rejectedWith;
    expect(await rejected({ endpoints: ['games'], mode: 'snapshot' })).toBe('InvalidInput.UnknownField');
    expect(await rejected({ from: '2026-11-01' })).toBe('InvalidInput.UnknownField');
    expect(await rejected([])).toBe('InvalidInput.UnknownField');
    expect(await rejected('daily')).toBe('InvalidInput.UnknownField');
    expect(await rejected({ mode: 'full' })).toBe('InvalidInput.Mode');
    expect(await rejected({ mode: 'weekly' })).toBe('InvalidInput.Mode');
    expect(await rejected({ mode: 'incremental' })).toBe('InvalidInput.Mode');
    expect(await rejected({ mode: 7 })).toBe('InvalidInput.Mode');
    expect(await rejected({ date: '25/11/2026' })).toBe('InvalidInput.Date');
    expect(await rejected({ mode: 'snapshot', date: 20261125 })).toBe('InvalidInput.Date');
    for (const maxPages of [0, -5, 2.5, '100', null, 1_000_001])
      expect(await rejected({ maxPages }), String(maxPages)).toBe('InvalidInput.MaxPages');
    expect(await rejected({ maxPages: 1_000_000 })).toBeUndefined();
  });

  it('reads the Distributed Map items from _plans/<execution name>/shards.json in the lake bucket', async () => {
    const map = state(definition, 'IngestShards');
    const reader = map.ItemReader as JsonObject;
    expect(reader.Resource).toBe('arn:aws:states:::s3:getObject');
    expect(reader.ReaderConfig).toEqual({ InputType: 'JSON' });
    expect(await itemSource(definition, EXECUTION)).toEqual({
      Bucket: 'gmp-lake',
      Key: `_plans/${EXECUTION}/shards.json`,
    });
    expect(map.Items).toBeUndefined();
  });

  it("runs each shard's args unchanged as the ingest task's command, tagged with the parent run", async () => {
    for (const [index, shard] of sampleShards.entries()) {
      const task = await shardTask(definition, shard, EXECUTION, index);
      expect(commandOf(task)).toEqual(shard.args);
      expect(task.StartedBy).toBe(EXECUTION);
    }
    // Whatever argv the planner writes is what runs: no mode, date or endpoint is derived here.
    const future = {
      units: ['x'],
      maxPages: 3,
      args: ['ingest', '--unit', 'x', '--some-new-flag', '--max-pages', '3', '--json'],
    };
    expect(commandOf(await shardTask(definition, future, EXECUTION))).toEqual(future.args);
    expect(JSON.stringify(definition)).not.toContain('--endpoint');
  });

  it('fans out with bounded concurrency, no tolerated failure, and small child outputs', async () => {
    const map = state(definition, 'IngestShards');
    expect(map.MaxConcurrency).toBe(2);
    expect(map.ToleratedFailureCount).toBe(0);
    const processor = map.ItemProcessor as JsonObject;
    const task = state(definition, String(processor.StartAt), processor.States);
    expect(task.End).toBe(true);
    const item = await render(map.ItemSelector, {
      states: {
        input: {},
        context: { Execution: { Name: EXECUTION }, Map: { Item: { Value: sampleShards[1], Index: 1 } } },
      },
    });
    expect(await render(task.Output, { states: { input: item } })).toEqual({ units: sampleShards[1]?.units });
  });

  it('plan, shards, compact, wait, transform: in that order, every failure notified', async () => {
    const planner = state(definition, 'PlanRun');
    const map = state(definition, 'IngestShards');
    const compact = state(definition, 'Compact');
    const transform = state(definition, 'RunTransform');
    expect(planner.Next).toBe('IngestShards');
    expect(map.Next).toBe('Compact');
    expect(compact.Next).toBe('WaitForExternalTables');
    expect(state(definition, 'WaitForExternalTables').Next).toBe('RunTransform');
    expect(transform.Next).toBe('RunSucceeded');
    for (const s of [planner, map, compact, transform])
      expect((s.Catch as JsonObject[])[0]?.Next).toBe('NotifyFailure');
    const compactFailure = await render((compact.Catch as JsonObject[])[0]?.Output, {
      states: { errorOutput: { Error: 'States.TaskFailed', Cause: 'exit 1' } },
    });
    expect(compactFailure).toEqual({ step: 'compact', error: 'States.TaskFailed', cause: 'exit 1' });
    const failure = await render((map.Catch as JsonObject[])[0]?.Output, {
      states: { errorOutput: { Error: 'States.ExceedToleratedFailureThreshold', Cause: 'shard 1 failed' } },
    });
    expect(failure).toEqual({
      step: 'ingest',
      error: 'States.ExceedToleratedFailureThreshold',
      cause: 'shard 1 failed',
    });
    const notify = state(definition, 'NotifyFailure');
    expect(notify.Resource).toBe('arn:aws:states:::sns:publish');
    expect((notify.Arguments as JsonObject).TopicArn).toBe(TOPIC);
    expect(state(definition, String(notify.Next)).Type).toBe('Fail');
  });

  it("runs a prod run's steps in the order src/pipeline-steps.ts declares, each task with the step's command", () => {
    // Follows Next from the input check to success, naming each task by the step whose command it runs.
    const steps = pipelineSteps('prod');
    const ran: string[] = [];
    let name = String(state(definition, String(definition.StartAt)).Default);
    for (let hops = 0; name !== 'RunSucceeded' && hops < 20; hops += 1) {
      const current = state(definition, name);
      if (current.Type === 'Map') ran.push('ingest');
      if (current.Type === 'Task') {
        const { Command } = (
          (current.Arguments as JsonObject).Overrides as { ContainerOverrides: Array<{ Command: Json }> }
        ).ContainerOverrides[0]!;
        const step = steps.find((s) => JSON.stringify(s.args) === JSON.stringify(Command));
        // The planner's command is an expression of the input: it begins the ingest, whose shards the Map runs.
        ran.push(step?.name ?? (name === 'PlanRun' ? 'ingest' : `${name}: ${JSON.stringify(Command)}`));
      }
      name = String(current.Next);
    }
    expect(name).toBe('RunSucceeded');
    expect(ran.filter((step, i) => step !== ran[i - 1])).toEqual(steps.map((step) => step.name));
  });

  it('retries ECS and throttling errors with backoff everywhere; only a shard and the compaction retry a failed task', () => {
    const processor = state(definition, 'IngestShards').ItemProcessor as JsonObject;
    const shard = state(definition, 'RunShard', processor.States);
    const planner = state(definition, 'PlanRun');
    const compact = state(definition, 'Compact');
    const transform = state(definition, 'RunTransform');
    const retried = (task: JsonObject, error: string) =>
      ((task.Retry as JsonObject[]) ?? []).find((r) => Array.isArray(r.ErrorEquals) && r.ErrorEquals.includes(error));
    for (const task of [planner, shard, compact, transform]) {
      const ecs = retried(task, 'ECS.ThrottlingException');
      expect(ecs?.ErrorEquals).toContain('ECS.AmazonECSException');
      expect(Number(ecs?.BackoffRate)).toBeGreaterThan(1);
      expect(Number(ecs?.MaxAttempts)).toBeGreaterThan(1);
      expect(task.Resource).toBe('arn:aws:states:::ecs:runTask.sync');
    }
    expect(Number(retried(shard, 'States.TaskFailed')?.MaxAttempts)).toBeGreaterThan(0);
    expect(Number(retried(compact, 'States.TaskFailed')?.MaxAttempts)).toBeGreaterThan(0);
    expect(retried(planner, 'States.TaskFailed')).toBeUndefined();
    expect(retried(transform, 'States.TaskFailed')).toBeUndefined();
  });

  it('compacts on the ingest task definition and transforms with gmp transform, each task tagged with the run', () => {
    const container = (task: JsonObject) =>
      ((task.Arguments as JsonObject).Overrides as { ContainerOverrides: Array<{ Name: string; Command: Json }> })
        .ContainerOverrides[0];
    const compact = state(definition, 'Compact');
    const transform = state(definition, 'RunTransform');
    expect((compact.Arguments as JsonObject).TaskDefinition).toBe(INGEST_TD);
    expect(container(compact)).toMatchObject({ Name: 'ingest', Command: ['compact', '--json'] });
    expect((transform.Arguments as JsonObject).TaskDefinition).toBe(TRANSFORM_TD);
    expect(container(transform)).toMatchObject({ Name: 'transform', Command: ['transform', '--target', 'prod'] });
    for (const task of [compact, transform, state(definition, 'PlanRun')]) {
      expect((task.Arguments as JsonObject).StartedBy).toBe('{% $states.context.Execution.Name %}');
      expect(task.TimeoutSeconds).toBeGreaterThanOrEqual(60);
    }
  });

  it("gives every task of a run one lineage parent, the pipeline's run, in the form gmp reads from OPENLINEAGE_PARENT_ID", async () => {
    const parentOf = (task: EcsTask | undefined) =>
      task?.Overrides.ContainerOverrides[0]?.Environment?.find((e) => e.Name === 'OPENLINEAGE_PARENT_ID')?.Value;
    const inRun = async (name: string, execution: string) =>
      (await render(state(definition, name).Arguments, {
        states: { input: {}, context: { Execution: { Name: execution } } },
      })) as EcsTask;
    const parents = [
      parentOf((await simulate(definition, {}, EXECUTION)).planner),
      parentOf(await shardTask(definition, sampleShards[0], EXECUTION, 0)),
      parentOf(await inRun('Compact', EXECUTION)),
      parentOf(await inRun('RunTransform', EXECUTION)),
    ];
    expect(new Set(parents).size).toBe(1);
    const parent = parseParentId(parents[0]);
    expect(parent?.job).toEqual({ namespace: DEFAULT_JOB_NAMESPACE, name: PIPELINE_JOB });
    // Another run, another parent.
    expect(parentOf(await inRun('Compact', 'daily-2026-11-27'))).not.toBe(parents[0]);
  });

  it('starts every ECS task the same way: the cluster, Fargate, the network and the tags of its task definition', () => {
    const processor = state(definition, 'IngestShards').ItemProcessor as JsonObject;
    const tasks = [
      state(definition, 'PlanRun'),
      state(definition, 'RunShard', processor.States),
      state(definition, 'Compact'),
      state(definition, 'RunTransform'),
    ];
    const launch = (task: JsonObject) => {
      const { Cluster, LaunchType, PlatformVersion, NetworkConfiguration, PropagateTags } =
        task.Arguments as JsonObject;
      return { Cluster, LaunchType, PlatformVersion, NetworkConfiguration, PropagateTags };
    };
    expect(launch(tasks[0]!)).toEqual({
      Cluster: CLUSTER,
      LaunchType: 'FARGATE',
      PlatformVersion: 'LATEST',
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          Subnets: ['subnet-0a1b2c3d'],
          SecurityGroups: ['sg-0a1b2c3d'],
          AssignPublicIp: 'DISABLED',
        },
      },
      PropagateTags: 'TASK_DEFINITION',
    });
    for (const task of tasks) expect(launch(task)).toEqual(launch(tasks[0]!));
  });

  it('a lake under a prefix and another shard count change the key and the planner command', async () => {
    const other = await root.apply({ lake_url: 's3://gmp-lake/prod/lake', shards: '7' });
    expect(aslValidator(other).isValid).toBe(true);
    expect(await itemSource(other, EXECUTION)).toEqual({
      Bucket: 'gmp-lake',
      Key: `prod/lake/_plans/${EXECUTION}/shards.json`,
    });
    expect(await plannerCommand(other, {})).toEqual([
      'plan',
      '--all',
      '--mode',
      'daily',
      '--json',
      '--shards',
      '7',
      '--save',
      EXECUTION,
    ]);
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
      const result = await root.tofu('plan', '-input=false', '-no-color', ...asVars(vars));
      expect(result.code, JSON.stringify(vars)).not.toBe(0);
      expect(result.stderr.replace(/\s+/g, ' ')).toMatch(message);
    }
    const accepted = await root.tofu(
      'plan',
      '-input=false',
      '-no-color',
      ...asVars({ shards: '3', max_concurrency: '3' }),
    );
    expect(accepted.code, accepted.stderr).toBe(0);
  });
});
