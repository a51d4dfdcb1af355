/**
 * OpenLineage events of real runs: the sandbox API, a local lake, dbt on DuckDB, and a local
 * HTTP receiver standing in for the lineage tool. Every event is checked against the
 * specification (the OpenLineage Python client's models, see spec.ts); the runs chain API listing -> lake partition -> compacted parts
 * -> dbt models, with stable names and no secret anywhere.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SANDBOX_GAMES } from '../../src/config/defaults.js';
import type { RunEvent } from '../../src/lineage/event.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { cleanEnv, cliPath, spawnGmp, type GmpResult } from '../support/gmp.js';
import { configWith } from '../support/lakes.js';
import { waitFor } from '../signals/processes.js';
import { startReceiver, type Received } from './receiver.js';
import { specErrors } from './spec.js';

/** Recognisable fakes: neither may appear in any event. */
const RAWG_KEY = 'lineage-fake-rawg-key-5e1f0c2a9b';
const LINEAGE_TOKEN = 'lineage-fake-token-7d3b8e4f21';

let sandbox: Sandbox;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const work = mkdtempSync(join(tmpdir(), 'gmp-lineage-'));

beforeAll(async () => {
  // The catalogue the pipeline's built-in sandbox serves, for the runs given a key and --base-url.
  sandbox = await startSandbox({ games: DEFAULT_SANDBOX_GAMES });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await sandbox?.close();
  rmSync(work, { recursive: true, force: true });
});

const envFor = (dir: string, extra: Record<string, string | undefined> = {}) =>
  cleanEnv({
    RAWG_API_KEY: RAWG_KEY,
    LAKE_URL: `file://${join(dir, 'lake')}`,
    WAREHOUSE_PATH: join(dir, 'warehouse.duckdb'),
    OPENLINEAGE_URL: receiver.url,
    OPENLINEAGE_API_KEY: LINEAGE_TOKEN,
    ...extra,
  });

