import { AbortError } from 'p-retry';
import { ApiError } from '../errors.js';
import { envelopeSchema, type Envelope } from './envelope.js';
import { TransientError } from './failures.js';
import type { PageBuffers } from './page-buffers.js';
import { redactUrl, type Redactor } from './redact.js';

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

/** A 2xx page with the key taken out of its links and every secret out of its bytes: an API may echo them anywhere. */
export function storedPage(bytes: Buffer, url: URL, buffers: PageBuffers, redactor: Redactor): PageResult {
  let page: { envelope: PageLinks; ids: number[]; items: readonly unknown[]; body: Buffer };
  try {
    page = parsePage(bytes, url, buffers);
  } catch (error) {
    buffers.give(bytes);
    throw error;
  }
  // Each step gives back the buffer it copied from, and only that one: a step may return a view of its input.
  if (page.body.buffer !== bytes.buffer) buffers.give(bytes);
  const body = redactor.bytes(page.body);
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

/** A 2xx item (`games/123`) as stored, secrets redacted; an answer without an item id is retried. */
export function storedItem(bytes: Buffer, redactor: Redactor): ItemResult {
  const text = bytes.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new TransientError('the answer is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { id?: unknown }).id !== 'number')
    throw new TransientError('the answer has no item id');
  return { status: 'item', body: redactor.bytes(Buffer.from(text)) };
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
