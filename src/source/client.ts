import pRetry, { AbortError } from 'p-retry';
import pThrottle from 'p-throttle';
import { ApiError, ApiKeyError, QuotaExhaustedError } from '../errors.js';
import { envelopeSchema, type Envelope } from './envelope.js';
import { parseBaseUrl } from './base-url.js';
import { httpGet, HttpTimeoutError, type HttpAnswer } from './http-get.js';
import { PageBuffers } from './page-buffers.js';
import { Redactor, redactUrl } from './redact.js';

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

/** A page's count and links (without the key): all the pipeline reads of a page before storing it. */
export type PageLinks = Pick<Envelope, 'count' | 'next' | 'previous'>;

export type PageResult =
  | {
      status: 'page';
      envelope: PageLinks;
      /** The `id` of each item, in order: what reconciling a listing counts. */
      ids: number[];
      /** The items as parsed (strings read as latin1: their keys and types hold, not their text). */
      items?: readonly unknown[];
      /** The page as stored: the API's bytes with `key` removed from next/previous. */
      body: Uint8Array;
      /** Gives the body's buffer back for another page, once it is stored or dropped: the body is not read after. */
      release?: () => void;
    }
  | { status: 'end' };

/** An item fetched alone; `gone` when the API does not know it (deleted). */
export type ItemResult = { status: 'item'; body: Uint8Array } | { status: 'gone' };

