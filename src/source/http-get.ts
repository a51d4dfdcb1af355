import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { PageBuffers } from './page-buffers.js';

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The whole body, as received: lent from `buffers` when they were given. */
  body: Buffer;
}

/** Thrown when no complete answer arrived in time: the name `fetch` gives the same failure. */
export class HttpTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

// Connections stay open between pages: a new TCP (and TLS) handshake per page costs more CPU than the page.
const agents = { 'http:': new HttpAgent({ keepAlive: true }), 'https:': new HttpsAgent({ keepAlive: true }) };

/**
 * One GET read to its end. Node's own HTTP client rather than `fetch`: the body arrives as the
 * socket's buffers, with no web-stream layer, which took a third of a page's CPU. The timeout covers
 * the headers and the whole body, so a server that stalls halfway is cut too. Redirects are not
 * followed: an API that redirects answers with its 3xx. With `buffers`, the body is copied into a
 * lent buffer, so the socket's chunks die young.
 */
export function httpGet(
  url: URL,
  headers: Record<string, string>,
  timeoutMs: number,
  buffers?: PageBuffers,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const protocol = url.protocol === 'https:' ? 'https:' : 'http:';
    const send = protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, { headers, agent: agents[protocol] }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', fail);
      // 'aborted' covers a connection closed before the body's announced length arrived.
      response.on('aborted', () =>
        fail(Object.assign(new Error('the connection closed before the whole body arrived'), { code: 'ECONNRESET' })),
      );
      response.on('end', () => {
        clearTimeout(timer);
        if (!response.complete)
          return fail(
            Object.assign(new Error('the connection closed before the whole body arrived'), { code: 'ECONNRESET' }),
          );
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: joined(chunks, buffers) });
      });
    });
    const timer = setTimeout(() => {
      request.destroy(new HttpTimeoutError(`no complete answer within ${timeoutMs} ms`));
    }, timeoutMs);
    function fail(error: Error): void {
      clearTimeout(timer);
      request.destroy();
      reject(error);
    }
    request.on('error', fail);
    request.end();
  });
}

function joined(chunks: Buffer[], buffers: PageBuffers | undefined): Buffer {
  if (!buffers) return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  const body = buffers.take(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) at += chunk.copy(body, at);
  return body;
}
