import { existsSync, readFileSync, statSync } from 'node:fs';

/** One S3 request as the server logged it. */
export interface S3Request {
  bucket: string;
  /** The S3 operation without the server's prefix: `PutObject`, `HeadObject`, `ListObjectsV2`... */
  operation: string;
  /** The object key, or '' for bucket-level requests. */
  key: string;
  status: number;
}

// owner bucket [time] ip requester request-id s3_Operation key uri status ...
const LINE = /^\S+ (\S+) \[[^\]]*\] \S+ \S+ \S+ s3_(\w+) (\S+) \S+ (\d{3}) /;

/** Parses versitygw's access log (one line per request; other lines, such as its banner, are skipped). */
export function parseAccessLog(text: string): S3Request[] {
  const requests: S3Request[] = [];
  for (const line of text.split('\n')) {
    const match = LINE.exec(line);
    if (!match) continue;
    const [, bucket, operation, key, status] = match;
    requests.push({ bucket: bucket!, operation: operation!, key: key === '-' ? '' : key!, status: Number(status) });
  }
  return requests;
}

/**
 * Reads the requests a server logged between two moments: `mark()` before, `since(mark)` after.
 * Counting on the server sees every request, whatever the client (Node, Python) thinks it sent.
 */
export class AccessLog {
  constructor(readonly path: string) {}

  mark(): number {
    return existsSync(this.path) ? statSync(this.path).size : 0;
  }

  since(mark: number, bucket?: string): S3Request[] {
    if (!existsSync(this.path)) return [];
    const text = readFileSync(this.path).subarray(mark).toString('utf8');
    return parseAccessLog(text).filter((request) => bucket === undefined || request.bucket === bucket);
  }
}

/** Requests counted by operation, e.g. `{ PutObject: 2000, GetObject: 2 }`. */
export function countByOperation(requests: S3Request[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { operation } of requests) counts[operation] = (counts[operation] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
