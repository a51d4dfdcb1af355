import { AbortError } from 'p-retry';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError, ApiKeyError, QuotaExhaustedError } from '../errors.js';
import { HttpTimeoutError } from './http-get.js';

/** A failure worth another try: 5xx, 429, reset, timeout, a body that is not a page. */
export class TransientError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The longest Retry-After wait obeyed; a longer one fails the fetch, to be rerun later. */
const MAX_RETRY_AFTER_MS = 60_000;

const QUOTA_SPENT = 'The monthly API limit reached';
const KEY_MISSING = 'The key parameter is not provided';
const KEY_UNKNOWN = 'The API key is not found';

/**
 * What an answer that is not 2xx means: the end of a listing (404 "Invalid page."), an item the API
 * no longer knows (404 "Not found."), or a failure: a TransientError to retry, an AbortError not to.
 */
export function notOkAnswer(
  answer: { status: number; headers: IncomingHttpHeaders; body: string },
  shownUrl: string,
  item: boolean,
): { status: 'end' } | { status: 'gone' } {
  const message = errorField(answer.body);
  switch (answer.status) {
    case 404:
      if (!item && message === 'Invalid page.') return { status: 'end' };
      if (item && message === 'Not found.') return { status: 'gone' };
      throw new AbortError(
        new ApiError(
          `${shownUrl} answered 404 (${message ?? 'not found'}): check the endpoint's path in config/endpoints.json`,
        ),
      );
    case 401:
      throw new AbortError(unauthorized(message));
    case 429: {
      const header = answer.headers['retry-after'];
      const waitMs = retryAfterMs(typeof header === 'string' ? header : null);
      if (waitMs !== undefined && waitMs > MAX_RETRY_AFTER_MS) {
        throw new AbortError(
          new ApiError(
            `${shownUrl} answered 429 and asked to wait ${Math.ceil(waitMs / 1000)} s (Retry-After) before the next request: rerun after that to resume`,
          ),
        );
      }
      throw new TransientError('429 too many requests', waitMs);
    }
    default:
      if (answer.status >= 500) throw new TransientError(`HTTP ${answer.status}`);
      throw new AbortError(new ApiError(`${shownUrl} answered HTTP ${answer.status}${message ? ` (${message})` : ''}`));
  }
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
    return new QuotaExhaustedError(
      'the RAWG monthly request quota is spent: the API refuses every request until next month (or a bigger plan)',
    );
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

/** A network failure in words, naming the host; never the URL itself, which carries the key. */
export function describeNetworkError(error: unknown, url: URL, timeoutMs: number): string {
  if (error instanceof HttpTimeoutError) {
    return `no complete answer within ${formatMs(timeoutMs)}: the API is stalled or slow (requestTimeoutMs)`;
  }
  const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  switch (code) {
    case 'ECONNREFUSED':
      return `cannot connect to ${url.host}: nothing listens there; is --base-url right?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve ${url.hostname} (${code}): check --base-url and the network`;
    case undefined:
      return error instanceof Error ? error.message : String(error);
    default:
      return `${code} from ${url.host}`;
  }
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
