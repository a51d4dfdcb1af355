import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunEvent } from '../../src/lineage/event.js';

export interface Received {
  body: string;
  event: RunEvent;
  headers: IncomingHttpHeaders;
  path: string;
}

/** A lineage endpoint on a local port, as Marquez takes events: each POST's JSON body, kept in order. */
export async function startReceiver(): Promise<{
  url: string;
  received: Received[];
  clear(): void;
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ body, event: JSON.parse(body) as RunEvent, headers: request.headers, path: request.url ?? '' });
      response.writeHead(201).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    clear: () => received.splice(0),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
