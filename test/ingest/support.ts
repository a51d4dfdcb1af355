import { afterAll, beforeAll } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/server.js';
import { cleanEnv } from '../support/gmp.js';
import { startS3Server, type S3Server } from '../support/s3-server.js';
import type { TestLake } from '../support/lakes.js';

/** Looks like a real RAWG key, so a leak anywhere is found by a plain search. */
export const API_KEY = '0123456789abcdef0123456789abcdef';
export const DAY = '2026-11-20';

/** Starts an S3 server and one sandbox for a test file; stops both after it. */
export function useServers(sandboxOptions: SandboxOptions = {}) {
  const servers = {} as { s3: S3Server; sandbox: Sandbox };
  beforeAll(async () => {
    servers.s3 = await startS3Server();
    servers.sandbox = await startSandbox({ games: 2000, seed: 7, today: '2026-11-21', ...sandboxOptions });
  });
  afterAll(async () => {
    await servers.sandbox?.close();
    await servers.s3?.close();
  });
  return servers;
}

export function gmpEnv(lake: TestLake, sandbox: Sandbox, extra: Record<string, string> = {}): Record<string, string> {
  return cleanEnv({ ...lake.env, RAWG_API_KEY: API_KEY, RAWG_BASE_URL: sandbox.url, ...extra });
}

/** Polls until `condition` holds (every 2 ms), failing after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
