import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiDataset, lakeNamespace, rawPartitionDataset } from './datasets.js';
import { LineageEmitter, LineageRun, parseParentId, withParentRun } from './emitter.js';
import {
  errorMessageFacet,
  itemFields,
  outputStatisticsFacet,
  parentFacet,
  requestsFacet,
  runEvent,
  schemaFacet,
  newRunId,
  type RunEvent,
} from './event.js';
import { openTransport, transportConfig, type Transport } from './transport.js';

const job = { namespace: 'game-market-pipeline', name: 'ingest' };

/** A transport that keeps what it is sent: the events as the wire would carry them. */
function kept(fail = false): Transport & { bodies: string[]; events: () => RunEvent[] } {
  const bodies: string[] = [];
  return {
    label: 'memory',
    bodies,
    events: () => bodies.map((body) => JSON.parse(body) as RunEvent),
    send: async (body) => {
      if (fail) throw new Error('connect ECONNREFUSED 127.0.0.1:9');
      bodies.push(body);
    },
  };
}

describe('run events', () => {
  it('carry the job, the datasets and every facet given, with the API key left out (test/lineage/spec.test.ts checks them against the specification)', () => {
    const event = runEvent({
      eventType: 'COMPLETE',
      runId: newRunId(),
      job,
      inputs: [apiDataset('https://api.rawg.io/api?key=0123456789abcdef', 'games')],
      outputs: [
        {
          ...rawPartitionDataset('file://./.lake', {
            endpoint: { name: 'games' },
            load: 'snapshot',
            date: '2026-12-06',
          }),
          facets: { schema: schemaFacet(itemFields([{ id: 1, name: 'a', rating: 4.5 }])) },
          outputFacets: { outputStatistics: outputStatisticsFacet({ rowCount: 40, size: 1234 }) },
        },
      ],
      runFacets: {
        parent: parentFacet({ runId: newRunId(), job: { namespace: job.namespace, name: 'pipeline' } }),
        gmp_requests: requestsFacet({ apiRequests: 3, retries: 1, storeRequests: 12 }),
        errorMessage: errorMessageFacet('boom'),
      },
    });
    expect(event.run.runId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.inputs).toEqual([{ namespace: 'https://api.rawg.io/api', name: 'games' }]);
    expect(event.outputs[0]!.name).toBe('raw/games/load=snapshot/date=2026-12-06');
    expect(event.outputs[0]!.namespace).toBe(`file://${process.cwd()}/.lake`);
  });

  it('name item fields with their JSON types; a field of two types is mixed, a null says nothing', () => {
    expect(
      itemFields([
        { id: 1, name: 'a', score: null, tags: [] },
        { id: 2, score: 1.5, name: 3, extra: {} },
      ]),
    ).toEqual([
      { name: 'id', type: 'integer' },
      { name: 'name', type: 'mixed' },
      { name: 'score', type: 'number' },
      { name: 'tags', type: 'array' },
      { name: 'extra', type: 'object' },
    ]);
  });
});

describe('dataset names', () => {
  it('never hold a key or credentials, and name every built-in sandbox alike', () => {
    expect(apiDataset('https://user:pw@api.example.com/api/?key=secretsecret1', '/games')).toEqual({
      namespace: 'https://api.example.com/api',
      name: 'games',
    });
    expect(apiDataset('http://127.0.0.1:4321/sandbox/api', 'games').namespace).toBe('sandbox');
    expect(lakeNamespace('s3://bucket/prefix at http://127.0.0.1:7070')).toBe('s3://bucket/prefix');
    expect(lakeNamespace('file:///data/lake')).toBe('file:///data/lake');
  });
});

