/**
 * An API on 127.0.0.1 that misbehaves on demand, in front of the sandbox: it echoes the request
 * URL, the key (as sent, or encoded) and the basic-auth credentials into error bodies and page
 * results, answers HTML, hangs, or asks for a long Retry-After. Tests switch its behaviour between
 * runs.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How an API may spell the key it echoes. */
export const KEY_ENCODINGS = {
  hex: (key: string) => Buffer.from(key).toString('hex'),
  HEX: (key: string) => Buffer.from(key).toString('hex').toUpperCase(),
  base64: (key: string) => Buffer.from(key).toString('base64'),
  'base64 without padding': (key: string) => Buffer.from(key).toString('base64').replace(/=+$/, ''),
  base64url: (key: string) => Buffer.from(key).toString('base64url'),
  'base64url with padding': (key: string) =>
    Buffer.from(key).toString('base64').replaceAll('+', '-').replaceAll('/', '_'),
  /** Inside a longer base64 text, as a token or a basic-auth header carries it. */
  'base64 token': (key: string) => Buffer.from(`user:${key}:scope=all`).toString('base64'),
} as const;
export type KeyEncoding = keyof typeof KEY_ENCODINGS;

export type Behaviour =
  /** Pages from the sandbox, with the URL, key and credentials echoed in the envelope and every item. */
  | { kind: 'echo'; keyAs?: KeyEncoding }
  /** This status, with a JSON body that echoes the URL, the key and the credentials. */
  | { kind: 'status'; status: number; keyAs?: KeyEncoding }
  /** 200 with a web page. */
  | { kind: 'html' }
  /** Headers sent, then the body never finishes. */
  | { kind: 'hang' }
  /** 429 asking to wait this long. */
  | { kind: 'retry-after'; seconds: number };

export interface HostileApi {
  /** Base URL ending in /api. */
  url: string;
  /** API requests received. */
  requests: number;
  behave(behaviour: Behaviour): void;
  close(): Promise<void>;
}

export async function startHostileApi(sandboxUrl: string): Promise<HostileApi> {
  let behaviour: Behaviour = { kind: 'echo' };
  const sandboxOrigin = new URL(sandboxUrl).origin;
  const api: HostileApi = {
    url: '',
    requests: 0,
    behave: (next) => (behaviour = next),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    api.requests += 1;
    const url = new URL(request.url ?? '/', `http://${request.headers.host}`);
    const key = url.searchParams.get('key') ?? '';
    const echoed = {
      url: url.toString(),
      key: 'keyAs' in behaviour && behaviour.keyAs ? KEY_ENCODINGS[behaviour.keyAs](key) : key,
      credentials: Buffer.from((request.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8'),
    };
    switch (behaviour.kind) {
      case 'status':
        response.writeHead(behaviour.status, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ detail: `Invalid request ${echoed.url} for key ${echoed.key} as ${echoed.credentials}` }),
        );
        return;
      case 'html':
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<!doctype html><html><body><h1>Welcome to our site</h1></body></html>');
        return;
      case 'hang':
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"count": 1, "results": [');
        return;
      case 'retry-after':
        response.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(behaviour.seconds) });
        response.end(JSON.stringify({ detail: 'Request was throttled.' }));
        return;
      case 'echo': {
        const upstream = await fetch(`${sandboxOrigin}${url.pathname}${url.search}`);
        const text = (await upstream.text()).replaceAll(sandboxOrigin, url.origin);
        if (!upstream.ok) {
          response.writeHead(upstream.status, { 'content-type': 'application/json' });
          response.end(text);
          return;
        }
        const page = JSON.parse(text) as { results: Record<string, unknown>[] };
        for (const item of page.results)
          Object.assign(item, { echo_url: echoed.url, echo_key: echoed.key, echo_auth: echoed.credentials });
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ ...page, echo: echoed }));
      }
    }
  }

  const server = createServer((request, response) => {
    answer(request, response).catch((error: unknown) => {
      response.writeHead(502);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  // A hanging answer must not keep the test process alive.
  const close = api.close;
  api.close = () => {
    server.closeAllConnections();
    return close();
  };
  return api;
}
