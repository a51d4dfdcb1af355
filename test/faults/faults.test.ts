/**
 * Fault injection against the real CLI, a real S3 server (versitygw, in place of MinIO) and the
 * sandbox API: crashes at random moments, the store going away, two runs racing, an unreliable
 * API. Each scenario ends with its lake checked page by page against an undisturbed run, and
 * with the API key looked for everywhere the scenario left a trace.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessLog } from '../../bench/lib/access-log.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { API_KEY, DAY, gmpEnv, waitFor } from '../ingest/support.js';
import { jsonLines, runGmp, spawnGmp, type GmpResult } from '../support/gmp.js';
import { configWith, freshLake, lakeContents, type TestLake } from '../support/lakes.js';
import { startS3Server, type S3Server } from '../support/s3-server.js';
import { LEDGER_BLOCK } from '../../src/ingest/ledger.js';
import {
  bucketOf,
  CONCURRENCY,
  GAMES,
  pageCount,
  pageDigests,
  seededRandom,
  sleep,
  stableMarkers,
  successfulPuts,
} from './support.js';

const ARGS = ['ingest', '--endpoint', 'games', '--date', DAY, '--json'];
const PARTITION = `raw/games/load=snapshot/date=${DAY}/`;
const SEED = Number(process.env.FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
const random = seededRandom(SEED);
const replay = `(replay with FAULT_SEED=${SEED})`;

let s3: S3Server;
let sandbox: Sandbox;
let log: AccessLog;
/** What an undisturbed run wrote, and the API requests it needed (pages, and the probes of the windows it split). */
let clean: { digests: Map<string, string>; markers: ReturnType<typeof stableMarkers>; apiRequests: number };
/** Everything every run printed, for the last check. */
const printedByAll: GmpResult[] = [];

function keep(result: GmpResult, printed: GmpResult[]): GmpResult {
  printed.push(result);
  printedByAll.push(result);
  return result;
}

function expectNoKey(objects: Map<string, string>, printed: GmpResult[]): void {
  for (const output of printed) {
    expect(output.stdout).not.toContain(API_KEY);
    expect(output.stderr).not.toContain(API_KEY);
  }
  for (const [key, body] of objects) {
    expect(key).not.toContain(API_KEY);
    expect(body, key).not.toContain(API_KEY);
    expect(body, key).not.toMatch(/[?&]key=/);
  }
}

/**
 * The lake holds exactly what an undisturbed run wrote (the same pages, byte for byte, and the
 * same markers), and the key is in none of its objects (pages, markers, run records) nor in
 * anything the scenario's runs printed.
 */
async function expectSameAsCleanWithoutKey(target: TestLake, printed: GmpResult[]): Promise<void> {
  const objects = await lakeContents(target.store);
  expect(printed.length).toBeGreaterThan(0);
  expectNoKey(objects, printed);
  const digests = pageDigests(objects);
  expect(digests.size).toBe(clean.digests.size);
  expect(digests).toEqual(clean.digests);
  expect(stableMarkers(objects, PARTITION)).toEqual(clean.markers);
}

/** The stderr lines that are not JSON log events: what a user reads. */
const plainLines = (result: GmpResult) =>
  result.stderr.split('\n').filter((line) => line.trim() && !line.startsWith('{'));

beforeAll(async () => {
  log = new AccessLog(join(mkdtempSync(join(tmpdir(), 'gmp-faults-')), 's3-access.log'));
  s3 = await startS3Server({ accessLog: log.path });
  sandbox = await startSandbox({ games: GAMES, seed: 11, today: '2026-11-21' });
  const reference = await freshLake('s3', s3);
  const printed: GmpResult[] = [];
  const result = keep(await runGmp(ARGS, gmpEnv(reference, sandbox)), printed);
  expect(result.code, result.stderr).toBe(0);
  const objects = await lakeContents(reference.store);
  expectNoKey(objects, printed);
  clean = {
    digests: pageDigests(objects),
    markers: stableMarkers(objects, PARTITION),
    apiRequests: Number(jsonLines(result.stdout)[0]!.apiRequests),
  };
  // 20,000 games behind the sandbox's 10,000-result cap: the snapshot is read in windows.
  expect(clean.markers[`${PARTITION}_SUCCESS`]).toMatchObject({ count: GAMES, windows: expect.any(Number) });
  expect(clean.markers[`${PARTITION}_SUCCESS`]!.windows).toBeGreaterThan(1);
  expect(clean.apiRequests).toBeLessThanOrEqual(Math.ceil((GAMES / 40) * 1.05));
});

afterAll(async () => {
  await sandbox?.close();
  await s3?.close();
});

