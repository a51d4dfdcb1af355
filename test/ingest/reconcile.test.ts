/**
 * Listings read while the API changes under them: the real sandbox, alive (games edited, deleted
 * and added between its answers), over HTTP, and the CLI. A listing is sealed only when every
 * game it still holds is stored; switched off (`source.reconcile: false`), the same reads lose
 * games, which these tests assert too, so that they keep proving something.
 */
import { describe, expect, it } from 'vitest';
import { addDays, todayUtc } from '../../src/dates.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/server.js';
import { jsonLines, runGmp } from '../support/gmp.js';
import { configWith, freshLake, lakeContents, type TestLake } from '../support/lakes.js';
import { gmpEnv } from './support.js';

const TODAY = todayUtc();
const YESTERDAY = addDays(TODAY, -1);

async function withSandbox<T>(options: SandboxOptions, body: (sandbox: Sandbox) => Promise<T>): Promise<T> {
  // The sandbox's today is the CLI's: games it edits land on the day the runs call today.
  const sandbox = await startSandbox({ today: TODAY, ...options });
  try {
    return await body(sandbox);
  } finally {
    await sandbox.close();
  }
}

/** Every game id in every read of every page under a prefix of the lake. */
async function storedIds(lake: TestLake, prefix: string): Promise<Set<number>> {
  const ids = new Set<number>();
  for (const [key, body] of await lakeContents(lake.store, prefix)) {
    if (/\/page=\d+(\.read\d+)?\.json$/.test(key)) for (const game of JSON.parse(body).results) ids.add(game.id);
  }
  return ids;
}

/** Each sealed listing (partition or window) under a prefix whose stored games are fewer than its count. */
async function sealedShort(lake: TestLake, prefix: string): Promise<string[]> {
  const contents = await lakeContents(lake.store, prefix);
  const short: string[] = [];
  for (const [key, body] of contents) {
    if (!key.endsWith('/_SUCCESS')) continue;
    const listing = key.slice(0, -'_SUCCESS'.length);
    if (contents.has(`${listing}_split.json`)) continue;
    const ids = new Set<number>();
    for (const [page, text] of contents) {
      if (page.startsWith(listing) && /^page=\d+(\.read\d+)?\.json$/.test(page.slice(listing.length)))
        for (const game of JSON.parse(text).results) ids.add(game.id);
    }
    const { count } = JSON.parse(body) as { count: number };
    if (ids.size < count) short.push(`${listing}: ${ids.size} of ${count}`);
  }
  return short;
}

