import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { LocalStore } from './local.js';
import { S3Store } from './s3.js';
import type { ObjectStore } from './store.js';

export const DEFAULT_LAKE_URL = 'file://./.lake';

export interface LakeSettings {
  lakeUrl?: string;
  s3Endpoint?: string;
  region?: string;
}

/** Opens the lake that LAKE_URL names: `file://DIR` (relative to the working directory) or `s3://BUCKET[/PREFIX]`. */
export function openLake({ lakeUrl = DEFAULT_LAKE_URL, s3Endpoint, region }: LakeSettings = {}): ObjectStore {
  if (lakeUrl.startsWith('file://')) {
    const dir = lakeUrl.slice('file://'.length);
    if (!dir) throw new ConfigError('LAKE_URL "file://" names no directory: use e.g. file://./.lake');
    return new LocalStore(resolve(dir));
  }
  const s3 = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(lakeUrl);
  if (s3) {
    const prefix = (s3[2] ?? '').replace(/^\/+|\/+$/g, '');
    return new S3Store({ bucket: s3[1]!, prefix, endpoint: s3Endpoint || undefined, region });
  }
  // Never echo a URL that may carry credentials (user:password@...).
  const shown = lakeUrl.includes('@') ? '(a URL with credentials)' : `"${lakeUrl}"`;
  throw new ConfigError(`LAKE_URL ${shown} is not a lake: use file://DIR or s3://BUCKET[/PREFIX]`);
}