/** `gmp ARGS` from `cwd` (the pipeline writes its report there), with the events it sent. */
async function gmp(
  cwd: string,
  args: string[],
  env: Record<string, string>,
): Promise<GmpResult & { events: RunEvent[]; received: Received[] }> {
  const child = spawn(process.execPath, [cliPath, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const start = receiver.received.length;
  const result = await new Promise<GmpResult>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  const received = receiver.received.slice(start);
  return { ...result, received, events: received.map((r) => r.event) };
}

const runsOf = (events: RunEvent[], job: (name: string) => boolean) => {
  const runs = new Map<string, RunEvent[]>();
  for (const event of events.filter((e) => job(e.job.name)))
    runs.set(event.run.runId, [...(runs.get(event.run.runId) ?? []), event]);
  return [...runs.values()];
};
const the = (events: RunEvent[], job: string, type = 'COMPLETE'): RunEvent => {
  const found = events.filter((e) => e.job.name === job && e.eventType === type);
  expect(found, `${job} ${type}`).toHaveLength(1);
  return found[0]!;
};
const names = (datasets: { name: string }[]) => [...new Set(datasets.map((d) => d.name))].sort();
const isModel = (name: string) => name.startsWith('transform.');

function expectValidAndSecretFree(received: Received[]): void {
  expect(received.length).toBeGreaterThan(0);
  expect(specErrors(received.map(({ event }) => event))).toEqual([]);
  for (const { body, headers, path } of received) {
    expect(body).not.toContain(RAWG_KEY);
    expect(body).not.toContain(LINEAGE_TOKEN);
    expect(body).not.toMatch(/key=(?!REDACTED)/);
    expect(path).toBe('/api/v1/lineage');
    expect(headers.authorization).toBe(`Bearer ${LINEAGE_TOKEN}`);
  }
}

/** Each run sent START first and exactly one end, COMPLETE here. */
function expectStartThenComplete(events: RunEvent[]): void {
  for (const run of runsOf(events, () => true)) {
    expect(
      run.map((e) => e.eventType),
      run[0]!.job.name,
    ).toEqual(['START', 'COMPLETE']);
  }
}

describe('lineage of gmp pipeline, then of gmp ingest + gmp transform on a fresh lake', () => {
  const first = join(work, 'pipeline');
  const second = join(work, 'steps');
  let pipeline: RunEvent[];

  it('pipeline: valid events, START then COMPLETE per run, steps under the pipeline run, models under the transform run', async () => {
    // No key: the pipeline's own sandbox, a snapshot of every endpoint and yesterday's `updated`.
    const result = await gmp(work, ['pipeline'], envFor(first, { RAWG_API_KEY: undefined }));
    expect(result.code, result.stderr).toBe(0);
    pipeline = result.events;
    expectValidAndSecretFree(result.received);
    expectStartThenComplete(pipeline);

    const root = the(pipeline, 'pipeline');
    const steps = ['ingest', 'compact', 'transform'].map((job) => the(pipeline, job));
    for (const step of steps) {
      expect(step.run.facets?.parent, step.job.name).toMatchObject({
        run: { runId: root.run.runId },
        job: { name: 'pipeline' },
        root: { run: { runId: root.run.runId } },
      });
    }
    const transform = steps[2]!;
    const models = pipeline.filter((e) => isModel(e.job.name) && e.eventType === 'COMPLETE');
    expect(models.length).toBeGreaterThan(20);
    for (const model of models) {
      expect(model.run.facets?.parent, model.job.name).toMatchObject({
        run: { runId: transform.run.runId },
        root: { run: { runId: root.run.runId } },
      });
    }
    // The pipeline ends last, after every step's own end.
    expect(pipeline.at(-1)).toBe(root);
  }, 900_000);

  it('pipeline: the API listings fill lake partitions (rows, item fields, requests), compaction turns them into parts, and the models read those', () => {
    const ingest = the(pipeline, 'ingest');
    expect(ingest.inputs.map((d) => d.namespace)).toEqual(ingest.inputs.map(() => 'sandbox'));
    expect(names(ingest.inputs)).toContain('games');
    expect(ingest.run.facets?.gmp_requests).toMatchObject({ apiRequests: expect.any(Number) });
    expect((ingest.run.facets!.gmp_requests as unknown as { apiRequests: number }).apiRequests).toBeGreaterThan(0);
    const games = ingest.outputs.find((d) => d.name.startsWith('raw/games/load=snapshot/'))!;
    expect(games.namespace).toBe(`file://${join(first, 'lake')}`);
    expect(games.outputFacets?.outputStatistics).toMatchObject({ rowCount: DEFAULT_SANDBOX_GAMES });
    expect((games.facets?.schema as unknown as { fields: { name: string }[] }).fields.map((f) => f.name)).toEqual(
      expect.arrayContaining(['id', 'name', 'released', 'updated']),
    );

    const compact = the(pipeline, 'compact');
    const transform = the(pipeline, 'transform');
    const written = new Set(names(ingest.outputs));
    // Compaction reads partitions ingest wrote and writes their parts; the build reads those parts.
    expect(compact.inputs.length).toBeGreaterThan(0);
    for (const input of compact.inputs) expect(written, input.name).toContain(input.name);
    expect(names(compact.outputs)).toEqual(names(compact.inputs).map((name) => name.replace(/^raw\//, 'compact/')));
    // The build reads those parts, and the batches of game details ingest wrote (not compacted).
    const batches = names(ingest.outputs).filter((name) => name.includes('/load=items/'));
    expect(batches).toHaveLength(1);
    expect(names(transform.inputs)).toEqual(names([...compact.outputs, ...batches.map((name) => ({ name }))]));
    const baseGames = the(pipeline, 'transform.base_games');
    expect(names(baseGames.inputs)).toEqual(names(compact.outputs).filter((name) => name.startsWith('compact/games/')));
    const dimGames = the(pipeline, 'transform.dim_games');
    expect(dimGames.outputs).toEqual([
      expect.objectContaining({
        namespace: `duckdb://${join(first, 'warehouse.duckdb')}`,
        name: 'warehouse.main.dim_games',
      }),
    ]);
  });

  it("ingest then transform on a fresh lake: the ingest outputs are the transform inputs, and every name is the pipeline run's", async () => {
    const env = envFor(second);
    // What the pipeline selects on its sandbox, with a key: one ingest run of each load.
    const snapshot = await gmp(work, ['ingest', '--all', '--mode', 'snapshot', '--base-url', sandbox.url], env);
    expect(snapshot.code, snapshot.stderr).toBe(0);
    const updated = await gmp(work, ['ingest', '--all', '--mode', 'updated', '--base-url', sandbox.url], env);
    expect(updated.code, updated.stderr).toBe(0);
    // And a few games' details, as the pipeline's daily share fetches them.
    const details = await gmp(
      work,
      ['ingest', '--endpoint', 'game_details', '--max-pages', '20', '--base-url', sandbox.url],
      env,
    );
    expect(details.code, details.stderr).toBe(0);
    const transform = await gmp(work, ['transform'], env);
    expect(transform.code, transform.stderr).toBe(0);
    const events = [...snapshot.events, ...updated.events, ...details.events, ...transform.events];
    expectValidAndSecretFree([...snapshot.received, ...updated.received, ...details.received, ...transform.received]);
    expectStartThenComplete(events);

    const [snapshots, days, batch] = runsOf(events, (job) => job === 'ingest').map((run) => run.at(-1)!);
    const ingested = {
      ...snapshots!,
      inputs: [...snapshots!.inputs, ...days!.inputs, ...batch!.inputs],
      outputs: [...snapshots!.outputs, ...days!.outputs, ...batch!.outputs],
    };
    const built = the(events, 'transform');
    expect(ingested.run.facets?.parent).toBeUndefined();
    // Nothing compacted here: the build reads the very partitions ingest wrote, by the same names.
    expect(names(built.inputs)).toEqual(names(ingested.outputs));
    expect(new Set(built.inputs.map((d) => d.namespace))).toEqual(new Set(ingested.outputs.map((d) => d.namespace)));

    // Stable across runs: the same jobs, listings, partitions and tables as the pipeline's run.
    const jobs = (list: RunEvent[]) =>
      [...new Set(list.map((e) => e.job.name))].filter((name) => name !== 'pipeline' && name !== 'compact').sort();
    expect(jobs(events)).toEqual(jobs(pipeline));
    const piped = the(pipeline, 'ingest');
    expect(names(ingested.inputs)).toEqual(names(piped.inputs));
    expect(names(ingested.outputs)).toEqual(names(piped.outputs));
    expect(names(built.outputs)).toEqual(names(the(pipeline, 'transform').outputs));
    for (const model of events.filter((e) => isModel(e.job.name) && e.eventType === 'COMPLETE')) {
      expect(names(model.outputs), model.job.name).toEqual(names(the(pipeline, model.job.name).outputs));
    }
  }, 900_000);
});

describe('lineage when a run is stopped, or the lineage endpoint is down', () => {
  it('a killed ingest ends its run with ABORT', async () => {
    const dir = join(work, 'killed');
    sandbox.control({ latencyMs: 200 });
    try {
      const start = receiver.received.length;
      const run = spawnGmp(['ingest', '--endpoint', 'games', '--base-url', sandbox.url], envFor(dir));
      await waitFor(
        'the ingest START',
        () => (receiver.received.slice(start).some((r) => r.event.job.name === 'ingest') ? true : undefined),
        60_000,
      );
      run.child.kill('SIGTERM');
      const result = await run.done;
      expect(result.code, result.stderr).toBe(143);
      const events = receiver.received.slice(start);
      expectValidAndSecretFree(events);
      expect(events.map((r) => `${r.event.job.name} ${r.event.eventType}`)).toEqual(['ingest START', 'ingest ABORT']);
    } finally {
      sandbox.control({ latencyMs: 0 });
    }
  }, 120_000);

  it('a lineage endpoint that refuses connections costs one warning line, and the run succeeds', async () => {
    const dir = join(work, 'down');
    // A port nothing listens on: one a receiver had, closed again.
    const closed = await startReceiver();
    await closed.close();
    const env = envFor(dir, { OPENLINEAGE_URL: closed.url, GMP_ENDPOINTS: configWith({}) });
    const result = await gmp(work, ['ingest', '--endpoint', 'genres', '--base-url', sandbox.url], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr.split('\n').filter((line) => line.includes('lineage: events to'))).toEqual([
      expect.stringContaining('ECONNREFUSED'),
    ]);
    expect(result.stderr).not.toContain(LINEAGE_TOKEN);
  }, 120_000);

  it('a lineage endpoint that never answers holds the run up once, for its timeout, then is dropped', async () => {
    const dir = join(work, 'silent');
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const env = envFor(dir, {
        OPENLINEAGE_URL: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
        GMP_ENDPOINTS: configWith({}),
      });
      const result = await gmp(work, ['ingest', '--endpoint', 'genres', '--base-url', sandbox.url], env);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr.split('\n').filter((line) => line.includes('lineage: events to'))).toEqual([
        expect.stringMatching(/timeout/i),
      ]);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  }, 120_000);
});