/** Runs an ingest until it reports complete (at most `runs` times); the last run's summary. */
async function ingestUntilComplete(
  args: string[],
  env: Record<string, string>,
  runs = 3,
): Promise<Record<string, unknown>> {
  let summary: Record<string, unknown> = {};
  for (let run = 0; run < runs; run++) {
    const result = await runGmp([...args, '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    summary = jsonLines(result.stdout)[0]!;
    if (summary.complete) break;
  }
  return summary;
}

describe('a snapshot read in windows while games are edited, deleted and added (living sandbox)', () => {
  const sandboxOptions: SandboxOptions = {
    games: 1_200,
    seed: 3,
    maxResults: 400,
    editRate: 0.67,
    deleteRate: 0.1,
    addRate: 0.1,
  };
  const snapshot = ['ingest', '--endpoint', 'games', '--mode', 'snapshot'];
  const prefix = `raw/games/load=snapshot/date=${TODAY}/`;

  /** The games still served whose `updated` lies before today: those the snapshot's windows must hold. */
  const survivors = (sandbox: Sandbox) => sandbox.served().filter((game) => game.updated.slice(0, 10) < TODAY);

  it('is sealed only with every game it still holds stored, and every sealed window holds its count', async () => {
    await withSandbox(sandboxOptions, async (sandbox) => {
      const lake = await freshLake('local');
      const summary = await ingestUntilComplete(
        snapshot,
        gmpEnv(lake, sandbox, { GMP_ENDPOINTS: configWith({ maxResults: 400 }) }),
      );
      expect(summary).toMatchObject({ complete: true });
      expect(sandbox.stats().changes?.edited.length).toBeGreaterThan(10);
      const stored = await storedIds(lake, prefix);
      expect(survivors(sandbox).filter((game) => !stored.has(game.id))).toEqual([]);
      expect(await sealedShort(lake, prefix)).toEqual([]);
    });
  });

  it('switched off, seals it with games it still holds missing', async () => {
    await withSandbox(sandboxOptions, async (sandbox) => {
      const lake = await freshLake('local');
      const summary = await ingestUntilComplete(
        snapshot,
        gmpEnv(lake, sandbox, { GMP_ENDPOINTS: configWith({ maxResults: 400, reconcile: false }) }),
      );
      expect(summary).toMatchObject({ complete: true });
      const stored = await storedIds(lake, prefix);
      expect(survivors(sandbox).filter((game) => !stored.has(game.id)).length).toBeGreaterThan(0);
    });
  });
});

describe('an `updated` day read while its games are edited and deleted (living sandbox)', () => {
  // About 390 games were updated yesterday; three of them change with every page answered.
  const sandboxOptions: SandboxOptions = {
    games: 100_000,
    seed: 5,
    editRate: 2.5,
    deleteRate: 0.5,
    changeDay: YESTERDAY,
  };
  const day = ['ingest', '--endpoint', 'games', '--mode', 'updated', '--date', YESTERDAY];
  const prefix = `raw/games/load=updated/date=${YESTERDAY}/`;

  it('is sealed only with every game still updated that day stored, at a handful of extra requests', async () => {
    await withSandbox(sandboxOptions, async (sandbox) => {
      const lake = await freshLake('local');
      const before = sandbox.served(`${YESTERDAY},${YESTERDAY}`).length;
      const summary = await ingestUntilComplete(day, gmpEnv(lake, sandbox));
      expect(summary).toMatchObject({ complete: true });
      const still = sandbox.served(`${YESTERDAY},${YESTERDAY}`);
      expect(before - still.length).toBeGreaterThan(20);
      const stored = await storedIds(lake, prefix);
      expect(still.filter((game) => !stored.has(game.id))).toEqual([]);
      expect(await sealedShort(lake, prefix)).toEqual([]);
      // Read from the last page to the first, only page 1 (read first, to size the day) needs reading again.
      expect(sandbox.stats().requests).toBeLessThanOrEqual(Math.ceil(before / 40) + 3);
    });
  });

  it('switched off, seals it with games still updated that day missing', async () => {
    await withSandbox(sandboxOptions, async (sandbox) => {
      const lake = await freshLake('local');
      const summary = await ingestUntilComplete(
        day,
        gmpEnv(lake, sandbox, { GMP_ENDPOINTS: configWith({ reconcile: false }) }),
      );
      expect(summary).toMatchObject({ complete: true });
      const stored = await storedIds(lake, prefix);
      expect(sandbox.served(`${YESTERDAY},${YESTERDAY}`).filter((game) => !stored.has(game.id)).length).toBeGreaterThan(
        0,
      );
    });
  });
});

describe('an API that does not honour the `updated` filter (living sandbox)', () => {
  it.each(['empty', 'ignored'] as const)(
    'answered %s, the snapshot is an error naming the filter, and nothing is sealed',
    async (updatedFilter) => {
      await withSandbox({ games: 1_200, seed: 3, maxResults: 400, updatedFilter }, async (sandbox) => {
        const lake = await freshLake('local');
        const env = gmpEnv(lake, sandbox, { GMP_ENDPOINTS: configWith({ maxResults: 400 }) });
        const result = await runGmp(['ingest', '--endpoint', 'games', '--mode', 'snapshot'], env);
        expect(result.code).not.toBe(0);
        expect(result.stderr).toMatch(/does not honour `updated`/);
        // A few probes, not a tree of windows.
        expect(sandbox.stats().requests).toBeLessThanOrEqual(3);
        const keys = [...(await lakeContents(lake.store, 'raw/')).keys()];
        expect(keys.filter((key) => key.endsWith('_SUCCESS'))).toEqual([]);
        // The next run says the same, and seals nothing either.
        const again = await runGmp(['ingest', '--endpoint', 'games', '--mode', 'snapshot'], env);
        expect(again.stderr).toMatch(/does not honour `updated`/);
        expect([...(await lakeContents(lake.store, 'raw/')).keys()].filter((key) => key.endsWith('_SUCCESS'))).toEqual(
          [],
        );
      });
    },
  );
});
