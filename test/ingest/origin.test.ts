import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORIGIN_KEY } from '../../src/lake/origin.js';
import { SANDBOX_API_PATH } from '../../src/lake/origin.js';
import { cleanEnv, cliPath, runGmp, type GmpResult } from '../support/gmp.js';
import { freshLake, lakeContents } from '../support/lakes.js';
import { API_KEY, DAY, useServers } from './support.js';

const servers = useServers({ games: 200 });

/**
 * Another API than the sandbox: a RAWG-compatible proxy on its own port and path (`/api`), which
 * forwards to the sandbox over HTTP and counts what it was asked.
 */
let proxy: { server: Server; url: string; requests: number };
beforeAll(async () => {
  const target = new URL(servers.sandbox.url);
  const state = { requests: 0 };
  const server = createServer((req, res) => {
    state.requests += 1;
    const path = (req.url ?? '/').replace(/^\/api/, SANDBOX_API_PATH);
    const forwarded = request(
      { host: target.hostname, port: target.port, path, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  proxy = {
    server,
    url: `http://127.0.0.1:${port}/api`,
    get requests() {
      return state.requests;
    },
  };
});
afterAll(() => new Promise<void>((resolve) => proxy?.server.close(() => resolve())));

/** A refusal is one line on stderr, exit 2. */
function expectRefused(result: GmpResult, pattern: RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  const lines = result.stderr
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith('{'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toContain(API_KEY);
}

/** `gmp ARGS` from `cwd`, so the embedded default lake lands there. */
function gmpIn(cwd: string, args: string[], env: Record<string, string>): Promise<GmpResult> {
  const child = spawn(process.execPath, [cliPath, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

describe('a lake knows its API (sandbox, a proxy as the other API, local lake)', () => {
  it('a lake filled from the sandbox refuses another API: one line naming both origins and LAKE_URL, exit 2, no request, nothing written', async () => {
    const lake = await freshLake('local');
    const sandboxEnv = cleanEnv({ ...lake.env, RAWG_API_KEY: API_KEY, RAWG_BASE_URL: servers.sandbox.url });
    const filled = await runGmp(['ingest', '--endpoint', 'genres', '--mode', 'snapshot', '--date', DAY], sandboxEnv);
    expect(filled.code, filled.stderr).toBe(0);
    expect(JSON.parse((await lakeContents(lake.store, ORIGIN_KEY)).get(ORIGIN_KEY)!)).toMatchObject({
      origin: 'sandbox',
    });
    // A rerun against the sandbox is a no-op, not a refusal.
    expect(
      (await runGmp(['ingest', '--endpoint', 'genres', '--mode', 'snapshot', '--date', DAY], sandboxEnv)).code,
    ).toBe(0);

    const before = await lakeContents(lake.store);
    const otherEnv = cleanEnv({ ...lake.env, RAWG_API_KEY: API_KEY, RAWG_BASE_URL: proxy.url });
    const refusal =
      /^gmp: the lake file:\/\/\S+ holds data from sandbox \(its _origin\.json\), not from 127\.0\.0\.1-\d+_api: give this API its own lake with LAKE_URL/;
    // The complete genres partition would cost the other API nothing: it must not count as done for it.
    expectRefused(
      await runGmp(['ingest', '--endpoint', 'genres', '--mode', 'snapshot', '--date', DAY], otherEnv),
      refusal,
    );
    expectRefused(await runGmp(['ingest', '--all', '--mode', 'daily'], otherEnv), refusal);
    expectRefused(await runGmp(['plan', '--all', '--mode', 'daily'], otherEnv), refusal);
    // Refused before selection, which reads the lake (and would find no such unit here).
    for (const command of ['plan', 'ingest'])
      expectRefused(await runGmp([command, '--unit', `genres/snapshot/${DAY}/nowhere`], otherEnv), refusal);
    expect(proxy.requests).toBe(0);
    expect(await lakeContents(lake.store)).toEqual(before);

    // A lake filled before lakes were bound has no marker: its run records name the sandbox.
    rmSync(join(new URL(lake.url).pathname, ORIGIN_KEY));
    expectRefused(
      await runGmp(['ingest', '--endpoint', 'genres', '--mode', 'snapshot', '--date', DAY], otherEnv),
      /holds data from sandbox \(its run records\)/,
    );
    expect(proxy.requests).toBe(0);
  }, 120_000);

  it("the sandbox's default lake, then a key: the key's runs default to their own lake, and each lake stays with its API", async () => {
    const workDir = realpathSync(mkdtempSync(join(tmpdir(), 'gmp-origin-')));
    try {
      // What `make run` leaves: ./.lake bound to the sandbox.
      const sandboxLake = `file://${join(workDir, '.lake')}`;
      const made = await gmpIn(
        workDir,
        ['ingest', '--endpoint', 'genres', '--mode', 'snapshot'],
        cleanEnv({ LAKE_URL: sandboxLake, RAWG_API_KEY: API_KEY, RAWG_BASE_URL: servers.sandbox.url }),
      );
      expect(made.code, made.stderr).toBe(0);

      // Then, as the README's quick start says, a key and no LAKE_URL: the run goes to ./.lake-api.
      const keyEnv = cleanEnv({ RAWG_API_KEY: API_KEY, RAWG_BASE_URL: proxy.url });
      const real = await gmpIn(workDir, ['ingest', '--endpoint', 'genres', '--mode', 'snapshot', '--json'], keyEnv);
      expect(real.code, real.stderr).toBe(0);
      expect(proxy.requests).toBeGreaterThan(0);
      const status = async (env: Record<string, string>) =>
        JSON.parse((await gmpIn(workDir, ['lake', 'status', '--json'], env)).stdout);
      const apiLake = await status(keyEnv);
      expect(apiLake).toMatchObject({
        lake: `file://${join(workDir, '.lake-api')}`,
        origin: expect.stringMatching(/^127\.0\.0\.1-\d+_api$/),
      });
      expect(
        apiLake.partitions.map((p: { id: string; complete: boolean }) => [p.id.split('/')[0], p.complete]),
      ).toEqual([['genres', true]]);
      // Without a key, every command is back on the sandbox's lake, untouched.
      expect(await status(cleanEnv())).toMatchObject({ lake: sandboxLake, origin: 'sandbox' });
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  }, 120_000);
});
