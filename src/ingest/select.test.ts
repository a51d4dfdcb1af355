import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEndpoints } from '../config/load.js';
import { openLake } from '../lake/open.js';
import { selectWork } from './select.js';

const file = loadEndpoints();
const at = (day: string) => new Date(`${day}T06:00:00Z`);

async function lakeWith(objects: Record<string, string>) {
  const store = openLake({ lakeUrl: `file://${mkdtempSync(join(tmpdir(), 'gmp-select-'))}` });
  for (const [key, body] of Object.entries(objects)) await store.putIfAbsent(key, body);
  return store;
}

const success = JSON.stringify({ pages: 1, count: 1, runId: 'r', completedAt: '2026-11-01T00:00:00Z' });
const manifest = (date: string) =>
  JSON.stringify({ endpoint: 'games', path: 'games', load: 'snapshot', date, params: {}, pageSize: 40, count: 80, pages: 2, createdAt: '2026-11-01T00:00:00Z' });

const ids = (work: Awaited<ReturnType<typeof selectWork>>) => work.map(({ plan, backfill }) => `${plan.partition.endpoint.name}/${plan.partition.load}/${plan.partition.date}${backfill ? ' backfill' : ''}`);

describe('daily mode (a lake on disk, no API)', () => {
  it("continues an open games snapshot as a backfill beside yesterday's window, under the snapshot's own date", async () => {
    const store = await lakeWith({ 'raw/games/load=snapshot/date=2026-11-03/_manifest.json': manifest('2026-11-03') });
    const work = await selectWork(file, { endpoints: ['games'], mode: 'daily' }, store, at('2026-12-01'));
    expect(ids(work)).toEqual(['games/updated/2026-11-30', 'games/snapshot/2026-11-03 backfill']);
  });

  it('starts no games snapshot of its own', async () => {
    const store = await lakeWith({});
    const work = await selectWork(file, { endpoints: ['games'], mode: 'daily' }, store, at('2026-12-01'));
    expect(ids(work)).toEqual(['games/updated/2026-11-30']);
  });

  it('takes a new snapshot of an endpoint only once its last one is refreshDays old', async () => {
    const store = await lakeWith({ 'raw/developers/load=snapshot/date=2026-11-10/_SUCCESS': success, 'raw/genres/load=snapshot/date=2026-11-30/_SUCCESS': success });
    const soon = await selectWork(file, { endpoints: ['developers', 'genres'], mode: 'daily' }, store, at('2026-12-01'));
    expect(ids(soon)).toEqual(['genres/snapshot/2026-12-01']);
    const later = await selectWork(file, { endpoints: ['developers', 'genres'], mode: 'daily' }, store, at('2026-12-10'));
    expect(ids(later)).toEqual(['developers/snapshot/2026-12-10', 'genres/snapshot/2026-12-10']);
    // Nothing due is no work, not an error.
    expect(ids(await selectWork(file, { endpoints: ['developers'], mode: 'daily' }, store, at('2026-12-01')))).toEqual([]);
  });
});

describe('snapshot mode', () => {
  it('resumes the newest open snapshot, whatever day it is, and starts today once it is complete', async () => {
    const open = await lakeWith({ 'raw/games/load=snapshot/date=2026-10-20/_manifest.json': manifest('2026-10-20') });
    expect(ids(await selectWork(file, { endpoints: ['games'], mode: 'snapshot' }, open, at('2026-12-01')))).toEqual(['games/snapshot/2026-10-20']);
    const done = await lakeWith({ 'raw/games/load=snapshot/date=2026-10-20/_SUCCESS': success });
    expect(ids(await selectWork(file, { endpoints: ['games'], mode: 'snapshot' }, done, at('2026-12-01')))).toEqual(['games/snapshot/2026-12-01']);
  });
});