/** The longest Retry-After wait obeyed; a longer one fails the fetch, to be rerun later. */
export const MAX_RETRY_AFTER_MS = 60_000;

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
  /** Hides the key and the base URL's password in everything the client lets out. */
  readonly redactor: Redactor;
  readonly #options: RawgClientOptions;
  /** The base URL without credentials: they travel as an Authorization header instead. */
  readonly #baseUrl: string;
  readonly #headers: Record<string, string>;
  readonly #throttled: <T>(task: () => Promise<T>) => Promise<T>;
  readonly #buffers = new PageBuffers();

  constructor(options: RawgClientOptions) {
    this.#options = options;
    const base = parseBaseUrl(options.baseUrl);
    const user = decodeURIComponent(base.username);
    const password = decodeURIComponent(base.password);
    this.redactor = new Redactor([options.apiKey, password, base.password]);
    this.#headers = { 'User-Agent': USER_AGENT };
    // Credentials in the base URL (a proxy's) are sent the way a browser would: basic authentication.
    if (user || password)
      this.#headers.Authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    base.username = '';
    base.password = '';
    this.#baseUrl = base.toString().replace(/\/+$/, '');
    const limit = Math.max(1, Math.round(options.requestsPerSecond));
    const throttle = pThrottle({ limit, interval: (1000 * limit) / options.requestsPerSecond, strict: true });
    this.#throttled = throttle(<T>(task: () => Promise<T>) => task()) as <T>(task: () => Promise<T>) => Promise<T>;
  }

  /** The base URL without any key or credentials, for logs and run records. */
  get baseUrl(): string {
    return redactUrl(this.#baseUrl);
  }

  /** One page; `end` when the API says the page is past the end (404 "Invalid page."). */
  async fetchPage(path: string, page: number, params: Record<string, string> = {}): Promise<PageResult> {
    const url = new URL(`${this.#baseUrl}/${path}`);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    url.searchParams.set('page', String(page));
    // A partition keeps the page size its manifest recorded, whatever the config says now.
    if (!url.searchParams.has('page_size')) url.searchParams.set('page_size', String(this.#options.pageSize));
    return this.#fetch(url, (bytes) => this.#storedPage(bytes, url)) as Promise<PageResult>;
  }

  /** One item (`games/123`): its body as stored (secrets redacted), or `gone` when the API answers 404 "Not found.". */
  async fetchItem(path: string): Promise<ItemResult> {
    const url = new URL(`${this.#baseUrl}/${path}`);
    return this.#fetch(
      url,
      (bytes) => {
        const text = bytes.toString('utf8');
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          throw new TransientError('the answer is not JSON');
        }
        if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { id?: unknown }).id !== 'number')
          throw new TransientError('the answer has no item id');
        return { status: 'item', body: this.redactor.bytes(Buffer.from(text)) };
      },
      true,
    ) as Promise<ItemResult>;
  }

  async #fetch(
    url: URL,
    parse: (bytes: Buffer) => PageResult | ItemResult,
    item = false,
  ): Promise<PageResult | ItemResult> {
    url.searchParams.set('key', this.#options.apiKey);
    const shownUrl = redactUrl(url.toString());

    try {
      return await pRetry(() => this.#throttled(() => this.#attempt(url, shownUrl, parse, item)), {
        retries: this.#options.retries,
        minTimeout: this.#options.minRetryDelayMs ?? 250,
        factor: 2,
        maxTimeout: 10_000,
        randomize: true,
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
          if (retriesLeft === 0) return;
          this.retries += 1;
          this.#options.onRetry?.({ url: shownUrl, attempt: attemptNumber, reason: this.redactor.text(error.message) });
          const retryAfterMs = error instanceof TransientError ? error.retryAfterMs : undefined;
          if (retryAfterMs) await new Promise((resolve) => setTimeout(resolve, retryAfterMs));
        },
      });
    } catch (error) {
      if (error instanceof TransientError) {
        throw this.redactor.error(
          new ApiError(
            `${shownUrl} still failing after ${this.#options.retries} retries (${error.message}); rerun later to resume`,
          ),
        );
      }
      throw this.redactor.error(error);
    }
  }

  async #attempt(
    url: URL,
    shownUrl: string,
    parse: (bytes: Buffer) => PageResult | ItemResult,
    item: boolean,
  ): Promise<PageResult | ItemResult> {
    try {
      await this.#options.beforeAttempt?.();
    } catch (error) {
      throw new AbortError(error as Error);
    }
    this.requests += 1;
    let response: HttpAnswer;
    try {
      response = await httpGet(url, this.#headers, this.#options.requestTimeoutMs, this.#buffers);
    } catch (error) {
      throw new TransientError(describeNetworkError(error, url, this.#options.requestTimeoutMs));
    }

    const bytes = response.body;
    if (response.status >= 200 && response.status < 300) return parse(bytes);
    const message = errorField(bytes.toString('utf8'));
    this.#buffers.give(bytes);
    switch (response.status) {
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
        const header = response.headers['retry-after'];
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
        if (response.status >= 500) throw new TransientError(`HTTP ${response.status}`);
        throw new AbortError(
          new ApiError(`${shownUrl} answered HTTP ${response.status}${message ? ` (${message})` : ''}`),
        );
    }
  }

  /** The page with the key taken out of its links and every secret out of its bytes: an API may echo them anywhere. */
  #storedPage(bytes: Buffer, url: URL): PageResult {
    const buffers = this.#buffers;
    let page: { envelope: PageLinks; ids: number[]; items: readonly unknown[]; body: Buffer };
    try {
      page = parsePage(bytes, url, buffers);
    } catch (error) {
      buffers.give(bytes);
      throw error;
    }
    // Each step gives back the buffer it copied from, and only that one: a step may return a view of its input.
    if (page.body.buffer !== bytes.buffer) buffers.give(bytes);
    const body = this.redactor.bytes(page.body);
    if (body.buffer !== page.body.buffer) buffers.give(page.body);
    return {
      status: 'page',
      envelope: page.envelope,
      ids: page.ids,
      items: page.items,
      body,
      release: () => buffers.give(body),
    };
  }
}

/**
 * The page checked as JSON and as a RAWG envelope, its links without the key. The bytes are read as
 * latin1 first: UTF-8 never puts a byte below 0x80 inside a multi-byte character, so the JSON's
 * structure, and whether it is valid, are the same either way, and decoding 150 KB of UTF-8 costs
 * four times more. Only links that are not plain ASCII need the page decoded as UTF-8.
 */
function parsePage(
  bytes: Buffer,
  url: URL,
  buffers: PageBuffers,
): { envelope: PageLinks; ids: number[]; items: readonly unknown[]; body: Buffer } {
  const fast = decodeEnvelope(bytes, 'latin1', url);
  if (isAscii(fast.next) && isAscii(fast.previous)) {
    const body = withRedactedLinks(bytes, fast, buffers);
    if (body) return { envelope: linksOf(fast), ids: itemIds(fast), items: fast.results, body };
  }
  const envelope = decodeEnvelope(bytes, 'utf8', url);
  // Bytes as received where the links could be found in them; otherwise the parsed page re-encoded.
  const body =
    withRedactedLinks(bytes, envelope, buffers) ?? Buffer.from(JSON.stringify({ ...envelope, ...linksOf(envelope) }));
  return { envelope: linksOf(envelope), ids: itemIds(envelope), items: envelope.results, body };
}

/** The ids of a page's items (every RAWG list item has one); an item without one is left out. */
export function itemIds(envelope: Pick<Envelope, 'results'>): number[] {
  const ids: number[] = [];
  for (const item of envelope.results) {
    const id = (item as { id?: unknown } | null)?.id;
    if (typeof id === 'number') ids.push(id);
  }
  return ids;
}

function decodeEnvelope(bytes: Buffer, encoding: 'latin1' | 'utf8', url: URL): Envelope {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString(encoding));
  } catch {
    if (/^\s*</.test(bytes.toString('latin1', 0, 512))) {
      // A web page, a login wall or a proxy's error page: no retry makes it a RAWG page.
      throw new AbortError(
        new ApiError(`${url.host} answered HTML, not a RAWG page: is --base-url right (it ends in /api)?`),
      );
    }
    throw new TransientError(`body is not JSON (${bytes.length} bytes, probably cut short)`);
  }
  if (!envelopeSchema.safeParse(json).success) throw new TransientError('body is not a RAWG page envelope');
  return json as Envelope;
}

