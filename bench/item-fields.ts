/**
 * `npx tsx bench/item-fields.ts`: the CPU time the field census takes per stored page (what
 * schema drift costs an ingest), on real sandbox pages of 40 games, full and filtered, beside
 * the JSON.parse the client does of every page anyway. Figures are printed, never asserted.
 */
import { FieldCensus } from '../src/lake/item-fields.js';
import { startSandbox } from '../src/sandbox/server.js';

const ROUNDS = 10;
const PAGES_A_ROUND = 1000;

const sandbox = await startSandbox({ games: 2000, seed: 6, today: '2024-06-01' });
const shapes: [string, string][] = [
  ['full', ''],
  ['filtered', '&updated=1970-01-01,2024-05-31'],
];
const pages = new Map<string, Buffer[]>();
try {
  for (const [shape, filter] of shapes) {
    const bodies: Buffer[] = [];
    for (let page = 1; page <= 20; page++) {
      const response = await fetch(`${sandbox.url}/games?page=${page}&page_size=40&key=x${filter}`);
      bodies.push(Buffer.from(await response.arrayBuffer()));
    }
    pages.set(shape, bodies);
  }
} finally {
  await sandbox.close();
}

/** Median µs per page of `work` over ROUNDS rounds of PAGES_A_ROUND pages. */
function median(work: (i: number) => void): number {
  const micros: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < PAGES_A_ROUND; i++) work(i);
    micros.push(Number(process.hrtime.bigint() - start) / 1000 / PAGES_A_ROUND);
  }
  return micros.sort((a, b) => a - b)[ROUNDS >> 1]!;
}

for (const [shape] of shapes) {
  const bodies = pages.get(shape)!;
  const kilobytes = Math.round(bodies.reduce((sum, page) => sum + page.length, 0) / bodies.length / 1024);
  const results = bodies.map((body) => (JSON.parse(body.toString('latin1')) as { results: unknown[] }).results);
  const census = new FieldCensus();
  const counted = median((i) => census.add(results[i % results.length]!));
  const parsed = median((i) => JSON.parse(bodies[i % bodies.length]!.toString('latin1')));
  const fields = Object.keys(census.summary().fields).length;
  console.log(
    `FieldCensus.add, ${shape} games: ${counted.toFixed(0)} µs per ${kilobytes} KB page of 40 items (${fields} fields), beside ${parsed.toFixed(0)} µs for its JSON.parse (median of ${ROUNDS} x ${PAGES_A_ROUND} pages)`,
  );
}
