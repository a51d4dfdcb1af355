import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../test/support/memory-store.js';
import { loadEndpoints } from '../config/load.js';
import { CorruptObjectError } from '../errors.js';
import { schemaKey } from '../lake/item-schemas.js';
import { snapshotPartition, updatedPartition } from './partition.js';
import { recordItemSchemas, schemaStatus, statusLine, type ShapeSummary } from '../lake/schema-drift.js';
import { ItemCensus } from './item-census.js';

const games = loadEndpoints().endpoints.find((endpoint) => endpoint.name === 'games')!;
const snapshot = { partition: snapshotPartition(games, '2026-12-01') };
const updated = { partition: updatedPartition(games, '2026-12-02') };
const AT = new Date('2026-12-03T06:00:00Z');

const items = (n: number, make: (i: number) => Record<string, unknown>) => Array.from({ length: n }, (_, i) => make(i));
const game = (i: number) => ({ id: i, name: `g${i}`, released: '2020-01-01', rating: 4.5 });

/** What a run that stored these pages would record. */
function censusOf(...pages: [typeof snapshot, Record<string, unknown>[]][]): ShapeSummary[] {
  const census = new ItemCensus();
  for (const [listing, page] of pages) census.add(listing, page);
  return census.summaries();
}

describe('item schemas in the lake (memory lake)', () => {
  it('a first run records each listing shape and reports no drift; an unchanged one writes nothing', async () => {
    const store = new MemoryStore();
    const first = await recordItemSchemas(store, censusOf([snapshot, items(20, game)], [updated, items(20, game)]), {
      runId: 'r1',
      at: AT,
    });
    expect(first).toEqual([]);
    expect(await store.list('_schema/')).toEqual([schemaKey('games', 'none', 1), schemaKey('games', 'updated', 1)]);
    expect(await recordItemSchemas(store, censusOf([snapshot, items(20, game)]), { runId: 'r2', at: AT })).toEqual([]);
    expect(await store.list('_schema/')).toHaveLength(2);
    const status = await schemaStatus(store);
    expect(status.map(statusLine)).toEqual([undefined, undefined]);
  });

  it('reports a new and a vanished field once, keeps the vanished one gone until it returns', async () => {
    const store = new MemoryStore();
    await recordItemSchemas(store, censusOf([updated, items(20, game)]), { runId: 'r1', at: AT });
    const drifted = (i: number) => {
      const { released: _, ...rest } = game(i);
      return { ...rest, score: null };
    };
    const changes = await recordItemSchemas(store, censusOf([updated, items(20, drifted)]), { runId: 'r2', at: AT });
    expect(changes).toEqual([
      { endpoint: 'games', filter: 'updated', added: ['score'], removed: ['released'], retyped: [] },
    ]);
    // Seen again the same: nothing new to report.
    expect(await recordItemSchemas(store, censusOf([updated, items(20, drifted)]), { runId: 'r3', at: AT })).toEqual(
      [],
    );
    const [status] = await schemaStatus(store);
    expect(status).toMatchObject({
      endpoint: 'games',
      filter: 'updated',
      gone: [{ field: 'released', since: AT.toISOString() }],
    });
    expect(statusLine(status!)).toBe(
      'games (updated= listings): item fields changed on 2026-12-03: +score, -released; gone from its items: released (since 2026-12-03)',
    );
    // Back again: no longer gone.
    const back = await recordItemSchemas(store, censusOf([updated, items(20, (i) => ({ ...game(i), score: null }))]), {
      runId: 'r4',
      at: AT,
    });
    expect(back).toEqual([{ endpoint: 'games', filter: 'updated', added: ['released'], removed: [], retyped: [] }]);
    expect((await schemaStatus(store))[0]!.gone).toEqual([]);
  });

  it('runs that see the same change at once record it in one generation', async () => {
    const store = new MemoryStore();
    await recordItemSchemas(store, censusOf([snapshot, items(20, game)]), { runId: 'r1', at: AT });
    const changed = (i: number) => ({ ...game(i), score: 1 });
    const reports = await Promise.all(
      ['a', 'b', 'c'].map((runId) =>
        recordItemSchemas(store, censusOf([snapshot, items(20, changed)]), { runId, at: AT }),
      ),
    );
    expect(reports.flat()).toEqual([{ endpoint: 'games', filter: 'none', added: ['score'], removed: [], retyped: [] }]);
    expect(await store.list('_schema/')).toEqual([schemaKey('games', 'none', 1), schemaKey('games', 'none', 2)]);
  });

  it('a damaged schema object fails in one line naming its key', async () => {
    const store = new MemoryStore();
    await store.putIfAbsent(schemaKey('games', 'none', 1), '{"endpoint":');
    await expect(
      recordItemSchemas(store, censusOf([snapshot, items(5, game)]), { runId: 'r', at: AT }),
    ).rejects.toThrow(CorruptObjectError);
    await expect(schemaStatus(store)).rejects.toThrow(
      /_schema\/games\/filter=none\/000000001\.json is not valid JSON.*delete it and rerun/,
    );
  });
});
