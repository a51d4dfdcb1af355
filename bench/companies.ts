/**
 * make bench-companies: what a game's companies cost, per percentage point of the market weighted
 * by `added`, on the sandbox's catalogue of GAMES games (default 900,000) and its publishers and
 * developers (src/sandbox/companies.ts, the same draw the sandbox serves). Three ways:
 * - the planner's: the batches `itemsUnitOf` pins, one after another (a detail per game, the
 *   most added first among those not known at their newest version);
 * - the naive one: details in `added` order;
 * - per company: `/games?publishers=ID` and `developers=ID` pages (40 games, `ordering=-added`),
 *   the page adding most weight first. A listing proves a company's games, never a game's whole
 *   list of companies, so it is scored on games *linked* to at least one company: the most it
 *   could claim.
 * Prints requests per point for the first 1, 10, 50 and 90 points; writes bench/results/companies.json.
 *   npx tsx bench/companies.ts [--games N] [--batch N]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { findEndpoint, loadEndpoints } from '../src/config/load.js';
import { knowledgeOf } from '../src/ingest/items.js';
import type { ParentItem } from '../src/lake/parent-items.js';
import type { ItemsBatch } from '../src/lake/items.js';
import { itemsUnitOf } from '../src/ingest/planner.js';
import { Catalogue } from '../src/sandbox/catalogue.js';
import { CompanyIndex } from '../src/sandbox/companies.js';

const { values } = parseArgs({
  options: { games: { type: 'string', default: '900000' }, batch: { type: 'string', default: '5000' } },
});
const games = Number(values.games);
const batchSize = Number(values.batch);
const TARGETS = [1, 10, 50, 90];
const PAGE = 40;

const catalogue = new Catalogue(1, '2026-12-07');
const added = Float64Array.from({ length: games }, (_, position) => catalogue.added(position));
const total = added.reduce((sum, value) => sum + value, 0);

/** Requests to reach each target, from a list of the weight each successive request adds. */
function requestsFor(gains: Iterable<number>): Record<number, number | null> {
  const reached: Record<number, number | null> = Object.fromEntries(TARGETS.map((t) => [t, null]));
  let weight = 0;
  let requests = 0;
  for (const gain of gains) {
    requests += 1;
    weight += gain;
    for (const target of TARGETS)
      if (reached[target] === null && (100 * weight) / total >= target) reached[target] = requests;
    if (reached[TARGETS.at(-1)!] !== null) break;
  }
  return reached;
}

/** The naive way: one detail per game, in `added` order (the catalogue's own order). */
function* naive(): Generator<number> {
  for (let position = 0; position < games; position++) yield added[position]!;
}

/** The planner's way: the batches it pins, each read as the lake would hold it after the batch. */
function* planned(): Generator<number> {
  const details = findEndpoint(loadEndpoints(), 'game_details');
  const parent = new Map<string, ParentItem>();
  for (let position = 0; position < games; position++) {
    const id = catalogue.gameId(position);
    parent.set(String(id), { id, added: added[position]!, updated: '2026-12-01T00:00:00' });
  }
  const batches: ItemsBatch[] = [];
  for (let day = 0; ; day++) {
    const date = `day-${String(day).padStart(5, '0')}`;
    const unit = itemsUnitOf(
      { endpoint: details, date, batches, knowledge: knowledgeOf(parent, batches), explicit: true },
      batchSize,
    );
    if (unit.state !== 'new') return;
    for (const item of unit.chosen) yield item.added;
    batches.push({
      date,
      manifest: {
        endpoint: details.name,
        path: details.path,
        date,
        items: unit.chosen.map(({ id, updated }) => ({ id, updated })),
        createdAt: '',
      },
      stored: new Set(unit.chosen.map((item) => item.id)),
      gone: new Set(),
      sealed: true,
    });
  }
}

/** Per company: the listing page adding most not-yet-linked weight next (a lazy max-heap of pages). */
function* perCompany(): Generator<number> {
  const indexes = [new CompanyIndex(catalogue, 'publishers', games), new CompanyIndex(catalogue, 'developers', games)];
  const linked = new Uint8Array(games);
  type Page = { games: Int32Array; bound: number };
  const heap: Page[] = [];
  const up = (i: number) => {
    while (i > 0 && heap[(i - 1) >> 1]!.bound < heap[i]!.bound) {
      [heap[i], heap[(i - 1) >> 1]] = [heap[(i - 1) >> 1]!, heap[i]!];
      i = (i - 1) >> 1;
    }
  };
  const down = (i: number) => {
    for (;;) {
      let top = i;
      for (const child of [2 * i + 1, 2 * i + 2])
        if (child < heap.length && heap[child]!.bound > heap[top]!.bound) top = child;
      if (top === i) return;
      [heap[i], heap[top]] = [heap[top]!, heap[i]!];
      i = top;
    }
  };
  const weightOf = (page: Int32Array) =>
    page.reduce((sum, position) => sum + (linked[position] ? 0 : added[position]!), 0);
  for (const index of indexes) {
    for (let company = 0; company < index.count; company++) {
      const all = index.gamesOf(company);
      for (let start = 0; start < all.length; start += PAGE) {
        const page = all.subarray(start, start + PAGE);
        heap.push({ games: page, bound: weightOf(page) });
        up(heap.length - 1);
      }
    }
  }
  while (heap.length) {
    const best = heap[0]!;
    const weight = weightOf(best.games);
    if (weight < best.bound) {
      best.bound = weight;
      down(0);
      continue;
    }
    heap[0] = heap.at(-1)!;
    heap.pop();
    down(0);
    for (const position of best.games) linked[position] = 1;
    yield weight;
  }
}

const perPoint = (reached: Record<number, number | null>) =>
  Object.fromEntries(TARGETS.map((t) => [t, reached[t] === null ? null : Number((reached[t]! / t).toFixed(2))]));

const started = performance.now();
const strategies = {
  planner: requestsFor(planned()),
  naive: requestsFor(naive()),
  perCompanyLinked: requestsFor(perCompany()),
};
const result = {
  bench: 'companies',
  games,
  batch: batchSize,
  measure:
    'requests to reach N % of the added-weighted market (known: detail stored; linked: at least one company seen)',
  requests: strategies,
  requestsPerPoint: Object.fromEntries(Object.entries(strategies).map(([name, reached]) => [name, perPoint(reached)])),
  seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
};
const lines = [
  `bench-companies: ${games} games; requests per 1 % of the added-weighted market (total requests in brackets)`,
  `${'points'.padEnd(34)}${TARGETS.map((t) => `${t} %`.padStart(20)).join('')}`,
  ...Object.entries(strategies).map(
    ([name, reached]) =>
      `${(name === 'perCompanyLinked' ? 'per company (linked, not known)' : name === 'planner' ? 'planner (details, known)' : 'naive (details in added order)').padEnd(34)}${TARGETS.map((t) => (reached[t] === null ? 'never' : `${(reached[t]! / t).toFixed(2)} (${reached[t]})`).padStart(20)).join('')}`,
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'companies.json'), `${JSON.stringify(result, null, 2)}\n`);
