import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BucketMissingError, ConfigError, StoreUnavailableError } from '../src/errors.js';
import { openLake } from '../src/lake/open.js';
import type { ObjectStore } from '../src/lake/store.js';
import { freePort, startS3Server, type S3Server } from './support/s3-server.js';

let s3: S3Server;
beforeAll(async () => {
  s3 = await startS3Server();
  process.env.AWS_ACCESS_KEY_ID = s3.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = s3.secretAccessKey;
});
afterAll(async () => {
  await s3?.close();
  delete process.env.AWS_ACCESS_KEY_ID;
  delete process.env.AWS_SECRET_ACCESS_KEY;
});

const backends: [string, () => Promise<ObjectStore>][] = [
  ['local directory', async () => openLake({ lakeUrl: `file://${mkdtempSync(join(tmpdir(), 'gmp-lake-'))}` })],
  [
    'S3 server',
    async () => {
      const store = openLake({
        lakeUrl: `s3://lake-${Math.random().toString(16).slice(2, 10)}/some/prefix`,
        s3Endpoint: s3.endpoint,
      });
      await store.init();
      return store;
    },
  ],
];

describe.each(backends)('the lake on a %s', (_, open) => {
  it('puts an object once and never overwrites it', async () => {
    const store = await open();
    expect(await store.exists('raw/games/a.json')).toBe(false);
    expect(await store.get('raw/games/a.json')).toBeUndefined();
    expect(await store.putIfAbsent('raw/games/a.json', '{"v":1}')).toBe(true);
    expect(await store.putIfAbsent('raw/games/a.json', '{"v":2}')).toBe(false);
    expect(new TextDecoder().decode(await store.get('raw/games/a.json'))).toBe('{"v":1}');
    expect(await store.exists('raw/games/a.json')).toBe(true);
  });

  it('lists every key under a prefix, in order, past 1,000 keys', async () => {
    const store = await open();
    const keys = Array.from(
      { length: 1005 },
      (_, i) => `raw/tags/load=snapshot/date=2026-01-01/page=${String(i + 1).padStart(5, '0')}.json`,
    );
    for (let i = 0; i < keys.length; i += 50)
      await Promise.all(keys.slice(i, i + 50).map((key) => store.putIfAbsent(key, '{}')));
    await store.putIfAbsent('raw/tagsx/other.json', '{}');
    expect(await store.list('raw/tags/')).toEqual(keys);
    expect(await store.list('raw/tags/load=snapshot/date=2026-01-01/page=0010')).toHaveLength(10);
    expect(await store.list('raw/nothing/')).toEqual([]);
  });

  it('lets exactly one of many simultaneous writers win', async () => {
    const store = await open();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.putIfAbsent('raw/race.json', `{"writer":${i}}`)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect(new TextDecoder().decode(await store.get('raw/race.json'))).toBe(`{"writer":${winner}}`);
  });
});

describe('lake errors', () => {
  it('rejects a LAKE_URL that is neither file:// nor s3://, without echoing credentials', () => {
    expect(() => openLake({ lakeUrl: 'ftp://lake' })).toThrow(ConfigError);
    expect(() => openLake({ lakeUrl: 'https://user:hunter2@host/lake' })).toThrow(
      /^LAKE_URL \(a URL with credentials\) is not a lake/,
    );
  });

  it('names the bucket and the fix when the bucket is missing', async () => {
    const store = openLake({ lakeUrl: 's3://no-such-bucket', s3Endpoint: s3.endpoint });
    await expect(store.get('raw/x.json')).rejects.toThrow(BucketMissingError);
    await expect(store.list('raw/')).rejects.toThrow(/bucket "no-such-bucket" does not exist .*gmp lake init/);
  });

  it('says the store is unreachable, naming where it looked', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const store = openLake({ lakeUrl: 's3://lake', s3Endpoint: endpoint });
    await expect(store.exists('raw/x.json')).rejects.toThrow(StoreUnavailableError);
    await expect(store.list('raw/')).rejects.toThrow(
      `object store s3://lake at ${endpoint} is unreachable (ECONNREFUSED)`,
    );
  });
});
