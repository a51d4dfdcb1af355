/**
 * `npx tsx bench/redact.ts`: the CPU time the redactor takes per stored page, on real sandbox
 * pages of 40 games, with the API key alone and with the key and a base URL's password. Every
 * page the ingest stores passes through Redactor.bytes. Figures are printed, never asserted.
 */
import { startSandbox } from '../src/sandbox/server.js';
import { Redactor } from '../src/source/redact.js';

const KEY = 'feedface0123456789abcdeffeedface';
const PASSWORD = 'pw-Xq7-s3cret-9d';
const ROUNDS = 10;
const PAGES_A_ROUND = 1000;

const sandbox = await startSandbox({ games: 2000, seed: 6, today: '2024-06-01' });
const pages: Buffer[] = [];
try {
  for (let page = 1; page <= 20; page++) {
    // The key is not in them: the client takes it out of the links before the redactor sees a page.
    const response = await fetch(`${sandbox.url}/games?page=${page}&page_size=40&key=x`);
    pages.push(Buffer.from(await response.arrayBuffer()));
  }
} finally {
  await sandbox.close();
}
const kilobytes = Math.round(pages.reduce((sum, page) => sum + page.length, 0) / pages.length / 1024);

for (const [label, secrets] of [
  ['the key', [KEY]],
  ['the key and a password', [KEY, PASSWORD]],
] as const) {
  const redactor = new Redactor(secrets);
  const micros: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < PAGES_A_ROUND; i++) redactor.bytes(pages[i % pages.length]!);
    micros.push(Number(process.hrtime.bigint() - start) / 1000 / PAGES_A_ROUND);
  }
  const median = micros.sort((a, b) => a - b)[ROUNDS >> 1]!;
  console.log(
    `Redactor.bytes with ${label}: ${median.toFixed(0)} µs per ${kilobytes} KB page (median of ${ROUNDS} x ${PAGES_A_ROUND} pages)`,
  );
}
