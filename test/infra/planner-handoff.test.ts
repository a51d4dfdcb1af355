// The hand-off between the state machine and the CLI, with real parts on both sides: the commands
// the rendered definition would give its Fargate tasks are run by the built CLI against the sandbox
// and a real S3 server (versitygw); the Map's items are read from the bucket and key its ItemReader
// names. Only Step Functions and ECS are stood in for (by evaluating the definition's JSONata).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { freshLake, type TestLake } from '../support/lakes.js';
import { cleanEnv, runGmp } from '../support/gmp.js';
import { startS3Server, type S3Server } from '../support/s3-server.js';
import { commandOf, itemSource, moduleRoot, type ModuleRoot, shardTask, simulate, state } from './definition.js';
import { blocks, infraDir, type JsonObject, parseTerraform, repoRoot } from './support.js';

const config = JSON.parse(readFileSync(path.join(repoRoot, 'config/endpoints.json'), 'utf8')) as {
  source: { requestsPerSecond: number };
  endpoints: Array<{ name: string; perItemOf?: string }>;
};
// Listings are units of a plan; a resource fetched per item (a game's detail) is planned as a batch.
const listingNames = () => config.endpoints.filter((e) => e.perItemOf === undefined).map((e) => e.name);

async function snowflakePagePattern(): Promise<RegExp> {
  const files = await parseTerraform(path.join(infraDir, 'snowflake'));
  const locals = Object.assign({}, ...blocks(files, 'locals').map((b) => b.body)) as JsonObject;
  return new RegExp(`^(?:${String(locals.page_pattern)})$`);
}

/** Looks like a real RAWG key, so a leak into a saved plan is found by a plain search. */
const API_KEY = '0123456789abcdef0123456789abcdef';

interface Shard {
  units: string[];
  maxPages: number | null;
  args: string[];
}

let root: ModuleRoot;
let s3: S3Server;
let sandbox: Sandbox;
let lake: TestLake;
let definition: JsonObject;

beforeAll(async () => {
  s3 = await startS3Server();
  // A depth cap below the catalogue, so a games snapshot needs windows.
  sandbox = await startSandbox({ games: 2000, seed: 11, maxResults: 400 });
  lake = await freshLake('s3', s3);
  root = await moduleRoot();
  definition = await root.apply({ lake_url: lake.url });
}, 120_000);

afterAll(async () => {
  await root?.close();
  await sandbox?.close();
  await s3?.close();
});

const env = () => cleanEnv({ ...lake.env, RAWG_API_KEY: API_KEY, RAWG_BASE_URL: sandbox.url });

async function gmp(args: string[]) {
  const result = await runGmp(args, env());
  expect(result.code, `gmp ${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result;
}

async function readObject(bucket: string, key: string): Promise<string> {
  const client = new S3Client({
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return object.Body!.transformToString();
}

/** One execution: the planner task's command, the Map's items from the lake, each shard's command. */
async function execute(input: unknown, execution: string) {
  const { rejectedWith, planner } = await simulate(definition, input, execution);
  expect(rejectedWith).toBeUndefined();
  const planned = await gmp(commandOf(planner));
  const plan = JSON.parse(planned.stdout) as { units: Array<{ id: string; window: string | null }>; shards: Shard[] };

  const { Bucket, Key } = await itemSource(definition, execution);
  const items = JSON.parse(await readObject(Bucket, Key)) as Shard[];
  expect(items).toEqual(plan.shards);
  const saved = await readObject(Bucket, Key.replace(/shards\.json$/, 'plan.json'));
  expect(JSON.parse(saved)).toEqual(plan);
  expect(saved).not.toContain(API_KEY);

  // As many at once as the Map's MaxConcurrency allows.
  const atOnce = Number(state(definition, 'IngestShards').MaxConcurrency);
  for (let i = 0; i < items.length; i += atOnce) {
    await Promise.all(
      items
        .slice(i, i + atOnce)
        .map(async (item, offset) => gmp(commandOf(await shardTask(definition, item, execution, i + offset)))),
    );
  }
  return { plan, items };
}

describe('state machine and CLI, hand in hand', () => {
  it('a snapshot execution saves its shards where the Map reads them, and the shards complete it, in windows', async () => {
    // A cap from the input reaches every shard as its share; this one is large enough to finish.
    const { plan, items } = await execute({ mode: 'snapshot', maxPages: 2000 }, 'handoff-snapshot');
    for (const item of items) expect(item.maxPages).toBe(500);
    expect(plan.units.map((unit) => unit.id.split('/')[0]).sort()).toEqual(listingNames().sort());
    expect(items).toHaveLength(4);
    expect(items.flatMap((item) => item.units).sort()).toEqual(plan.units.map((unit) => unit.id).sort());

    // The cap forced windows; Snowflake's external tables take exactly the page files of both shapes.
    const keys = await lake.store.list('raw/');
    const pattern = await snowflakePagePattern();
    const pages = keys.filter((key) => /\/page=\d+\.json$/.test(key));
    expect(pages.some((key) => key.includes('/window='))).toBe(true);
    expect(pages.some((key) => key.startsWith('raw/genres/') && !key.includes('/window='))).toBe(true);
    expect(keys.filter((key) => pattern.test(key))).toEqual(pages);

    // A second planner run finds nothing left to do.
    const again = JSON.parse((await gmp(['plan', '--all', '--mode', 'snapshot', '--json'])).stdout) as {
      shards: Shard[];
      apiRequestsExpected: number;
    };
    expect(again.shards).toEqual([]);
    expect(again.apiRequestsExpected).toBe(0);
  }, 300_000);

  it('a daily execution plans and runs under its own name, each shard at its share of the rate', async () => {
    // Today's snapshot holds every game up to yesterday, so a daily run owes no day: it is given one.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const { items } = await execute({ date: yesterday }, 'handoff-daily');
    expect(items.length).toBeGreaterThan(0);
    // The module's default of 4 shards: each gets a quarter of the configured rate.
    const rate = (args: string[]) => Number(args[args.indexOf('--requests-per-second') + 1]);
    for (const item of items) expect(rate(item.args)).toBeCloseTo(config.source.requestsPerSecond / 4, 3);
  }, 300_000);
});