describe(`fault injection on an S3 lake ${replay}`, () => {
  it('survives 20 SIGKILLs at random moments of one windowed backfill: byte-identical to a clean run, at most its requests plus the work in flight at each kill, every request in the ledger', async () => {
    const target = await freshLake('s3', s3);
    const env = gmpEnv(target, sandbox, { GMP_ENDPOINTS: configWith({ concurrency: CONCURRENCY }) });
    const printed: GmpResult[] = [];
    const mark = log.mark();
    const kills: { requests: number; stored: number; apiInFlight: number }[] = [];
    sandbox.control({ latencyMs: 20 });
    try {
      for (let kill = 1; kill <= 20; kill++) {
        const before = await pageCount(target.store);
        sandbox.resetStats();
        const { child, done } = spawnGmp(ARGS, env);
        // A random moment while pages are fetched and stored: after 1 to 20 requests, plus 0 to 30 ms.
        const after = 1 + Math.floor(random() * 20);
        await waitFor(() => sandbox.stats().requests >= after || child.exitCode !== null, 30_000);
        await sleep(Math.floor(random() * 30));
        const apiInFlight = sandbox.stats().inFlight;
        child.kill('SIGKILL');
        const result = keep(await done, printed);
        expect(result.signal, `run ${kill} ended by itself before its kill ${replay}: ${result.stderr}`).toBe(
          'SIGKILL',
        );
        await sleep(50); // requests already on the wire reach the sandbox's count
        kills.push({
          requests: sandbox.stats().requests,
          stored: (await pageCount(target.store)) - before,
          apiInFlight,
        });
      }
      sandbox.resetStats();
      const final = keep(await runGmp(ARGS, env), printed);
      expect(final.code, final.stderr).toBe(0);
      const finalRequests = sandbox.stats().requests;
      expect(jsonLines(final.stdout)[0]).toMatchObject({ complete: true, apiRequests: finalRequests });

      // A killed run's request either left its work in the lake (a page, a window's split) or was
      // in progress at the kill, and the ingester has at most CONCURRENCY requests in progress; so
      // the whole backfill cost at most a clean run's requests plus, per kill, those in flight.
      const total = kills.reduce((sum, k) => sum + k.requests, 0) + finalRequests;
      const detail = `${replay} kills: ${JSON.stringify(kills)}`;
      expect(total, detail).toBeLessThanOrEqual(clean.apiRequests + kills.length * CONCURRENCY);
      expect(kills.filter((k) => k.stored > 0).length, detail).toBeGreaterThan(5); // the kills cut into the fetching

      // The ledger counted every request the API saw, and at most a block (plus the requests
      // reserved but not yet sent) more per killed run.
      const plan = await runGmp(['plan', '--endpoint', 'games', '--date', DAY, '--json'], env);
      const { spent } = JSON.parse(plan.stdout).budget;
      expect(spent, detail).toBeGreaterThanOrEqual(total);
      expect(spent, detail).toBeLessThanOrEqual(total + kills.length * (LEDGER_BLOCK + CONCURRENCY));
    } finally {
      sandbox.control({ latencyMs: 0 });
    }
    await expectSameAsCleanWithoutKey(target, printed);
    const puts = successfulPuts(log.since(mark, bucketOf(target)));
    expect([...puts].filter(([, count]) => count > 1)).toEqual([]);
  }, 240_000);

  it('fails in one clear line (exit 1) within the retry budget when the S3 server stops mid-run; restarted, the rerun fetches only the missing pages', async () => {
    const target = await freshLake('s3', s3);
    const env = gmpEnv(target, sandbox);
    const printed: GmpResult[] = [];
    let failed: GmpResult;
    let exitedAfter: number;
    sandbox.control({ latencyMs: 20 });
    sandbox.resetStats();
    try {
      const { done } = spawnGmp(ARGS, env);
      await waitFor(() => sandbox.stats().requests >= 100, 30_000);
      const stopped = Date.now();
      await s3.stop();
      failed = keep(await done, printed);
      exitedAfter = Date.now() - stopped;
    } finally {
      sandbox.control({ latencyMs: 0 });
      await s3.start();
    }
    expect(failed.code, failed.stderr).toBe(1);
    expect(plainLines(failed), failed.stderr).toHaveLength(1);
    const where = `s3://${bucketOf(target)}/data at ${s3.endpoint}`;
    expect(plainLines(failed)[0]).toMatch(
      new RegExp(
        `^gmp: games/snapshot/${DAY}: object store ${where} is unreachable \\((ECONNREFUSED|ECONNRESET|EPIPE)\\)`,
      ),
    );
    // The S3 client's retry budget: 3 attempts, each refused at once, sub-second backoff between.
    expect(exitedAfter).toBeLessThan(15_000);

    const present = await pageCount(target.store);
    expect(present).toBeGreaterThan(0);
    expect(present).toBeLessThan(clean.digests.size);
    sandbox.resetStats();
    const rerun = keep(await runGmp(ARGS, env), printed);
    expect(rerun.code, rerun.stderr).toBe(0);
    // Only what is missing: the pages, and the probes of windows not yet split.
    expect(jsonLines(rerun.stdout)[0]).toMatchObject({
      complete: true,
      apiRequests: sandbox.stats().requests,
      pagesSkipped: present,
    });
    expect(sandbox.stats().requests).toBeLessThanOrEqual(clean.apiRequests - present);
    await expectSameAsCleanWithoutKey(target, printed);
  }, 120_000);

  it("lets two runs of the same partition race: both end, leases keep them off each other's pages, no page is asked or written twice, a rerun seals it for nothing", async () => {
    const target = await freshLake('s3', s3);
    const env = gmpEnv(target, sandbox);
    const printed: GmpResult[] = [];
    const mark = log.mark();
    sandbox.control({ latencyMs: 20 });
    sandbox.resetStats();
    try {
      const results = await Promise.all([spawnGmp(ARGS, env).done, spawnGmp(ARGS, env).done]);
      for (const result of results) keep(result, printed);
    } finally {
      sandbox.control({ latencyMs: 0 });
    }
    for (const result of printed) expect(result.code, result.stderr).toBe(0);
    // They really raced: one met a unit the other held, and skipped it.
    expect(printed.some((result) => (jsonLines(result.stdout)[0]!.leased as string[] | undefined)?.length)).toBe(true);
    expect(Object.entries(sandbox.stats().byRequest).filter(([, count]) => count > 1)).toEqual([]);
    // Every window is closed by one of them; the root's marker may wait for the next run.
    const rerun = await runGmp(ARGS, env);
    keep(rerun, printed);
    expect(jsonLines(rerun.stdout)[0]).toMatchObject({ complete: true, apiRequests: 0 });
    const puts = successfulPuts(log.since(mark, bucketOf(target)));
    expect([...puts.keys()].filter((key) => key.includes('/page='))).toHaveLength(clean.digests.size);
    expect([...puts].filter(([, count]) => count > 1)).toEqual([]);
    await expectSameAsCleanWithoutKey(target, printed);
  }, 120_000);

  it('completes through latency spikes, 5 % 5xx, 2 % 429 with Retry-After and 2 % truncated bodies, and its run record counts every retry', async () => {
    const target = await freshLake('s3', s3);
    const printed: GmpResult[] = [];
    sandbox.control({
      latencyMs: 5,
      latencySpikeRate: 0.02,
      errorRate: 0.05,
      rate429: 0.02,
      retryAfterSeconds: 1,
      truncateRate: 0.02,
    });
    sandbox.resetStats();
    let result: GmpResult;
    try {
      result = keep(await runGmp(ARGS, gmpEnv(target, sandbox)), printed);
    } finally {
      sandbox.control({ latencyMs: 0, latencySpikeRate: 0, errorRate: 0, rate429: 0, truncateRate: 0 });
    }
    expect(result.code, result.stderr).toBe(0);
    const stats = sandbox.stats();
    const [summary] = jsonLines(result.stdout) as { retries: number }[];
    expect(summary).toMatchObject({ complete: true, pagesFetched: clean.apiRequests });
    // Every kind of fault fired (the sandbox counts what no status shows).
    expect(stats.byStatus['429']).toBeGreaterThan(0);
    expect(Object.keys(stats.byStatus).some((status) => status.startsWith('5'))).toBe(true);
    expect(stats.injected.truncated).toBeGreaterThan(0);
    expect(stats.injected.latencySpike).toBeGreaterThan(0);
    // Every failed attempt (a 5xx, a 429, or a 200 whose body was cut short) cost a retry.
    const retriedAnswers = Object.entries(stats.byStatus)
      .filter(([status]) => status === '429' || status.startsWith('5'))
      .reduce((sum, [, n]) => sum + n, 0);
    expect(summary!.retries).toBe(stats.requests - clean.apiRequests);
    expect(summary!.retries).toBeGreaterThanOrEqual(retriedAnswers + stats.injected.truncated);
    const records = [...(await lakeContents(target.store, '_runs/')).values()].map((body) => JSON.parse(body));
    expect(records).toMatchObject([{ outcome: 'complete', apiRequests: stats.requests, retries: summary!.retries }]);
    await expectSameAsCleanWithoutKey(target, printed);
  }, 120_000);
});

describe('after every scenario, the API key', () => {
  it('is in nothing any run printed, and in no request the S3 server logged', () => {
    expect(printedByAll.length).toBeGreaterThanOrEqual(26);
    for (const output of printedByAll) expect(output.stdout + output.stderr).not.toContain(API_KEY);
    const logged = readFileSync(log.path, 'utf8');
    expect(logged).toContain('PutObject');
    expect(logged).not.toContain(API_KEY);
  });
});
