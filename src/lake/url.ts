import { ConfigError } from '../errors.js';

/** What a lake URL names: a local directory (as written) or an S3 bucket with an optional key prefix. */
export type LakeUrl = { kind: 'file'; dir: string } | { kind: 's3'; bucket: string; prefix: string };

const S3_URL = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/;

/** Reads `file://DIR` or `s3://BUCKET[/PREFIX]`; the prefix loses its outer slashes. Anything else is a usage error. */
export function parseLakeUrl(lakeUrl: string): LakeUrl {
  if (lakeUrl.startsWith('file://')) {
    const dir = lakeUrl.slice('file://'.length);
    if (!dir) throw new ConfigError('LAKE_URL "file://" names no directory: use e.g. file://./.lake');
    return { kind: 'file', dir };
  }
  const s3 = S3_URL.exec(lakeUrl);
  if (s3) return { kind: 's3', bucket: s3[1]!, prefix: (s3[2] ?? '').replace(/^\/+|\/+$/g, '') };
  // Never echo a URL that may carry credentials (user:password@...).
  const shown = lakeUrl.includes('@') ? '(a URL with credentials)' : `"${lakeUrl}"`;
  throw new ConfigError(`LAKE_URL ${shown} is not a lake: use file://DIR or s3://BUCKET[/PREFIX]`);
}
