/**
 * The seed baseline: the games ingest as this project first designed it, kept for the benchmark to
 * measure against. It does what that first design describes, and nothing cleverer:
 * - one page at a time;
 * - HEAD the page's object; if it is absent, GET the page from the API and PUT it;
 * - stop when a page has no results or no `next`;
 * - partition by the run's wall-clock date;
 * - retry every failed HTTP request five times with exponential backoff (1 s, 2 s, 4 s...).
 * One benefit of the doubt: the API's 404 "Invalid page." past the end counts as "no results"
 * and is not retried (a literal reading would retry it five times, with 31 s of backoff).
 *
 * Env: RAWG_BASE_URL, RAWG_API_KEY, LAKE_URL=s3://BUCKET[/PREFIX], S3_ENDPOINT, AWS credentials.
 */
import { HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';

const RETRIES = 5;
const FIRST_BACKOFF_MS = 1000;
const PAGE_SIZE = 40;

interface Page {
  next: string | null;
  previous: string | null;
  results: unknown[];
}

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const lake = /^s3:\/\/([^/]+)\/?(.*)$/.exec(env('LAKE_URL'));
if (!lake) throw new Error('LAKE_URL must be s3://BUCKET[/PREFIX]');
const [, bucket, prefix] = lake as unknown as [string, string, string];
const s3 = new S3Client({
  region: process.env.AWS_REGION ?? 'us-east-1',
  endpoint: env('S3_ENDPOINT'),
  forcePathStyle: true,
});
const apiBase = env('RAWG_BASE_URL').replace(/\/+$/, '');
const apiKey = env('RAWG_API_KEY');

async function withRetries<T>(what: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await what();
    } catch (error) {
      if (attempt === RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, FIRST_BACKOFF_MS * 2 ** attempt));
    }
  }
}

async function objectExists(key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return false;
    throw error;
  }
}

/** The page, or undefined past the end of the listing. */
async function fetchPage(page: number): Promise<Page | undefined> {
  const url = `${apiBase}/games?page=${page}&page_size=${PAGE_SIZE}&key=${encodeURIComponent(apiKey)}`;
  const response = await fetch(url);
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`HTTP ${response.status} for page ${page}`);
  return (await response.json()) as Page;
}

const withoutKey = (url: string | null) => url && url.replace(/([?&])key=[^&]*&?/, '$1').replace(/[?&]$/, '');

const date = new Date().toISOString().slice(0, 10);
const partition = `${prefix ? `${prefix.replace(/\/+$/, '')}/` : ''}raw/games/load=snapshot/date=${date}`;
let stored = 0;
for (let page = 1; ; page++) {
  const key = `${partition}/page=${String(page).padStart(5, '0')}.json`;
  if (await objectExists(key)) continue;
  const body = await withRetries(() => fetchPage(page));
  if (!body) break;
  body.next = withoutKey(body.next);
  body.previous = withoutKey(body.previous);
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(body), ContentType: 'application/json' }),
  );
  stored += 1;
  if (body.results.length === 0 || !body.next) break;
}
process.stdout.write(`${JSON.stringify({ partition: `s3://${bucket}/${partition}`, pagesStored: stored })}\n`);
