import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../test/support/memory-store.js';
import { loadEndpoints } from '../config/load.js';
import { ConfigError } from '../errors.js';
import { CountingStore } from '../lake/store.js';
import { MODES, parseMode, selectUnits, selectWork } from './select.js';

const file = loadEndpoints();
const at = (day: string) => new Date(`${day}T06:00:00Z`);

async function lakeWith(objects: Record<string, string>) {
  const store = new MemoryStore();
  for (const [key, body] of Object.entries(objects)) await store.putIfAbsent(key, body);
  return store;
}

const success = JSON.stringify({ pages: 1, count: 1, runId: 'r', completedAt: '2026-11-01T00:00:00Z' });
const manifest = (date: string) =>
  JSON.stringify({
    endpoint: 'games',
    path: 'games',
    load: 'snapshot',
    date,
    params: {},
    pageSize: 40,
    count: 80,
    pages: 2,
    createdAt: '2026-11-01T00:00:00Z',
  });

const ids = (work: Awaited<ReturnType<typeof selectWork>>) =>
  work.map(
    ({ inLake, backfill }) =>
      `${inLake.partition.endpoint.name}/${inLake.partition.load}/${inLake.partition.date}${backfill ? ' backfill' : ''}`,
  );

describe('daily mode (memory lake, no API)', () => {
  it("continues an open games snapshot as a backfill beside the `updated` days since it opened, under the snapshot's own date", async () => {
    const store = await lakeWith({ 'raw/games/load=snapshot/date=2026-11-28/_manifest.json': manifest('2026-11-28') });
    const work = await selectWork(file, { endpoints: ['games'], mode: 'daily' }, store, at('2026-12-01'));
    expect(ids(work)).toEqual([
      'games/updated/2026-11-28',
      'games/updated/2026-11-29',
      'games/updated/2026-11-30',
      'games/snapshot/2026-11-28 backfill',
    ]);
  });

  it('catches up every missed `updated` day, oldest first, from the newest sealed one up to yesterday', async () => {
    const store = await lakeWith({ 'raw/games/load=updated/date=2026-12-07/_SUCCESS': success });
    const work = await selectWork(file, { endpoints: ['games'], mode: 'daily' }, store, at('2026-12-10'));
    expect(ids(work)).toEqual(['games/updated/2026-12-08', 'games/updated/2026-12-09']);
    // An open day is resumed, not skipped: it is owed until sealed.
    await store.putIfAbsent('raw/games/load=updated/date=2026-12-08/_manifest.json', manifest('2026-12-08'));
    expect(ids(await selectWork(file, { endpoints: ['games'], mode: 'daily' }, store, at('2026-12-10')))).toEqual([
      'games/updated/2026-12-08',
      'games/updated/2026-12-09',
    ]);
  });

  it('owes no day before the newest snapshot: the catch-up starts on its date, beside the open backfill', async () => {
    const store = await lakeWith({
      'raw/games/load=updated/date=2026-11-01/_SUCCESS': success,
      'raw/games/load=snapshot/date=2026-12-08/_manifest.json': manifest('2026-12-08'),
    });
    const work = await selectWork(file, { endpoints: ['games'], mode: 'daily' }, store, at('2026-12-10'));
    expect(ids(work)).toEqual([
      'games/updated/2026-12-08',
      'games/updated/2026-12-09',
      'games/snapshot/2026-12-08 backfill',
    ]);
  });

  it('starts no games snapshot of its own', async () => {
    const store = await lakeWith({});
    const work = await selectWork(file, { endpoints: ['games'], mode: 'daily' }, store, at('2026-12-01'));
    expect(ids(work)).toEqual(['games/updated/2026-11-30']);
  });

  it('takes a new snapshot of an endpoint only once its last one is refreshDays old', async () => {
    const store = await lakeWith({
      'raw/developers/load=snapshot/date=2026-11-10/_SUCCESS': success,
      'raw/genres/load=snapshot/date=2026-11-30/_SUCCESS': success,
    });
    const soon = await selectWork(
      file,
      { endpoints: ['developers', 'genres'], mode: 'daily' },
      store,
      at('2026-12-01'),
    );
    expect(ids(soon)).toEqual(['genres/snapshot/2026-12-01']);
    const later = await selectWork(
      file,
      { endpoints: ['developers', 'genres'], mode: 'daily' },
      store,
      at('2026-12-10'),
    );
    expect(ids(later)).toEqual(['developers/snapshot/2026-12-10', 'genres/snapshot/2026-12-10']);
    // Nothing due is no work, not an error.
    expect(ids(await selectWork(file, { endpoints: ['developers'], mode: 'daily' }, store, at('2026-12-01')))).toEqual(
      [],
    );
  });
});

