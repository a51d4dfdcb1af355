import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEndpoints } from '../config/load.js';
import type { PartitionSummary, RunRecord } from '../lake/run-record.js';
import { runKey } from '../lake/run-record.js';
import { LEDGER_BLOCK } from '../ingest/ledger.js';
import { apiIdentity } from '../lake/origin.js';
import { ledgerBlockKey, ledgerFinalKey } from '../lake/coordination.js';
import { LocalStore } from '../lake/local.js';
import { hostOf, readLakePanel, sourceOf } from './lake-panel.js';

const NOW = new Date('2026-11-26T12:00:00Z');

function partition(
  endpoint: string,
  load: 'snapshot' | 'updated',
  date: string,
  pagesFetched: number,
): PartitionSummary {
  return {
    endpoint,
    load,
    date,
    apiRequests: pagesFetched,
    pagesFetched,
    pagesSkipped: 0,
    storeRequests: 1,
    retries: 0,
    complete: true,
    durationMs: 5,
  };
}

function run(
  runId: string,
  api: string,
  outcome: RunRecord['outcome'],
  apiRequests: number,
  partitions: PartitionSummary[],
): RunRecord {
  const startedAt = `${runId.slice(0, 4)}-${runId.slice(4, 6)}-${runId.slice(6, 8)}T${runId.slice(9, 11)}:${runId.slice(11, 13)}:00.000Z`;
  return {
    runId,
    api,
    startedAt,
    finishedAt: startedAt.replace(':00.000Z', ':30.000Z'),
    outcome,
    apiRequests,
    retries: 0,
    storeRequests: 1,
    partitions,
  };
}

/** A lake with those pages and run records, each run's requests in the ledger as its own month's `final`; `killed`: ledger blocks of runs that left no record. */
async function lakeWith(
  pages: Record<string, number>,
  runs: RunRecord[],
  complete = Object.keys(pages),
  killed: string[] = [],
): Promise<LocalStore> {
  const store = new LocalStore(mkdtempSync(join(tmpdir(), 'gmp-report-lake-')));
  for (const [prefix, count] of Object.entries(pages)) {
    for (let page = 1; page <= count; page++)
      await store.putIfAbsent(`${prefix}/page=${String(page).padStart(5, '0')}.json`, '{}');
    if (complete.includes(prefix)) await store.putIfAbsent(`${prefix}/_SUCCESS`, '');
  }
  for (const record of runs) {
    await store.putIfAbsent(runKey(record.runId), JSON.stringify(record));
    const month = record.startedAt.slice(0, 7);
    if (record.apiRequests)
      await store.putIfAbsent(ledgerFinalKey(month, apiIdentity(record.api), record.runId, record.apiRequests), '');
  }
  for (const key of killed) await store.putIfAbsent(key, '');
  return store;
}

describe('the data panel (a real local lake)', () => {
  it('calls only the built-in sandbox synthetic: any other API, on any host, may serve real data', () => {
    expect(sourceOf('http://127.0.0.1:41234/sandbox/api')).toBe('sandbox');
    expect(sourceOf('https://api.rawg.io/api')).toBe('api');
    expect(sourceOf('http://127.0.0.1:41234/api')).toBe('api');
    expect(sourceOf('https://rawg-proxy.example/api')).toBe('api');
    expect(sourceOf('not a url')).toBe('api');
    expect(hostOf('http://user:pw@rawg-proxy.example:8443/api')).toBe('rawg-proxy.example:8443');
  });

  it("counts partitions per endpoint, this month's requests from the ledger against the budget, the last complete run and the source", async () => {
    const games1 = 'raw/games/load=snapshot/date=2026-11-01';
    const games2 = 'raw/games/load=updated/date=2026-11-24';
    const games3 = 'raw/games/load=snapshot/date=2026-11-25';
    const genres = 'raw/genres/load=snapshot/date=2026-11-01';
    const store = await lakeWith(
      { [games1]: 3, [games2]: 1, [games3]: 2, [genres]: 1 },
      [
        // Last month's real requests do not count against this month's budget.
        run('20261030T100000Z-aaaaaa', 'https://api.rawg.io/api', 'complete', 900, []),
        run('20261101T100000Z-bbbbbb', 'https://api.rawg.io/api', 'complete', 4, [
          partition('games', 'snapshot', '2026-11-01', 3),
          partition('genres', 'snapshot', '2026-11-01', 1),
        ]),
        run('20261124T100000Z-cccccc', 'http://127.0.0.1:5000/sandbox/api', 'complete', 1, [
          partition('games', 'updated', '2026-11-24', 1),
        ]),
        // A rerun that found everything complete fetched nothing: it is no one's source.
        run('20261125T090000Z-dddddd', 'http://127.0.0.1:5001/sandbox/api', 'complete', 0, [
          partition('games', 'snapshot', '2026-11-01', 0),
        ]),
        run('20261125T100000Z-eeeeee', 'https://api.rawg.io/api', 'incomplete', 2, [
          { ...partition('games', 'snapshot', '2026-11-25', 2), complete: false },
        ]),
      ],
      [games1, games2, genres],
      // A run killed mid-block left no record, only its reserved block: the spend counts it, as `plan` does.
      [ledgerBlockKey('2026-11', apiIdentity('https://api.rawg.io/api'), '20261126T110000Z-ffffff', 1, LEDGER_BLOCK)],
    );

    const panel = await readLakePanel(store, loadEndpoints(), NOW);

    expect(panel.endpoints).toEqual([
      {
        endpoint: 'games',
        complete: 2,
        incomplete: 1,
        snapshots: 2,
        updatedPartitions: 1,
        pages: 6,
        firstDate: '2026-11-01',
        lastDate: '2026-11-25',
      },
      {
        endpoint: 'genres',
        complete: 1,
        incomplete: 0,
        snapshots: 1,
        updatedPartitions: 0,
        pages: 1,
        firstDate: '2026-11-01',
        lastDate: '2026-11-01',
      },
    ]);
    expect(panel.month).toBe('2026-11');
    expect(panel.budget).toBe(loadEndpoints().source.monthlyRequestBudget);
    expect(panel.apiRequestsThisMonth).toBe(4 + 2 + LEDGER_BLOCK);
    expect(panel.sandboxRequestsThisMonth).toBe(1);
    expect(panel.lastCompleteRun).toEqual({
      runId: '20261125T090000Z-dddddd',
      finishedAt: '2026-11-25T09:00:30.000Z',
      apiRequests: 0,
      source: 'sandbox',
      host: '127.0.0.1:5001',
    });
    expect(panel.partitionsBySource).toEqual({ api: 2, sandbox: 1, unrecorded: 0 });
    expect(panel.apiHosts).toEqual(['api.rawg.io']);
  });

  it('reports an empty lake as empty, and partitions no run record fetched as unrecorded', async () => {
    const empty = await readLakePanel(await lakeWith({}, []), loadEndpoints(), NOW);
    expect(empty.endpoints).toEqual([]);
    expect(empty.lastCompleteRun).toBeUndefined();
    expect(empty.apiRequestsThisMonth).toBe(0);

    const handMade = await readLakePanel(
      await lakeWith({ 'raw/tags/load=snapshot/date=2026-11-02': 1 }, []),
      loadEndpoints(),
      NOW,
    );
    expect(handMade.partitionsBySource).toEqual({ api: 0, sandbox: 0, unrecorded: 1 });
  });
});
