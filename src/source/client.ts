import pRetry, { AbortError } from 'p-retry';
import pThrottle from 'p-throttle';
import { ApiError, ApiKeyError, QuotaExhaustedError } from '../errors.js';
import { envelopeSchema, type Envelope } from './envelope.js';
import { redactUrl } from './redact.js';

export interface RawgClientOptions {
  baseUrl: string;
  apiKey: string;
  pageSize: number;
  requestsPerSecond: number;
  requestTimeoutMs: number;
  retries: number;
  /** First retry delay; later ones double, with jitter. */
  minRetryDelayMs?: number;
  onRetry?: (event: { url: string; attempt: number; reason: string }) => void;
  /**
   * Called before every attempt, retries included, before anything is sent: the request ledger
   * reserves the request here, so a run killed mid-request has still counted it. Throwing stops
   * the fetch with no request made.
   */
  beforeAttempt?: () => Promise<void>;
}

/** RAWG asks API users to name their application. */
export const USER_AGENT = 'game-market-pipeline/0.1 (data pipeline; RAWG API client)';

export type PageResult =
  | { status: 'page'; envelope: Envelope; /** The page as stored: the API's bytes with `key` removed from next/previous. */ body: Uint8Array }
  | { status: 'end' };

/** A failure worth another try: 5xx, 429, reset, timeout, a body that is not a page. */
class TransientError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

const QUOTA_SPENT = 'The monthly API limit reached';
const KEY_MISSING = 'The key parameter is not provided';
const KEY_UNKNOWN = 'The API key is not found';

/**
 * Fetches pages of RAWG list endpoints. One client shares one request-rate cap across every
 * concurrent fetch, and counts the requests it made and the retries it needed.
 */
export class RawgClient {
  requests = 0;
  retries = 0;
  readonly #options: RawgClientOptions;
  readonly #throttled: <T>(task: () => Promise<T>) => Promise<T>;

  constructor(options: RawgClientOptions) {
    this.#options = options;
    const limit = Math.max(1, Math.round(options.requestsPerSecond));
    const throttle = pThrottle({ limit, interval: (1000 * limit) / options.requestsPerSecond, strict: true });
    this.#throttled = throttle(<T>(task: () => Promise<T>) => task()) as <T>(task: () => Promise<T>) => Promise<T>;
  }

  /** The base URL without any key, for logs and run records. */
  get baseUrl(): string {
    return redactUrl(this.#options.baseUrl);
  }

  /** One page; `end` when the API says the page is past the end (404 "Invalid page."). */
  async fetchPage(path: string, page: number, params: Record<string, string> = {}): Promise<PageResult> {
    const url = new URL(`${this.#options.baseUrl.replace(/\/+$/, '')}/${path}`);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    url.searchParams.set('page', String(page));
    // A partition keeps the page size its manifest recorded, whatever the config says now.
    if (!url.searchParams.has('page_size')) url.searchParams.set('page_size', String(this.#options.pageSize));
    url.searchParams.set('key', this.#options.apiKey);
    const shownUrl = redactUrl(url.toString());

    try {
      return await pRetry(() => this.#throttled(() => this.#attempt(url, shownUrl)), {
        retries: this.#options.retries,
        minTimeout: this.#options.minRetryDelayMs ?? 250,
        factor: 2,
        maxTimeout: 10_000,
        randomize: true,
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
          if (retriesLeft === 0) return;
          this.retries += 1;
          this.#options.onRetry?.({ url: shownUrl, attempt: attemptNumber, reason: error.message });
          const retryAfterMs = error instanceof TransientError ? error.retryAfterMs : undefined;
          if (retryAfterMs) await new Promise((resolve) => setTimeout(resolve, retryAfterMs));
        },
      });
    } catch (error) {
      if (error instanceof TransientError) {
        throw new ApiError(`${shownUrl} still failing after ${this.#options.retries} retries (${error.message}); rerun later to resume`);
      }
      throw error;
    }
  }

  async #attempt(url: URL, shownUrl: string): Promise<PageResult> {
    try {
      await this.#options.beforeAttempt?.();
    } catch (error) {
      throw new AbortError(error as Error);
    }
    this.requests += 1;
    let response: Response;
    let bytes: Buffer;
    try {
      response = await fetch(url, { headers: { 'User-Agent': USER_AGENT }, signal: AbortSignal.timeout(this.#options.requestTimeoutMs) });
      bytes = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      throw new TransientError(describeNetworkError(error, this.#options.requestTimeoutMs));
    }

    if (response.ok) return parsePage(bytes);
    const message = errorField(bytes.toString('utf8'));
    switch (response.status) {
      case 404:
        if (message === 'Invalid page.') return { status: 'end' };
        throw new AbortError(new ApiError(`${shownUrl} answered 404 (${message ?? 'not found'}): check the endpoint's path in config/endpoints.json`));
      case 401:
        throw new AbortError(unauthorized(message));
      case 429:
        throw new TransientError('429 too many requests', retryAfterMs(response.headers.get('retry-after')));
      default:
        if (response.status >= 500) throw new TransientError(`HTTP ${response.status}`);
        throw new AbortError(new ApiError(`${shownUrl} answered HTTP ${response.status}${message ? ` (${message})` : ''}`));
    }
  }
}

function parsePage(bytes: Buffer): PageResult {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new TransientError(`body is not JSON (${bytes.length} bytes, probably cut short)`);
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) throw new TransientError('body is not a RAWG page envelope');
  const envelope = json as Envelope;
  let body: Buffer | undefined = bytes;
  for (const field of ['next', 'previous'] as const) {
    const link = envelope[field];
    if (link === null || redactUrl(link) === link) continue;
    envelope[field] = redactUrl(link);
    body &&= replaceField(body, field, link, envelope[field]);
  }
  // Bytes as received where the links could be found in them; otherwise the parsed page re-encoded.
  return { status: 'page', envelope, body: body ?? Buffer.from(JSON.stringify(envelope)) };
}

/** The body with one string field's value replaced, or undefined when it is not found as encoded. */
function replaceField(body: Buffer, field: string, from: string, to: string): Buffer | undefined {
  const original = Buffer.from(`"${field}":${JSON.stringify(from)}`);
  const at = body.indexOf(original);
  if (at < 0) return undefined;
  return Buffer.concat([body.subarray(0, at), Buffer.from(`"${field}":${JSON.stringify(to)}`), body.subarray(at + original.length)]);
}

/** The `detail` or `error` field of an error body, if it has one. */
function errorField(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { detail?: unknown; error?: unknown };
    const value = body.detail ?? body.error;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function unauthorized(message: string | undefined): Error {
  if (message === QUOTA_SPENT) {
    return new QuotaExhaustedError('the RAWG monthly request quota is spent: the API refuses every request until next month (or a bigger plan)');
  }
  if (message === KEY_MISSING) return new ApiKeyError('the API answered that no key was sent: set RAWG_API_KEY');
  if (message === KEY_UNKNOWN) return new ApiKeyError('the API does not know this key: check RAWG_API_KEY');
  return new ApiKeyError(`the API refused the request (401${message ? `: ${message}` : ''}): check RAWG_API_KEY`);
}

/** Retry-After is either seconds or an HTTP date. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${timeoutMs} ms`;
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const code = cause && 'code' in cause ? String(cause.code) : undefined;
  return code ?? (error instanceof Error ? error.message : String(error));
}