describe('transport settings', () => {
  it('default to none: nothing set sends nothing', () => {
    expect(transportConfig({})).toEqual({ type: 'none' });
    expect(openTransport(transportConfig({}))).toBeUndefined();
  });

  it('take OPENLINEAGE_URL, its endpoint and key, and OPENLINEAGE_DISABLED over all', () => {
    expect(
      transportConfig({
        OPENLINEAGE_URL: 'http://marquez:5000',
        OPENLINEAGE_ENDPOINT: 'api/v1/lineage',
        OPENLINEAGE_API_KEY: 'k',
      }),
    ).toMatchObject({
      type: 'http',
      url: 'http://marquez:5000',
      endpoint: 'api/v1/lineage',
      apiKey: 'k',
    });
    expect(transportConfig({ OPENLINEAGE_URL: 'http://marquez:5000', OPENLINEAGE_DISABLED: 'true' })).toEqual({
      type: 'none',
    });
  });

  it('read the transport of an OPENLINEAGE_CONFIG file, and name what is wrong in it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gmp-ol-'));
    const config = (text: string) => {
      writeFileSync(join(dir, 'openlineage.yml'), text);
      return transportConfig({ OPENLINEAGE_CONFIG: join(dir, 'openlineage.yml') });
    };
    expect(config('transport:\n  type: file\n  log_file_path: /tmp/events.jsonl\n')).toEqual({
      type: 'file',
      path: '/tmp/events.jsonl',
    });
    expect(config('transport:\n  type: console\n')).toEqual({ type: 'console' });
    expect(
      config('transport:\n  type: http\n  url: http://m:5000\n  auth:\n    type: api_key\n    apiKey: abc\n'),
    ).toMatchObject({
      type: 'http',
      url: 'http://m:5000',
      apiKey: 'abc',
    });
    expect(() => config('transport:\n  type: kafka\n')).toThrow(/transport.type must be http, file or console/);
  });

  it('append one JSON line an event to the file transport', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gmp-ol-')), 'events.jsonl');
    const transport = openTransport({ type: 'file', path })!;
    await transport.send('{"a":1}');
    await transport.send('{"a":2}');
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n{"a":2}\n');
  });
});

describe('runs', () => {
  it('send START then one end, with the enclosing run as parent and root', async () => {
    const transport = kept();
    const emitter = new LineageEmitter(transport, {});
    const pipeline = new LineageRun(emitter, 'pipeline', undefined);
    let child: LineageRun | undefined;
    let grandchild: LineageRun | undefined;
    await withParentRun(pipeline, async () => {
      child = new LineageRun(emitter, 'transform');
      await child.start();
      grandchild = new LineageRun(emitter, 'transform.dim_games', { ref: child.ref, root: child.root });
      await grandchild.start();
      await grandchild.complete();
      await child.complete();
      await child.fail(new Error('again'));
    });
    const events = transport.events();
    expect(events.map((e) => `${e.job.name} ${e.eventType}`)).toEqual([
      'transform START',
      'transform.dim_games START',
      'transform.dim_games COMPLETE',
      'transform COMPLETE',
    ]);
    expect(events[0]!.run.facets?.parent).toMatchObject({
      run: { runId: pipeline.runId },
      job: { name: 'pipeline' },
      root: { run: { runId: pipeline.runId } },
    });
    expect(events[1]!.run.facets?.parent).toMatchObject({
      run: { runId: child!.runId },
      root: { run: { runId: pipeline.runId } },
    });
  });

  it('take their parent from OPENLINEAGE_PARENT_ID when nothing encloses them', () => {
    const runId = newRunId();
    expect(parseParentId(`airflow/dag.task/${runId}`)).toEqual({
      runId,
      job: { namespace: 'airflow', name: 'dag.task' },
    });
    expect(parseParentId('no-run-id/here/x')).toBeUndefined();
  });

  it('send no secret of the environment, however spelled', async () => {
    const key = 'fake-rawg-key-0123456789abcdef';
    const transport = kept();
    const emitter = new LineageEmitter(transport, { RAWG_API_KEY: key });
    await new LineageRun(emitter, 'ingest', undefined).fail(
      new Error(`GET /games?key=${key} failed; key ${Buffer.from(key).toString('base64')}`),
    );
    expect(transport.bodies.join('\n')).not.toContain(key);
    expect(transport.bodies.join('\n')).not.toContain(Buffer.from(key).toString('base64'));
    expect(transport.bodies.join('\n')).toContain('REDACTED');
  });

  it('give one warning and stop sending when the transport fails, without failing the run', async () => {
    const lines: string[] = [];
    const emitter = new LineageEmitter(kept(true), {}, (line) => lines.push(line));
    const run = new LineageRun(emitter, 'ingest', undefined);
    await run.start();
    await run.complete();
    expect(lines.filter((line) => line.includes('lineage: events to memory not sent'))).toHaveLength(1);
    expect(emitter.enabled).toBe(false);
  });
});
