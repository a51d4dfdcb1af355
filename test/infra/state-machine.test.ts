// Applies infra/modules/state-machine with a real OpenTofu (offline: the module has no providers),
// validates the rendered definition with asl-validator, and evaluates its JSONata expressions with
// the jsonata engine to see which tasks a run would start. Step Functions itself cannot run here.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import aslValidator from 'asl-validator';
import jsonata from 'jsonata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { infraDir, isObject, type Json, type JsonObject, repoRoot, requireTool, run, tofuBin } from './support.js';

const INGEST_TD = 'arn:aws:ecs:eu-west-1:111122223333:task-definition/gmp-ingest:7';
const TRANSFORM_TD = 'arn:aws:ecs:eu-west-1:111122223333:task-definition/gmp-transform:3';
const CLUSTER = 'arn:aws:ecs:eu-west-1:111122223333:cluster/gmp';
const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:gmp-failures';

// A local module source must be relative (an absolute one is copied away from config/).
const rootModule = (dir: string) => `
variable "endpoints_file" {
  type    = string
  default = null
}
module "definition" {
  source                        = ${JSON.stringify(path.relative(dir, path.join(infraDir, 'modules/state-machine')))}
  endpoints_file                = var.endpoints_file
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

/** Applies the module (optionally on another endpoints file) and returns the definition. */
async function applyDefinition(endpointsFile?: string): Promise<JsonObject> {
  const vars = endpointsFile ? ['-var', `endpoints_file=${endpointsFile}`] : [];
  await tofu('apply', '-auto-approve', '-input=false', '-no-color', ...vars);
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

const context = { Execution: { Name: 'daily-2026-11-26', Id: 'exec-id', Input: {} } };

interface Outcome {
  rejectedWith?: string;
  ingestTasks: Array<{ TaskDefinition: string; Cluster: string; LaunchType: string; Overrides: { ContainerOverrides: Array<{ Name: string; Command: string[] }> } }>;
}

/** Follows the definition from its start for one execution input, up to the ingest tasks it starts. */
async function simulate(definition: JsonObject, input: Json): Promise<Outcome> {
  const load = state(definition, String(definition.StartAt));
  const catalogue = isObject(load.Assign) ? load.Assign.catalogue : undefined;
  const validate = state(definition, String(load.Next));
  const states = { input, context };
  for (const choice of Array.isArray(validate.Choices) ? validate.Choices : []) {
    if (!isObject(choice)) continue;
    if ((await render(choice.Condition, { states, catalogue })) === true) {
      return { rejectedWith: String(state(definition, String(choice.Next)).Error), ingestTasks: [] };
    }
  }
  const map = state(definition, String(validate.Default));
  const items = (await render(map.Items, { states, catalogue })) as Json[];
  const processor = map.ItemProcessor as JsonObject;
  const task = state(definition, String(processor.StartAt), processor.States);
  const ingestTasks: Outcome['ingestTasks'] = [];
  for (const [index, item] of items.entries()) {
    const selected = await render(map.ItemSelector, { states: { input, context: { ...context, Map: { Item: { Value: item, Index: index } } } } });
    ingestTasks.push((await render(task.Arguments, { states: { input: selected, context } })) as Outcome['ingestTasks'][number]);
  }
  return { ingestTasks };
}

function commands(outcome: Outcome): string[][] {
  return outcome.ingestTasks.map((t) => {
    expect(t.TaskDefinition).toBe(INGEST_TD);
    expect(t.Cluster).toBe(CLUSTER);
    expect(t.LaunchType).toBe('FARGATE');
    expect(t.Overrides.ContainerOverrides).toHaveLength(1);
    const [override] = t.Overrides.ContainerOverrides;
    expect(override?.Name).toBe('ingest');
    return override?.Command ?? [];
  });
}

// --------------------------------------------------------------------------------------------------

let endpoints: Array<{ name: string; incremental?: string }>;
let definition: JsonObject;

beforeAll(async () => {
  requireTool(tofuBin);
  workDir = await mkdtemp(path.join(os.tmpdir(), 'gmp-state-machine-'));
  await writeFile(path.join(workDir, 'main.tf'), rootModule(workDir));
  await writeFile(path.join(workDir, 'cli.tfrc'), '');
  await tofu('init', '-input=false', '-no-color', '-backend=false');
  const catalogue = JSON.parse(await readFile(path.join(repoRoot, 'config/endpoints.json'), 'utf8')) as { endpoints: typeof endpoints };
  endpoints = catalogue.endpoints;
  definition = await applyDefinition();
}, 120_000);

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('state-machine module, applied offline with OpenTofu', () => {
  it('renders a definition that asl-validator accepts', () => {
    const { isValid, errorsText } = aslValidator(definition);
    expect(isValid, errorsText('\n')).toBe(true);
  });

  it('daily input {} starts one ingest per endpoint, incremental where the endpoint supports it', async () => {
    const cmds = commands(await simulate(definition, {}));
    expect(cmds).toEqual(
      endpoints.map((e) => ['ingest', '--endpoint', e.name, '--mode', e.incremental ? 'incremental' : 'snapshot', '--json']),
    );
  });

  it('weekly input takes a snapshot of games only', async () => {
    const cmds = commands(await simulate(definition, { endpoints: ['games'], mode: 'snapshot' }));
    expect(cmds).toEqual([['ingest', '--endpoint', 'games', '--mode', 'snapshot', '--json']]);
  });

  it('passes the date from the execution input to every task', async () => {
    const cmds = commands(await simulate(definition, { endpoints: ['games', 'genres'], date: '2026-11-25' }));
    expect(cmds).toEqual([
      ['ingest', '--endpoint', 'games', '--mode', 'incremental', '--date', '2026-11-25', '--json'],
      ['ingest', '--endpoint', 'genres', '--mode', 'snapshot', '--date', '2026-11-25', '--json'],
    ]);
  });

  it('rejects bad input before starting any task', async () => {
    expect((await simulate(definition, { endpoints: ['nope'] })).rejectedWith).toBe('InvalidInput.UnknownEndpoint');
    expect((await simulate(definition, { endpoints: [] })).rejectedWith).toBe('InvalidInput.UnknownEndpoint');
    expect((await simulate(definition, { mode: 'full' })).rejectedWith).toBe('InvalidInput.Mode');
    expect((await simulate(definition, { mode: 'incremental' })).rejectedWith).toBe('InvalidInput.IncrementalNotSupported');
    expect((await simulate(definition, { endpoints: ['games'], mode: 'incremental' })).rejectedWith).toBeUndefined();
    expect((await simulate(definition, { date: '25/11/2026' })).rejectedWith).toBe('InvalidInput.Date');
  });

  it('retries ECS and throttling errors with backoff and routes every failure to the notification', async () => {
    const map = state(definition, 'IngestEndpoints');
    const processor = map.ItemProcessor as JsonObject;
    const ingest = state(definition, 'RunIngest', processor.States);
    const transform = state(definition, 'RunTransform');
    for (const task of [ingest, transform]) {
      const retries = (task.Retry as JsonObject[]) ?? [];
      const ecs = retries.find((r) => Array.isArray(r.ErrorEquals) && r.ErrorEquals.includes('ECS.ThrottlingException'));
      expect(ecs?.ErrorEquals).toContain('ECS.AmazonECSException');
      expect(Number(ecs?.BackoffRate)).toBeGreaterThan(1);
      expect(Number(ecs?.MaxAttempts)).toBeGreaterThan(1);
      expect(task.Resource).toBe('arn:aws:states:::ecs:runTask.sync');
    }
    expect((transform.Arguments as JsonObject).TaskDefinition).toBe(TRANSFORM_TD);
    expect(((transform.Arguments as JsonObject).Overrides as { ContainerOverrides: Array<{ Command: string[] }> }).ContainerOverrides[0]?.Command).toEqual([
      'build',
      '--target',
      'prod',
    ]);
    for (const s of [map, transform]) expect((s.Catch as JsonObject[])[0]?.Next).toBe('NotifyFailure');
    const notify = state(definition, 'NotifyFailure');
    expect(notify.Resource).toBe('arn:aws:states:::sns:publish');
    expect((notify.Arguments as JsonObject).TopicArn).toBe(TOPIC);
    expect(state(definition, String(notify.Next)).Type).toBe('Fail');
  });

  it('notifies instead of transforming when one endpoint failed, and transforms when all succeeded', async () => {
    const ingest = state(definition, 'RunIngest', (state(definition, 'IngestEndpoints').ItemProcessor as JsonObject).States);
    const item = { endpoint: 'games', mode: 'incremental', date: '' };
    const ok = await render(ingest.Output, { states: { input: item } });
    const failed = await render((ingest.Catch as JsonObject[])[0]?.Output, {
      states: { input: { ...item, endpoint: 'tags' }, errorOutput: { Error: 'States.TaskFailed', Cause: 'exit 1' } },
    });
    const check = state(definition, 'CheckIngestResults');
    const route = async (results: unknown[]) => {
      for (const c of check.Choices as JsonObject[]) if ((await render(c.Condition, { states: { input: results } })) === true) return c.Next;
      return check.Default;
    };
    expect(await route([ok, ok])).toBe('WaitForExternalTables');
    expect(await route([ok, failed])).toBe('SummariseIngestFailures');
    expect(state(definition, 'WaitForExternalTables').Next).toBe('RunTransform');
    expect(await render(state(definition, 'SummariseIngestFailures').Output, { states: { input: [ok, failed] } })).toEqual({
      step: 'ingest',
      failedEndpoints: [{ endpoint: 'tags', mode: 'incremental', failed: true, error: 'States.TaskFailed', cause: 'exit 1' }],
    });
  });

  it('adding an endpoint to a copy of endpoints.json adds exactly one Map item', async () => {
    const copy = path.join(workDir, 'endpoints.json');
    await cp(path.join(repoRoot, 'config/endpoints.json'), copy);
    const catalogue = JSON.parse(await readFile(copy, 'utf8')) as { endpoints: Array<Record<string, string>> };
    catalogue.endpoints.push({ name: 'creators', path: 'creators' });
    await writeFile(copy, JSON.stringify(catalogue));

    const grown = await applyDefinition(copy);
    const before = commands(await simulate(definition, {}));
    const after = commands(await simulate(grown, {}));
    expect(after).toHaveLength(before.length + 1);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.at(-1)).toEqual(['ingest', '--endpoint', 'creators', '--mode', 'snapshot', '--json']);
    expect(aslValidator(grown).isValid).toBe(true);
  });
});
