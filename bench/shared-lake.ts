/**
 * `npx tsx bench/shared-lake.ts [--runs 1,2,4,8] [--games 4000] [--budget 60] [--s3]`: N `gmp ingest`
 * processes at once on one fresh lake against the sandbox (split into windows by a low depth cap),
 * a first round under a month's budget smaller than the work, then rounds with the budget ignored
 * until the snapshot is complete. Prints, for each N: requests the sandbox served, the distinct
 * requests the work needs, requests asked twice, pages stored, the ledger's spend against the
 * budget in round one, units skipped as leased. Figures are printed, never asserted. Needs dist/
 * (`npx tsc -p tsconfig.build.json`).
 */
import { parseArgs } from 'node:util';
import { startSandbox } from '../src/sandbox/server.js';
import { LEDGER_BLOCK } from '../src/ingest/ledger.js';
import { cleanEnv, jsonLines, runGmp } from '../test/support/gmp.js';
import { configWith, freshLake } from '../test/support/lakes.js';
import { startS3Server, type S3Server } from '../test/support/s3-server.js';
import { askedTwice, atOnce, distinctRequests, leasedUnits, storedPages } from '../test/support/shared-lake.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const DAY = '2026-11-20';
const MAX_RESULTS = 400;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1,2,4,8' },
    games: { type: 'string', default: '4000' },
    budget: { type: 'string', default: '60' },
    'latency-ms': { type: 'string', default: '20' },
    s3: { type: 'boolean', default: false },
  },
});
const budget = Number(values.budget);
const sandbox = await startSandbox({
  games: Number(values.games),
  seed: 7,
  today: '2026-11-21',
  maxResults: MAX_RESULTS,
});
sandbox.control({ latencyMs: Number(values['latency-ms']) });
const s3: S3Server | undefined = values.s3 ? await startS3Server() : undefined;
const args = ['ingest', '--endpoint', 'games', '--date', DAY, '--json'];

const rows: string[][] = [
  [
    'runs',
    'served',
    'needed',
    'asked twice',
    'pages stored',
    `round-1 spend (budget ${budget})`,
    'served in round 1',
    'leased skips',
    'rounds',
  ],
];
try {
  for (const runs of values.runs.split(',').map(Number)) {
    const lake = await freshLake(s3 ? 's3' : 'local', s3);
    const env = (monthly: number) =>
      cleanEnv({
        ...lake.env,
        RAWG_API_KEY: 'bench0123456789abcdef0123456789ab',
        RAWG_BASE_URL: sandbox.url,
        GMP_ENDPOINTS: configWith({ monthlyRequestBudget: monthly, maxResults: MAX_RESULTS }),
      });
    sandbox.resetStats();
    const first = await atOnce(runs, args, env(budget));
    const servedFirst = sandbox.stats().requests;
    const plan = JSON.parse(
      (await runGmp(['plan', '--endpoint', 'games', '--date', DAY, '--json'], env(budget))).stdout,
    ) as { budget: { spent: number } };
    let skips = first.reduce((sum, result) => sum + leasedUnits(result).length, 0);
    let rounds = 1;
    for (let complete = false; !complete && rounds < 10;) {
      rounds += 1;
      const results = await atOnce(runs, [...args, '--ignore-budget'], env(budget));
      skips += results.reduce((sum, result) => sum + leasedUnits(result).length, 0);
      complete = results.some((result) => jsonLines(result.stdout)[0]?.complete === true);
    }
    rows.push(
      [
        runs,
        sandbox.stats().requests,
        distinctRequests(sandbox),
        Object.keys(askedTwice(sandbox)).length,
        await storedPages(lake.store),
        plan.budget.spent,
        servedFirst,
        skips,
        rounds,
      ].map(String),
    );
  }
} finally {
  await sandbox.close();
  await s3?.close();
}
const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
for (const row of rows)
  process.stdout.write(`${row.map((cell, column) => cell.padStart(widths[column]!)).join('  ')}\n`);
process.stdout.write(
  `lake: ${s3 ? 'S3 (versitygw)' : 'local'}; one ledger block is ${LEDGER_BLOCK} requests: round 1 may spend up to budget + runs x block\n`,
);
