import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../test/support/memory-store.js';
import { LocalStore } from './local.js';
import type { ObjectStore } from './store.js';

/** The unit tier's memory lake must keep the contract the local store keeps (the S3 one is held to it by test/lake.test.ts). */
const stores: [string, () => ObjectStore][] = [
  ['local directory', () => new LocalStore(mkdtempSync(join(tmpdir(), 'gmp-contract-')))],
  ['memory', () => new MemoryStore()],
];

describe.each(stores)('the object store contract (%s)', (_, open) => {
  it('writes an object once and never overwrites it', async () => {
    const store = open();
    expect(await store.putIfAbsent('a/b.json', 'first')).toBe(true);
    expect(await store.putIfAbsent('a/b.json', 'second')).toBe(false);
    expect(new TextDecoder().decode(await store.get('a/b.json'))).toBe('first');
    expect(await store.exists('a/b.json')).toBe(true);
    expect(await store.get('a/missing')).toBeUndefined();
    expect(await store.exists('a/missing')).toBe(false);
  });

  it('lets exactly one of many racing writers of a key win', async () => {
    const store = open();
    const wins = await Promise.all(Array.from({ length: 8 }, (_, i) => store.putIfAbsent('race/key', `writer ${i}`)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect(new TextDecoder().decode(await store.get('race/key'))).toBe(`writer ${wins.indexOf(true)}`);
  });

  it('keeps the bytes as written, whatever the caller does with its buffer afterwards', async () => {
    const store = open();
    const body = new Uint8Array([1, 2, 3]);
    await store.putIfAbsent('bytes', body);
    body[0] = 9;
    expect([...((await store.get('bytes')) ?? [])]).toEqual([1, 2, 3]);
  });

  it('lists every key under a prefix in lexical order, and the names one level down', async () => {
    const store = open();
    for (const key of [
      'raw/g/date=2026-12-01/page=00002.json',
      'raw/g/date=2026-11-30/_SUCCESS',
      'raw/g/date=2026-12-01/page=00001.json',
      'raw/h/x',
      'raw/gx',
    ]) {
      await store.putIfAbsent(key, '{}');
    }
    expect(await store.list('raw/g/')).toEqual([
      'raw/g/date=2026-11-30/_SUCCESS',
      'raw/g/date=2026-12-01/page=00001.json',
      'raw/g/date=2026-12-01/page=00002.json',
    ]);
    expect(await store.list('raw/g')).toEqual([
      'raw/g/date=2026-11-30/_SUCCESS',
      'raw/g/date=2026-12-01/page=00001.json',
      'raw/g/date=2026-12-01/page=00002.json',
      'raw/gx',
    ]);
    expect(await store.listChildren('raw/g/')).toEqual(['date=2026-11-30', 'date=2026-12-01']);
    expect(await store.listChildren('raw/')).toEqual(['g', 'gx', 'h']);
    expect(await store.listChildren('raw/none/')).toEqual([]);
    expect(await store.list('none/')).toEqual([]);
  });
});
