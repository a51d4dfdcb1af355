/**
 * Many `gmp ingest` processes on one lake at once, and what the sandbox served them: shared by the
 * shared-lake tests and bench/shared-lake.ts.
 */
import type { Sandbox } from '../../src/sandbox/server.js';
import type { ObjectStore } from '../../src/lake/store.js';
import { jsonLines, runGmp, type GmpResult } from './gmp.js';

/** Starts `count` runs of `gmp ARGS` at the same moment and waits for all of them. */
export function atOnce(count: number, args: string[], env: Record<string, string>): Promise<GmpResult[]> {
  return Promise.all(Array.from({ length: count }, () => runGmp(args, env)));
}

/** Requests the sandbox answered more than once since its stats were reset (path and query, key left out). */
export function askedTwice(sandbox: Sandbox): Record<string, number> {
  return Object.fromEntries(Object.entries(sandbox.stats().byRequest).filter(([, count]) => count > 1));
}

/** Distinct requests the sandbox answered: what one run alone would have asked. */
export const distinctRequests = (sandbox: Sandbox): number => Object.keys(sandbox.stats().byRequest).length;

/** Page objects in the lake under `raw/`. */
export async function storedPages(store: ObjectStore): Promise<number> {
  return (await store.list('raw/')).filter((key) => /\/page=\d+\.json$/.test(key)).length;
}

/** Units a run's `--json` lines say it skipped because another run held them. */
export function leasedUnits(result: GmpResult): string[] {
  return jsonLines(result.stdout).flatMap((line) => (Array.isArray(line.leased) ? (line.leased as string[]) : []));
}
