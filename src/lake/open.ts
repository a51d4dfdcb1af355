import { resolve } from 'node:path';
import { DEFAULT_LAKE_URL } from '../config/defaults.js';
import { LocalStore } from './local.js';
import { S3Store } from './s3.js';
import type { ObjectStore } from './store.js';
import { parseLakeUrl } from './url.js';

export interface LakeSettings {
  lakeUrl?: string;
  s3Endpoint?: string;
  region?: string;
}

/** Opens the lake that LAKE_URL names: `file://DIR` (relative to the working directory) or `s3://BUCKET[/PREFIX]`. */
export function openLake({ lakeUrl = DEFAULT_LAKE_URL, s3Endpoint, region }: LakeSettings = {}): ObjectStore {
  const lake = parseLakeUrl(lakeUrl);
  if (lake.kind === 'file') return new LocalStore(resolve(lake.dir));
  return new S3Store({ bucket: lake.bucket, prefix: lake.prefix, endpoint: s3Endpoint || undefined, region });
}
