/**
 * make bench-catalogue: the whole `games` catalogue behind the API's depth cap. The sandbox
 * serves GAMES games (default 900,000, about the real catalogue) at LATENCY ms a request and at
 * most 10,000 results a listing; `gmp ingest --endpoint games --mode snapshot` reads it into a
 * local lake, in windows. Prints what the backfill cost against the ideal of ceil(count / 40)
 * pages and against the pages it stored, its wall time against the limit pages / min(rate cap,
 * concurrency / latency), and the ingest's peak RSS; writes bench/results/catalogue.json.
 *   npx tsx bench/catalogue.ts [--games N] [--latency-ms MS]
 * make bench-reconcile runs it twice more (bench/results/catalogue-*.json): against a sandbox
 * whose hidden cap is 20 % below the configured 10,000 (--hidden-cap), and against a living one
 * (games edited, deleted and added per page answered: --edit-rate, --delete-rate, --add-rate).
 *   npx tsx bench/catalogue.ts --games 60000 --hidden-cap 8000 --out catalogue-cap.json
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadEndpoints } from '../src/config/load.js';
import { startSandbox } from '../src/sandbox/server.js';
import { cleanEnv, cliPath } from '../test/support/gmp.js';
import { configWith } from '../test/support/lakes.js';
import { measure } from './lib/measure.js';

const { values } = parseArgs({
  options: {
    games: { type: 'string', default: '900000' },
    'latency-ms': { type: 'string', default: '50' },
    'hidden-cap': { type: 'string' },
    'edit-rate': { type: 'string', default: '0' },
    'delete-rate': { type: 'string', default: '0' },
    'add-rate': { type: 'string', default: '0' },
    out: { type: 'string', default: 'catalogue.json' },
  },
});
const games = Number(values.games);
const latencyMs = Number(values['latency-ms']);
/** The cap the config says; the sandbox may serve less (`--hidden-cap`), as an API that changed would. */
const maxResults = 10_000;
const hiddenCap = Number(values['hidden-cap'] ?? maxResults);
const living = {
  editRate: Number(values['edit-rate']),
  deleteRate: Number(values['delete-rate']),
  addRate: Number(values['add-rate']),
};
const { source } = loadEndpoints();
const pageSize = source.pageSize;

const sandbox = await startSandbox({ games, maxResults: hiddenCap, latencyMs, seed: 1, ...living });
const workDir = mkdtempSync(join(tmpdir(), 'gmp-bench-catalogue-'));
const lakeDir = join(workDir, 'lake');
const loadAtStart = loadavg()[0]!;
try {
  // The backfill needs more than a free month; the benchmark measures it in one run.
  const env = cleanEnv({
    RAWG_API_KEY: 'bench',
    RAWG_BASE_URL: sandbox.url,
    LAKE_URL: `file://${lakeDir}`,
    GMP_ENDPOINTS: configWith({ monthlyRequestBudget: 1_000_000, maxResults }),
  });
  process.stderr.write(
    `bench-catalogue: ${games} games, ${latencyMs} ms a request, at most ${hiddenCap} results a listing (config: ${maxResults}); ${living.editRate} edits, ${living.deleteRate} deletions, ${living.addRate} additions a page\n`,
  );
  const run = await measure(
    process.execPath,
    [cliPath, 'ingest', '--endpoint', 'games', '--mode', 'snapshot', '--json'],
    { env, tickMs: 50 },
  );
  if (run.code !== 0)
    throw new Error(`the ingest failed (${run.code}): ${run.stderr.split('\n').filter(Boolean).at(-1)}`);
  const summary = JSON.parse(run.stdout.trim().split('\n')[0]!) as {
    apiRequests: number;
    complete: boolean;
    date: string;
  };
  const success = JSON.parse(
    readFileSync(join(lakeDir, `raw/games/load=snapshot/date=${summary.date}/_SUCCESS`), 'utf8'),
  ) as {
    pages: number;
    windows: number;
    count: number;
  };

  const stats = sandbox.stats();
  const changes = stats.changes ?? { edited: [], deleted: [], added: [] };
  const ideal = Math.ceil(games / pageSize);
  const perSecond = Math.min(source.requestsPerSecond, source.concurrency / (latencyMs / 1000));
  const limitS = stats.requests / perSecond;
  const result = {
    commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(),
    startedAt: new Date().toISOString(),
    games,
    latencyMs,
    maxResults,
    hiddenCap,
    ...living,
    pageSize,
    complete: summary.complete,
    windows: success.windows,
    pagesStored: success.pages,
    apiRequests: stats.requests,
    refusedPages: stats.byStatus['404'] ?? 0,
    idealRequests: ideal,
    overheadShare: Number((stats.requests / ideal - 1).toFixed(4)),
    requestsPerPage: Number((stats.requests / success.pages).toFixed(4)),
    gamesEdited: changes.edited.length,
    gamesDeleted: changes.deleted.length,
    gamesAdded: changes.added.length,
    allowedRequests: Math.ceil(ideal * 1.03) + success.windows,
    wallS: Number((run.wallMs / 1000).toFixed(1)),
    limitS: Number(limitS.toFixed(1)),
    shareOfLimit: Number((limitS / (run.wallMs / 1000)).toFixed(3)),
    peakRssMb: run.peakRssMb,
    machine: {
      cpus: availableParallelism(),
      node: process.version,
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: loadavg()[0],
    },
  };
  const rows = [
    [
      'API requests',
      `${result.apiRequests}`,
      `ideal ceil(${games}/${pageSize}) = ${ideal}: +${(result.overheadShare * 100).toFixed(2)} % (aim: at most 3 % + 1 probe a window = ${result.allowedRequests})`,
    ],
    [
      'requests/page',
      `${result.requestsPerPage}`,
      `API requests over the ${result.pagesStored} pages of the sealed windows`,
    ],
    [
      'windows',
      `${result.windows}`,
      `${result.refusedPages} pages refused by the cap (${hiddenCap} results a listing, config ${maxResults})`,
    ],
    [
      'changes',
      `${result.gamesEdited + result.gamesDeleted + result.gamesAdded}`,
      `${result.gamesEdited} games edited, ${result.gamesDeleted} deleted, ${result.gamesAdded} added while it was read`,
    ],
    [
      'wall',
      `${result.wallS} s`,
      `limit ${result.limitS} s at min(${source.requestsPerSecond} req/s, ${source.concurrency} / ${latencyMs} ms) = ${perSecond} req/s: ${(result.shareOfLimit * 100).toFixed(1)} % of it`,
    ],
    ['peak RSS', `${result.peakRssMb} MB`, 'the ingest process'],
  ];
  for (const [name, value, note] of rows) process.stdout.write(`${name!.padEnd(14)}${value!.padStart(10)}   ${note}\n`);
  writeFileSync(join(import.meta.dirname, 'results', values.out), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`wrote bench/results/${values.out}\n`);
} finally {
  await sandbox.close();
  rmSync(workDir, { recursive: true, force: true });
}
