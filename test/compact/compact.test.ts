import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCompact } from '../../src/compact/index.js';
import { compactSuccessKey, isPageName, partitionPrefix, type Load } from '../../src/lake/layout.js';
import type { ObjectStore } from '../../src/lake/store.js';
import { cleanEnv, runGmp } from '../support/gmp.js';
import { configWith, freshLake, LAKE_KINDS, type TestLake } from '../support/lakes.js';
import { useServers } from '../ingest/support.js';

const API_KEY = 'fedcba9876543210fedcba9876543210';
const SNAPSHOT = '2026-11-20';
const WINDOW = '2026-11-19';
/** A cap of 400 results a listing: the 2,000-game snapshot is read in windows. */
const CAPPED = { maxResults: 400 };

const games = (load: Load, date: string) => ({ endpoint: { name: 'games' }, load, date });

/** Counts the writes a store is asked for; after `failAfter` of them, every further write throws (a crash mid-compaction). */
class WriteCountingStore implements ObjectStore {
  writes = 0;
  constructor(
    private readonly inner: ObjectStore,
    private readonly failAfter = Infinity,
  ) {}
  get location() {
    return this.inner.location;
  }
  exists = (key: string) => this.inner.exists(key);
  get = (key: string) => this.inner.get(key);
  list = (prefix: string) => this.inner.list(prefix);
  listChildren = (prefix: string) => this.inner.listChildren(prefix);
  init = () => this.inner.init();
  checkWritable = () => this.inner.checkWritable();
  async putIfAbsent(key: string, body: string | Uint8Array): Promise<boolean> {
    if (this.writes >= this.failAfter) throw new Error(`store stopped after ${this.failAfter} writes`);
    this.writes += 1;
    return this.inner.putIfAbsent(key, body);
  }
}

