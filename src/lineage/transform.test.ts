import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineageEmitter } from './emitter.js';
import type { RunEvent } from './event.js';
import { TransformLineage } from './transform.js';

/** dbt's artifacts of a build of three models over the lake's `games`: one built, one failed, one skipped. */
function target(generatedAt: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gmp-ol-target-'));
  const model = (name: string, depends: string[]) => ({
    name,
    database: 'wh',
    schema: 'main',
    alias: name,
    depends_on: { nodes: depends },
  });
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({
      nodes: {
        'model.game_market.base_games': model('base_games', [
          'source.game_market.lake.games',
          'source.game_market.lake_compact.games',
        ]),
        'model.game_market.stg_games': model('stg_games', ['model.game_market.base_games']),
        'model.game_market.dim_games': model('dim_games', ['model.game_market.stg_games']),
        'test.game_market.not_null_x': model('not_null_x', ['model.game_market.dim_games']),
      },
      sources: {
        'source.game_market.lake.games': { source_name: 'lake', name: 'games' },
        'source.game_market.lake_compact.games': { source_name: 'lake_compact', name: 'games' },
      },
    }),
  );
  const timing = [{ name: 'execute', started_at: '2026-12-07T01:00:00Z', completed_at: '2026-12-07T01:00:02Z' }];
  writeFileSync(
    join(dir, 'run_results.json'),
    JSON.stringify({
      metadata: { generated_at: generatedAt },
      results: [
        { unique_id: 'model.game_market.base_games', status: 'success', timing },
        { unique_id: 'model.game_market.stg_games', status: 'error', message: 'Binder Error: column x', timing },
        { unique_id: 'model.game_market.dim_games', status: 'skipped', timing: [] },
        { unique_id: 'test.game_market.not_null_x', status: 'pass', timing },
      ],
    }),
  );
  return dir;
}

async function build(generatedAt: string, error?: Error): Promise<RunEvent[]> {
  const bodies: string[] = [];
  const emitter = new LineageEmitter({ label: 'memory', send: async (body) => void bodies.push(body) }, {});
  const lineage = new TransformLineage(emitter);
  await lineage.start();
  const env = {
    LAKE_URL: 'file:///data/lake',
    GMP_LAKE_PARTITIONS: JSON.stringify({ games: { snapshot: [['2026-12-05', '2026-12-06']] } }),
    GMP_LAKE_COMPACTED: JSON.stringify({ games: { snapshot: [['2026-12-05', '2026-12-05']] } }),
  };
  await lineage.end(
    {
      targetPath: target(generatedAt === 'now' ? new Date(Date.now() + 1000).toISOString() : generatedAt),
      warehousePath: '/data/wh.duckdb',
      env,
    },
    error,
  );
  return bodies.map((body) => JSON.parse(body) as RunEvent);
}

describe("a build's lineage from dbt's artifacts", () => {
  it('gives each model that ran its own run under the build: what it read (models, the lake partitions as dbt reads them), what it wrote', async () => {
    const events = await build('now', new Error('dbt build failed'));
    expect(events.map((e) => `${e.job.name} ${e.eventType}`)).toEqual([
      'transform START',
      'transform.base_games START',
      'transform.base_games COMPLETE',
      'transform.stg_games START',
      'transform.stg_games FAIL',
      'transform FAIL',
    ]);
    const [build_, baseGames, , , stgFailed, end] = events;
    expect(baseGames!.inputs).toEqual([
      { namespace: 'file:///data/lake', name: 'compact/games/load=snapshot/date=2026-12-05' },
      { namespace: 'file:///data/lake', name: 'raw/games/load=snapshot/date=2026-12-06' },
    ]);
    expect(baseGames!.outputs).toEqual([{ namespace: 'duckdb:///data/wh.duckdb', name: 'wh.main.base_games' }]);
    expect(baseGames!.run.facets?.parent).toMatchObject({
      run: { runId: build_!.run.runId },
      job: { name: 'transform' },
    });
    expect(baseGames!.eventTime).toBe('2026-12-07T01:00:00.000Z');
    expect(stgFailed!.inputs).toEqual([{ namespace: 'duckdb:///data/wh.duckdb', name: 'wh.main.base_games' }]);
    expect(stgFailed!.run.facets?.errorMessage).toMatchObject({ message: 'Binder Error: column x' });
    // The build read the lake, and wrote only the model that was built.
    expect(end!.inputs.map((d) => d.name)).toEqual([
      'compact/games/load=snapshot/date=2026-12-05',
      'raw/games/load=snapshot/date=2026-12-06',
    ]);
    expect(end!.outputs.map((d) => d.name)).toEqual(['wh.main.base_games']);
    expect(end!.run.facets?.errorMessage).toMatchObject({ message: 'dbt build failed' });
  });

  it("sends no model runs from an earlier build's results", async () => {
    const events = await build('2020-01-01T00:00:00Z');
    expect(events.map((e) => `${e.job.name} ${e.eventType}`)).toEqual(['transform START', 'transform COMPLETE']);
    expect(events[1]!.outputs).toEqual([]);
  });
});
