import { ConfigError } from '../errors.js';
import { describeBacklog } from '../lake/catalogue-status.js';
import { checkLakeFor, planRun } from '../ingest/run.js';
import type { ItemsUnit, WorkPlan } from '../ingest/planner.js';
import { planKey, shardsKey } from '../lake/layout.js';
import { defineCommand } from './define.js';
import { lakeFrom, endpointsFromEnv, withApi, withLake } from './options.js';
import { itemsWorkFrom, positiveInteger, withSelection, workFrom } from './selection.js';

export const planCommand = defineCommand({
  command: 'plan',
  describe: 'show the units of work an ingest would run and what they cost, without calling the API',
  builder: (yargs) =>
    withApi(withLake(withSelection(yargs)))
      .option('max-pages', { type: 'number', describe: 'plan runs that fetch at most N pages each' })
      .option('shards', {
        type: 'number',
        default: 1,
        describe: 'deal the open units into at most N shards that can run at once',
      })
      .option('save', {
        type: 'string',
        describe: 'also write the plan to the lake: _plans/NAME/plan.json and _plans/NAME/shards.json',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print the plan as one JSON object' }),
  handler: async (args) => {
    const maxPages = positiveInteger(args.maxPages, '--max-pages');
    const shards = positiveInteger(args.shards, '--shards');
    const file = endpointsFromEnv();
    const store = lakeFrom(args);
    const baseUrl = args.baseUrl || file.source.baseUrl;
    // A lake bound to another API fails before work selection reads the lake.
    await checkLakeFor(store, baseUrl);
    const work = await workFrom(file, args, store);
    const items = await itemsWorkFrom(file, args, store);
    const plan = await planRun(work, {
      store,
      baseUrl,
      source: file.source,
      maxPages,
      shards,
      items,
    });
    if (args.save !== undefined) {
      const name = planName(args.save);
      await store.putIfAbsent(planKey(name), JSON.stringify(plan));
      await store.putIfAbsent(shardsKey(name), JSON.stringify(plan.shards));
    }
    process.stdout.write(args.json ? `${JSON.stringify(plan)}\n` : describePlan(plan, args.mode === 'daily'));
  },
});

/** A plan's name becomes a key segment: letters, digits, `-`, `_` and `.` only. */
function planName(text: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(text)) {
    throw new ConfigError('--save NAME takes letters, digits, ".", "_" and "-"');
  }
  return text;
}

function describePlan(plan: WorkPlan, daily: boolean): string {
  const lines = plan.units.map((unit) => {
    const pages = unit.pages === null ? 'size unknown until page 1' : `${unit.pages} pages`;
    const cost =
      unit.apiRequestsExpected > unit.apiRequestsKnown
        ? `${unit.apiRequestsKnown} known, about ${unit.apiRequestsExpected} expected`
        : `${unit.apiRequestsKnown}`;
    return `${unit.id}: ${unit.state}, ${pages}; needs ${cost} API requests${unit.backfill ? ' (backfill: a share of the budget per daily run)' : ''}`;
  });
  for (const unit of plan.items) lines.push(describeItemsUnit(unit));
  const { budget } = plan;
  // A daily run's open `updated` days are what the lake is behind by.
  if (daily) for (const { endpoint, days } of plan.backlog) lines.push(`${endpoint}: ${describeBacklog(days)}`);
  lines.push(
    `about ${plan.apiRequestsExpected + plan.items.reduce((sum, unit) => sum + unit.apiRequestsExpected, 0)} API requests in all; ${budget.left} of ${budget.monthly} left this month for ${plan.api} (${budget.spent} spent)`,
  );
  if (plan.apiRequestsExpected > 0)
    lines.push(
      `at this budget: ${plan.runsNeeded} run(s) over ${plan.monthsNeeded} month(s); ${plan.shards.length} shard(s)`,
    );
  return `${lines.join('\n')}\n`;
}

/** "game_details/items/2026-12-07: new, 300 items; companies known for 12.0 % of games, 61.3 % of the added-weighted market; 840 requests for the next 10 points". */
export function describeItemsUnit(unit: ItemsUnit): string {
  const { coverage, nextTenPoints } = unit;
  const percent = (part: number, whole: number) => `${whole === 0 ? '0.0' : ((100 * part) / whole).toFixed(1)} %`;
  const work =
    unit.state === 'complete'
      ? 'nothing to fetch now'
      : `${unit.state}, needs ${unit.apiRequestsExpected} API requests`;
  const next =
    nextTenPoints.requests === 0
      ? 'nothing left to fetch'
      : nextTenPoints.points >= 9.995
        ? `${nextTenPoints.requests} requests for the next 10 points`
        : `${nextTenPoints.requests} requests for the last ${nextTenPoints.points.toFixed(1)} points`;
  return `${unit.id}: ${work}; companies known for ${percent(coverage.known, coverage.items)} of games (${coverage.known} of ${coverage.items}), ${percent(coverage.knownWeight, coverage.weight)} of the added-weighted market; ${next}`;
}