describe('snapshot mode', () => {
  it('resumes the newest open snapshot, whatever day it is, and starts today once it is complete', async () => {
    const open = await lakeWith({ 'raw/games/load=snapshot/date=2026-10-20/_manifest.json': manifest('2026-10-20') });
    expect(ids(await selectWork(file, { endpoints: ['games'], mode: 'snapshot' }, open, at('2026-12-01')))).toEqual([
      'games/snapshot/2026-10-20',
    ]);
    const done = await lakeWith({ 'raw/games/load=snapshot/date=2026-10-20/_SUCCESS': success });
    expect(ids(await selectWork(file, { endpoints: ['games'], mode: 'snapshot' }, done, at('2026-12-01')))).toEqual([
      'games/snapshot/2026-12-01',
    ]);
  });
});

describe('updated mode and flags', () => {
  it('takes the mode words, and names the new word for a renamed one', () => {
    expect(MODES.map(parseMode)).toEqual(['snapshot', 'updated', 'daily']);
    expect(() => parseMode('incremental')).toThrow(new ConfigError('--mode incremental is now --mode updated'));
    expect(() => parseMode('weekly')).toThrow(ConfigError);
  });

  it('selects one updated partition a day from --from to --to, and only for endpoints that have the filter', async () => {
    const work = await selectWork(
      file,
      { endpoints: 'all', mode: 'updated', from: '2026-11-28', to: '2026-11-30' },
      await lakeWith({}),
      at('2026-12-01'),
    );
    expect(ids(work)).toEqual(['games/updated/2026-11-28', 'games/updated/2026-11-29', 'games/updated/2026-11-30']);
    await expect(
      selectWork(file, { endpoints: ['genres'], mode: 'updated' }, await lakeWith({}), at('2026-12-01')),
    ).rejects.toThrow(/no `updated` filter/);
  });

  it.each([
    [{ from: '2026-11-01' }, /--from and --to go together/],
    [{ from: '2026-11-01', to: '2026-11-02', date: '2026-11-01' }, /either --date or --from\/--to/],
    [{ date: '2026-12-02' }, /in the future/],
    [{ date: '2026-13-01' }, /not a date/],
    [{ date: '2026-02-30' }, /not a date/],
    [{ from: '2026-11-05', to: '2026-11-01' }, /before --from/],
  ])('refuses %o with a ConfigError, before reading the lake', async (flags, message) => {
    const store = new CountingStore(new MemoryStore());
    const selection = { endpoints: ['games'], mode: 'updated' as const, ...flags };
    await expect(selectWork(file, selection, store, at('2026-12-01'))).rejects.toThrow(ConfigError);
    await expect(selectWork(file, selection, store, at('2026-12-01'))).rejects.toThrow(message);
    expect(store.requests).toBe(0);
  });
});

describe('units named by id', () => {
  const a = 'games/snapshot/2026-11-03/updated~1970-01-01~1998-06-17';
  const b = 'games/snapshot/2026-11-03/updated~1998-06-18~2026-11-03';
  const split = JSON.stringify({
    count: 20_000,
    maxResults: 10_000,
    windows: [
      { from: '1970-01-01', to: '1998-06-17' },
      { from: '1998-06-18', to: '2026-11-03' },
    ],
    createdAt: '2026-11-03T00:00:00Z',
  });
  const splitLake = () => lakeWith({ 'raw/games/load=snapshot/date=2026-11-03/_split.json': split });

  it('groups the windows of one partition into one piece of work, each unit once', async () => {
    const work = await selectUnits(file, [a, b, a, 'genres/snapshot/2026-11-30'], await splitLake(), at('2026-12-01'));
    expect(ids(work)).toEqual(['games/snapshot/2026-11-03', 'genres/snapshot/2026-11-30']);
    expect([...work[0]!.units!]).toEqual([a, b]);
  });

  it.each([
    [
      'a window the split does not hold',
      'games/snapshot/2026-11-03/updated~2000-01-01~2005-01-01',
      'games/snapshot/2026-11-03 has no such window',
    ],
    [
      'a window of a snapshot the lake does not hold',
      'games/snapshot/2026-10-01/updated~1970-01-01~1998-06-17',
      'the lake holds no snapshot games/snapshot/2026-10-01',
    ],
  ])('refuses %s, naming it and how to list the units', async (_, id, why) => {
    const refused = selectUnits(file, [a, id], await splitLake(), at('2026-12-01'));
    await expect(refused).rejects.toThrow(ConfigError);
    await expect(refused).rejects.toThrow(
      `--unit ${id} names no unit of the current plan (${why}): \`gmp plan --endpoint games\` lists the units`,
    );
  });

  it.each([
    'games/snapshot',
    'games/weekly/2026-11-30',
    'games/updated/2026-11-30/updated~2026-11-01~2026-11-30',
    'games/snapshot/2026-11-30/dates~a~b',
    'genres/updated/2026-11-30',
    'games/snapshot/2026-12-09',
  ])('refuses the unit %s with a ConfigError', async (id) => {
    await expect(selectUnits(file, [id], await lakeWith({}), at('2026-12-01'))).rejects.toThrow(ConfigError);
  });
});
