import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultEndpointsPath } from '../../src/paths.js';
import { openLake } from '../../src/lake/open.js';
import type { ObjectStore } from '../../src/lake/store.js';
import type { S3Server } from './s3-server.js';

/** A fresh, empty lake and the env that points the CLI at it. */
export interface TestLake {
  url: string;
  env: Record<string, string>;
  store: ObjectStore;
}

export type LakeKind = 'local' | 's3';
export const LAKE_KINDS: LakeKind[] = ['local', 's3'];

let counter = 0;

export async function freshLake(kind: LakeKind, s3?: S3Server): Promise<TestLake> {
  if (kind === 'local') {
    const url = `file://${mkdtempSync(join(tmpdir(), 'gmp-lake-'))}`;
    return { url, env: { LAKE_URL: url }, store: openLake({ lakeUrl: url }) };
  }
  if (!s3) throw new Error('an S3 lake needs the S3 server');
  counter += 1;
  const url = `s3://lake-${process.pid}-${counter}/data`;
  const store = openLake({ lakeUrl: url, s3Endpoint: s3.endpoint });
  process.env.AWS_ACCESS_KEY_ID = s3.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = s3.secretAccessKey;
  await store.init();
  return { url, env: { ...s3.env, LAKE_URL: url }, store };
}

/** Every object of a lake, as text, by key. */
export async function lakeContents(store: ObjectStore, prefix = ''): Promise<Map<string, string>> {
  const contents = new Map<string, string>();
  for (const key of await store.list(prefix)) contents.set(key, new TextDecoder().decode(await store.get(key)));
  return contents;
}

/** Only the page objects: what must be byte-identical between two runs of the same data. */
export async function lakePages(store: ObjectStore): Promise<Map<string, string>> {
  const all = await lakeContents(store, 'raw/');
  return new Map([...all].filter(([key]) => /\/page=\d+\.json$/.test(key)));
}

/** A copy of config/endpoints.json with source settings changed; its path goes in GMP_ENDPOINTS. */
export function configWith(source: Record<string, unknown>): string {
  const config = JSON.parse(readFileSync(defaultEndpointsPath, 'utf8'));
  Object.assign(config.source, source);
  delete config.$schema;
  const path = join(mkdtempSync(join(tmpdir(), 'gmp-config-')), 'endpoints.json');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}