/** The rows of every part under a compacted partition, as {key, page}, read back with DuckDB from local copies. */
async function partRows(store: ObjectStore, prefix: string): Promise<Array<{ key: string; page: string }>> {
  const dir = mkdtempSync(join(tmpdir(), 'gmp-parts-'));
  try {
    const parts = (await store.list(prefix)).filter((key) => key.endsWith('.parquet'));
    for (const [index, key] of parts.entries()) writeFileSync(join(dir, `${index}.parquet`), (await store.get(key))!);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(
        `select key, page from read_parquet('${dir}/*.parquet') order by key`,
      );
      return reader.getRowObjectsJson() as Array<{ key: string; page: string }>;
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every page of a partition (windows included) as {key, page}, from the raw JSON. */
async function rawPages(store: ObjectStore, prefix: string): Promise<Array<{ key: string; page: string }>> {
  const keys = (await store.list(prefix)).filter((key) => isPageName(key.slice(key.lastIndexOf('/') + 1)));
  return Promise.all(keys.map(async (key) => ({ key, page: new TextDecoder().decode(await store.get(key)) })));
}

describe.each(LAKE_KINDS)('gmp compact on a %s lake (real sandbox, versitygw for S3, DuckDB)', (kind) => {
  const servers = useServers();
  let lake: TestLake;
  let env: Record<string, string>;

  beforeAll(async () => {
    lake = await freshLake(kind, servers.s3);
    env = cleanEnv({
      ...lake.env,
      RAWG_API_KEY: API_KEY,
      RAWG_BASE_URL: servers.sandbox.url,
      GMP_ENDPOINTS: configWith(CAPPED),
    });
    // Closed: a windowed games snapshot, a tags snapshot, an updated partition. Open: the next day's (no _SUCCESS).
    for (const args of [
      ['--endpoint', 'games', '--mode', 'snapshot', '--date', SNAPSHOT],
      ['--endpoint', 'tags', '--mode', 'snapshot', '--date', SNAPSHOT],
      ['--endpoint', 'games', '--mode', 'updated', '--date', WINDOW],
    ]) {
      const result = await runGmp(['ingest', ...args], env);
      expect(result.code, result.stderr).toBe(0);
    }
    const open = `${partitionPrefix(games('updated', '2026-11-18'))}page=00001.json`;
    await lake.store.putIfAbsent(open, JSON.stringify({ count: 1, next: null, previous: null, results: [] }));
  }, 300_000);

  it('writes each closed partition as Parquet parts holding exactly its pages, then a marker; the open one is left alone', async () => {
    const result = await runGmp(['compact', '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as {
      compacted: Array<Record<string, unknown>>;
      partitions: number;
      pages: number;
      bytesIn: number;
      bytesOut: number;
    };
    expect(summary.compacted.map((p) => `${p.endpoint}/${p.load}/${p.date}`).sort()).toEqual([
      `games/snapshot/${SNAPSHOT}`,
      `games/updated/${WINDOW}`,
      `tags/snapshot/${SNAPSHOT}`,
    ]);
    expect(summary.bytesOut).toBeGreaterThan(0);
    expect(summary.bytesOut).toBeLessThan(summary.bytesIn);

    let pages = 0;
    for (const partition of [
      games('snapshot', SNAPSHOT),
      games('updated', WINDOW),
      { endpoint: { name: 'tags' }, load: 'snapshot' as Load, date: SNAPSHOT },
    ]) {
      const raw = await rawPages(lake.store, partitionPrefix(partition));
      const compactPrefix = compactSuccessKey(partition).replace(/_SUCCESS$/, '');
      expect(await partRows(lake.store, compactPrefix)).toEqual(raw.sort((a, b) => a.key.localeCompare(b.key)));
      const marker = JSON.parse(new TextDecoder().decode(await lake.store.get(compactSuccessKey(partition)))) as {
        pages: number;
        parts: Array<{ key: string; sha256: string }>;
      };
      expect(marker.pages).toBe(raw.length);
      for (const part of marker.parts)
        expect(
          createHash('sha256')
            .update((await lake.store.get(part.key))!)
            .digest('hex'),
        ).toBe(part.sha256);
      pages += raw.length;
    }
    // The windowed snapshot's pages sit one folder deeper, in its windows: they are in its parts too.
    expect(
      (await lake.store.list(partitionPrefix(games('snapshot', SNAPSHOT)))).some((key) => key.includes('/window=')),
    ).toBe(true);
    expect(summary.pages).toBe(pages);
    expect(await lake.store.list('compact/games/load=updated/date=2026-11-18/')).toEqual([]);
  }, 300_000);

  it('compacts nothing and writes nothing when run again', async () => {
    const before = await lake.store.list('');
    const counting = new WriteCountingStore(lake.store);
    const summary = await runCompact({ store: counting });
    expect([summary.compacted.length, summary.alreadyCompacted, counting.writes]).toEqual([0, 3, 0]);
    const result = await runGmp(['compact', '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout.trim())).toMatchObject({ partitions: 0, alreadyCompacted: 3, pages: 0 });
    expect(await lake.store.list('')).toEqual(before);
  }, 120_000);

  afterAll(async () => {
    if (kind === 'local') rmSync(lake.url.slice('file://'.length), { recursive: true, force: true });
  });
});

describe('gmp compact after a crash (a store that fails after N writes, on a real local lake)', () => {
  const servers = useServers();

  it('leaves no marker, and the rerun completes with the same parts a clean run writes', async () => {
    const lake = await freshLake('local');
    const clean = await freshLake('local');
    try {
      const env = cleanEnv({
        ...lake.env,
        RAWG_API_KEY: API_KEY,
        RAWG_BASE_URL: servers.sandbox.url,
        GMP_ENDPOINTS: configWith(CAPPED),
      });
      const ingest = await runGmp(['ingest', '--endpoint', 'games', '--mode', 'snapshot', '--date', SNAPSHOT], env);
      expect(ingest.code, ingest.stderr).toBe(0);
      const snapshot = games('snapshot', SNAPSHOT);
      // Small parts, so the partition takes several and the crash falls between two of them.
      const partBytes = 512 * 1024;
      const crashing = new WriteCountingStore(lake.store, 2);
      await expect(runCompact({ store: crashing, partBytes })).rejects.toThrow(
        /compacting games\/snapshot\/2026-11-20 failed .*no marker/,
      );
      expect(await lake.store.exists(compactSuccessKey(snapshot))).toBe(false);
      expect((await lake.store.list('compact/')).length).toBe(2);

      const rerun = await runCompact({ store: lake.store, partBytes });
      expect(rerun.compacted).toHaveLength(1);
      expect(rerun.compacted[0]!.parts.length).toBeGreaterThan(2);

      for (const key of await lake.store.list('raw/')) await clean.store.putIfAbsent(key, (await lake.store.get(key))!);
      await runCompact({ store: clean.store, partBytes });
      const bytes = async (store: ObjectStore) =>
        Promise.all(
          (await store.list('compact/')).map(async (key) => [
            key,
            createHash('sha256')
              .update((await store.get(key))!)
              .digest('hex'),
          ]),
        );
      expect(await bytes(lake.store)).toEqual(await bytes(clean.store));
    } finally {
      for (const l of [lake, clean]) rmSync(l.url.slice('file://'.length), { recursive: true, force: true });
    }
  }, 300_000);

  it('names a part it did not make instead of trusting or overwriting it', async () => {
    const lake = await freshLake('local');
    try {
      await lake.store.putIfAbsent(
        `${partitionPrefix(games('updated', WINDOW))}page=00001.json`,
        JSON.stringify({ count: 0, next: null, previous: null, results: [] }),
      );
      await lake.store.putIfAbsent(`${partitionPrefix(games('updated', WINDOW))}_SUCCESS`, '{}');
      await lake.store.putIfAbsent(
        compactSuccessKey(games('updated', WINDOW)).replace('_SUCCESS', 'part-00000.parquet'),
        'not parquet',
      );
      const result = await runGmp(['compact', '--json'], cleanEnv(lake.env));
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toMatch(
        /^gmp: compact\/games\/load=updated\/date=2026-11-19\/part-00000\.parquet differs from the part its pages give .*delete compact\/games\/load=updated\/date=2026-11-19\/ and rerun gmp compact$/,
      );
      expect(await lake.store.exists(compactSuccessKey(games('updated', WINDOW)))).toBe(false);
    } finally {
      rmSync(lake.url.slice('file://'.length), { recursive: true, force: true });
    }
  }, 120_000);
});
