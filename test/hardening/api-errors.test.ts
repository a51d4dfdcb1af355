/** An API that is not there, not RAWG, stuck or asking to wait: one line naming the host and what to do, exit 1. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { cleanEnv, runGmp } from '../support/gmp.js';
import { configWith } from '../support/lakes.js';
import { freePort } from '../support/s3-server.js';
import { startHostileApi, type HostileApi } from './hostile-api.js';
import { failureLine, KEY } from './support.js';

let sandbox: Sandbox;
let api: HostileApi;
beforeAll(async () => {
  sandbox = await startSandbox({ games: 40, seed: 2 });
  api = await startHostileApi(sandbox.url);
});
afterAll(async () => {
  await api?.close();
  await sandbox?.close();
});

/** One retry and a 500 ms timeout keep each failure short. */
const ingest = (baseUrl: string) =>
  runGmp(
    ['ingest', '--endpoint', 'genres', '--base-url', baseUrl],
    cleanEnv({
      RAWG_API_KEY: KEY,
      LAKE_URL: `file://${mkdtempSync(join(tmpdir(), 'gmp-api-'))}`,
      GMP_ENDPOINTS: configWith({ retries: 1, requestTimeoutMs: 500 }),
    }),
  );

describe('an API that cannot be used', () => {
  it('a closed port: says it cannot connect to HOST:PORT', async () => {
    const host = `127.0.0.1:${await freePort()}`;
    const line = failureLine(await ingest(`http://${host}/api`), 1);
    expect(line).toContain(`cannot connect to ${host}: nothing listens there; is --base-url right?`);
  });

  it('an HTML page: says so and asks about --base-url, without retrying', async () => {
    api.behave({ kind: 'html' });
    const before = api.requests;
    const line = failureLine(await ingest(api.url), 1);
    expect(line).toContain(
      `${new URL(api.url).host} answered HTML, not a RAWG page: is --base-url right (it ends in /api)?`,
    );
    expect(api.requests - before).toBe(1);
  });

  it('an answer whose body never ends: cut at the request timeout, and the message says after how long', async () => {
    api.behave({ kind: 'hang' });
    const before = api.requests;
    const started = Date.now();
    const line = failureLine(await ingest(api.url), 1);
    expect(line).toMatch(
      /still failing after 1 retries \(no complete answer within 500 ms: the API is stalled or slow \(requestTimeoutMs\)\); rerun later to resume$/,
    );
    expect(api.requests - before).toBe(2);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('Retry-After: 3600: fails at once, saying how long the API asked to wait', async () => {
    api.behave({ kind: 'retry-after', seconds: 3600 });
    const started = Date.now();
    const line = failureLine(await ingest(api.url), 1);
    expect(line).toMatch(
      /answered 429 and asked to wait 3600 s \(Retry-After\) before the next request: rerun after that to resume$/,
    );
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
