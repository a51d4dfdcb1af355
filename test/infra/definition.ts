// Renders the state-machine module offline with OpenTofu and evaluates the JSONata templates of
// its definition, so tests can see which tasks a run would start. Step Functions cannot run here.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import jsonata from 'jsonata';
import {
  infraDir,
  isObject,
  type Json,
  type JsonObject,
  requireTool,
  run,
  tofuBin,
  type RunResult,
} from './support.js';

export const INGEST_TD = 'arn:aws:ecs:eu-west-1:111122223333:task-definition/gmp-ingest:7';
export const TRANSFORM_TD = 'arn:aws:ecs:eu-west-1:111122223333:task-definition/gmp-transform:3';
export const CLUSTER = 'arn:aws:ecs:eu-west-1:111122223333:cluster/gmp';
export const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:gmp-failures';

// A local module source must be relative (an absolute one is copied away from the root).
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

export const asVars = (vars: Record<string, string>) => Object.entries(vars).flatMap(([k, v]) => ['-var', `${k}=${v}`]);

/** A root module around infra/modules/state-machine in a temporary folder, initialised. */
export interface ModuleRoot {
  /** tofu in the root folder, with an empty CLI config (no plugin cache, no credentials). */
  tofu(...args: string[]): Promise<RunResult>;
  /** Applies with the given variables and returns the definition. */
  apply(vars?: Record<string, string>): Promise<JsonObject>;
  close(): Promise<void>;
}

export async function moduleRoot(): Promise<ModuleRoot> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gmp-state-machine-'));
  await writeFile(path.join(dir, 'main.tf'), rootModule(dir));
  await writeFile(path.join(dir, 'cli.tfrc'), '');
  const env = {
    ...process.env,
    TF_IN_AUTOMATION: '1',
    CHECKPOINT_DISABLE: '1',
    TF_CLI_CONFIG_FILE: path.join(dir, 'cli.tfrc'),
  };
  const tofu = (...args: string[]) => run(requireTool(tofuBin), args, { cwd: dir, env });
  const ok = async (...args: string[]) => {
    const result = await tofu(...args);
    if (result.code !== 0) throw new Error(`tofu ${args.join(' ')} failed:\n${result.stderr}${result.stdout}`);
    return result.stdout;
  };
  await ok('init', '-input=false', '-no-color', '-backend=false');
  return {
    tofu,
    apply: async (vars = {}) => {
      await ok('apply', '-auto-approve', '-input=false', '-no-color', ...asVars(vars));
      const definition: unknown = JSON.parse(JSON.parse(await ok('output', '-json', 'definition')));
      if (!isObject(definition as Json)) throw new Error('definition output is not a JSON object');
      return definition as JsonObject;
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * Step Functions' own JSONata function `$hash(value, algorithm)` (the digest in hex), which the
 * jsonata package lacks; the definition names the run's lineage parent with it.
 */
const STEP_FUNCTIONS_ALGORITHMS: Record<string, string> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};
const hash = (value: string, algorithm: string): string => {
  const name = STEP_FUNCTIONS_ALGORITHMS[algorithm];
  if (!name) throw new Error(`$hash: Step Functions has no algorithm ${algorithm}`);
  return createHash(name).update(value).digest('hex');
};

/** Evaluates every `{% ... %}` of a template the way Step Functions does, with these bindings. */
export async function render(template: Json | undefined, bindings: Record<string, unknown>): Promise<unknown> {
  if (typeof template === 'string') {
    const match = /^\{%([\s\S]*)%\}$/.exec(template);
    if (!match) return template;
    const expression = jsonata(match[1] ?? '');
    expression.registerFunction('hash', hash, '<ss:s>');
    return expression.evaluate({}, bindings);
  }
  if (Array.isArray(template)) return Promise.all(template.map((t) => render(t, bindings)));
  if (isObject(template)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(template)) out[k] = await render(v, bindings);
    return out;
  }
  return template;
}

export function state(definition: JsonObject, name: string, states = definition.States): JsonObject {
  const found = isObject(states) ? states[name] : undefined;
  if (!isObject(found)) throw new Error(`no state ${name}`);
  return found;
}

export interface EcsTask {
  TaskDefinition: string;
  Cluster: string;
  LaunchType: string;
  StartedBy: string;
  Overrides: {
    ContainerOverrides: Array<{
      Name: string;
      Command: string[];
      Environment?: Array<{ Name: string; Value: string }>;
    }>;
  };
}

const contextOf = (execution: string) => ({ Execution: { Name: execution, Id: `id-${execution}`, Input: {} } });

/** Follows the definition from its start for one execution input, up to the planner task it starts. */
export async function simulate(
  definition: JsonObject,
  input: unknown,
  execution: string,
): Promise<{ rejectedWith?: string; planner?: EcsTask }> {
  const validate = state(definition, String(definition.StartAt));
  if (validate.Type !== 'Choice')
    throw new Error(`the definition starts with a ${String(validate.Type)}, not the input check`);
  const states = { input, context: contextOf(execution) };
  for (const choice of Array.isArray(validate.Choices) ? validate.Choices : []) {
    if (!isObject(choice)) continue;
    if ((await render(choice.Condition, { states })) === true)
      return { rejectedWith: String(state(definition, String(choice.Next)).Error) };
  }
  const planner = state(definition, String(validate.Default));
  return { planner: (await render(planner.Arguments, { states })) as EcsTask };
}

/** Where the Distributed Map reads its items from, for one execution. */
export async function itemSource(definition: JsonObject, execution: string): Promise<{ Bucket: string; Key: string }> {
  const reader = state(definition, 'IngestShards').ItemReader as JsonObject;
  return (await render(reader.Arguments, { states: { input: {}, context: contextOf(execution) } })) as {
    Bucket: string;
    Key: string;
  };
}

/** The task one shard's child execution starts, given the shard as the planner wrote it. */
export async function shardTask(
  definition: JsonObject,
  shard: unknown,
  execution: string,
  index = 0,
): Promise<EcsTask> {
  const map = state(definition, 'IngestShards');
  const item = await render(map.ItemSelector, {
    states: { input: {}, context: { ...contextOf(execution), Map: { Item: { Value: shard, Index: index } } } },
  });
  const processor = map.ItemProcessor as JsonObject;
  const task = state(definition, String(processor.StartAt), processor.States);
  // A child execution has its own context; only its input links it to the parent run.
  const child = { Execution: { Name: `IngestShard:${index}`, Id: `child-${index}`, Input: item } };
  return (await render(task.Arguments, { states: { input: item, context: child } })) as EcsTask;
}

/** The command of the one container override of an ingest-image task. */
export function commandOf(task: EcsTask | undefined): string[] {
  if (task?.TaskDefinition !== INGEST_TD || task.Cluster !== CLUSTER || task.LaunchType !== 'FARGATE')
    throw new Error(`not an ingest task on Fargate: ${JSON.stringify(task)}`);
  const overrides = task.Overrides.ContainerOverrides;
  if (overrides.length !== 1 || overrides[0]?.Name !== 'ingest')
    throw new Error(`expected one override of the ingest container: ${JSON.stringify(overrides)}`);
  return overrides[0].Command;
}
