import pRetry, { AbortError } from 'p-retry';
import pThrottle from 'p-throttle';
import { ApiError } from '../errors.js';
import { parseBaseUrl } from './base-url.js';
import { storedItem, storedPage, type ItemResult, type PageResult } from './bodies.js';
import { describeNetworkError, notOkAnswer, TransientError } from './failures.js';
import { httpGet, type HttpAnswer } from './http-get.js';
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

/**
 * Fetches pages of RAWG list endpoints and single items, retrying what is worth another try. One
 * client shares one request-rate cap across every concurrent fetch, and counts the requests it made
 * and the retries it needed. What a body or a failure means is read in bodies.ts and failures.ts.
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
    return this.#fetch(url, (bytes) => storedPage(bytes, url, this.#buffers, this.redactor)) as Promise<PageResult>;
  }

  /** One item (`games/123`): its body as stored (secrets redacted), or `gone` when the API answers 404 "Not found.". */
  async fetchItem(path: string): Promise<ItemResult> {
    const url = new URL(`${this.#baseUrl}/${path}`);
    return this.#fetch(url, (bytes) => storedItem(bytes, this.redactor), true) as Promise<ItemResult>;
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
    const body = bytes.toString('utf8');
    this.#buffers.give(bytes);
    return notOkAnswer({ status: response.status, headers: response.headers, body }, shownUrl, item);
  }
}