/** What the pipeline keeps of a page besides its bytes: the count and the links, without the key. */
function linksOf(envelope: Envelope): PageLinks {
  const redact = (link: string | null) => (link === null ? null : redactUrl(link));
  return { count: envelope.count, next: redact(envelope.next), previous: redact(envelope.previous) };
}

function isAscii(text: string | null): boolean {
  return text === null || /^[\x20-\x7e]*$/.test(text);
}

/**
 * The body with the key taken out of `next` and `previous` in place (one copy for both), the body
 * itself when neither holds it, or undefined when a link is not found as encoded.
 */
function withRedactedLinks(body: Buffer, envelope: Envelope, buffers: PageBuffers): Buffer | undefined {
  const edits: { at: number; length: number; text: Buffer }[] = [];
  for (const field of ['next', 'previous'] as const) {
    const link = envelope[field];
    if (link === null || redactUrl(link) === link) continue;
    const original = Buffer.from(`"${field}":${JSON.stringify(link)}`);
    const at = body.indexOf(original);
    if (at < 0) return undefined;
    edits.push({ at, length: original.length, text: Buffer.from(`"${field}":${JSON.stringify(redactUrl(link))}`) });
  }
  if (edits.length === 0) return body;
  edits.sort((a, b) => a.at - b.at);
  const parts: Buffer[] = [];
  let from = 0;
  for (const { at, length, text } of edits) {
    parts.push(body.subarray(from, at), text);
    from = at + length;
  }
  parts.push(body.subarray(from));
  const redacted = buffers.take(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) at += part.copy(redacted, at);
  return redacted;
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
function describeNetworkError(error: unknown, url: URL, timeoutMs: number): string {
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
