import { NotCurrentError } from '../errors.js';
import { catalogueGaps } from '../lake/catalogue-status.js';
import { statusLine } from '../lake/schema-drift.js';
import type { BuildVerdict } from '../warehouse/build-record.js';
import type { EndpointFreshness } from '../warehouse/verdict.js';
import { stderrLog } from '../log.js';

/** Names listed in one line before "+N more". */
const LISTED = 5;

/**
 * One line on stderr per stale endpoint, and one naming the failed tests: plain text on a
 * terminal, otherwise a JSON event (level warn, or error past errorAfterDays) with the figures.
 */
export function printVerdict(verdict: BuildVerdict, interactive = Boolean(process.stderr.isTTY)): void {
  for (const stale of staleEndpoints(verdict)) {
    const message = staleLine(stale);
    if (interactive) process.stderr.write(`${message}\n`);
    else stderrLog()[stale.status === 'error' ? 'error' : 'warn']({ event: 'stale', ...stale }, message);
  }
  // A catalogue not read whole, or days behind: a warning, not a failure (a backfill takes weeks).
  for (const catalogue of verdict.catalogue ?? []) {
    const gaps = catalogueGaps(catalogue);
    if (!gaps.length) continue;
    const message = `not current: ${gaps.join('; ')}`;
    if (interactive) process.stderr.write(`${message}\n`);
    else stderrLog().warn({ event: 'catalogue-incomplete', ...catalogue }, message);
  }
  // The API changed its items' fields: news for a week, as long as nothing the models read is gone.
  for (const shape of recentDrift(verdict)) {
    const message = `schema drift: ${statusLine(shape)}`;
    if (interactive) process.stderr.write(`${message}\n`);
    else stderrLog().warn({ event: 'schema-drift', ...shape }, message);
  }
  if (verdict.vanishedFields?.length) {
    const message = vanishedLine(verdict);
    if (interactive) process.stderr.write(`${message}\n`);
    else stderrLog().error({ event: 'fields-vanished', vanishedFields: verdict.vanishedFields }, message);
  }
  if (verdict.freshness === undefined) {
    const message = 'freshness not checked: the build was given no lake listing (set LAKE_URL)';
    if (interactive) process.stderr.write(`${message}\n`);
    else stderrLog().warn({ event: 'freshness-unchecked' }, message);
  }
  if (verdict.failedTests.length) {
    const message = failedTestsLine(verdict);
    if (interactive) process.stderr.write(`${message}\n`);
    else
      stderrLog().error(
        { event: 'tests-failed', failedTests: verdict.failedTests, skippedModels: verdict.skippedModels },
        message,
      );
  }
}

/** Endpoints whose newest closed partition is past warnAfterDays (or that have none). */
export function staleEndpoints(verdict: BuildVerdict): EndpointFreshness[] {
  return (verdict.freshness ?? []).filter((endpoint) => endpoint.status !== 'fresh');
}

/**
 * What stops a run from ending 0 once its warehouse (and report) is written: a failed test, and
 * for the pipeline, whose job is a current report, an endpoint past errorAfterDays. An endpoint
 * only past warnAfterDays is a warning; `gmp transform` also builds old lakes on purpose.
 */
export function notCurrentError(
  verdict: BuildVerdict,
  { staleFails, reportPath }: { staleFails: boolean; reportPath?: string },
): NotCurrentError | undefined {
  const overdue = staleFails ? staleEndpoints(verdict).filter((endpoint) => endpoint.status === 'error') : [];
  const reasons = [
    ...(verdict.failedTests.length ? [failedTestsLine(verdict)] : []),
    ...(verdict.vanishedFields?.length ? [vanishedLine(verdict)] : []),
    ...(overdue.length
      ? [
          `stale past errorAfterDays: ${overdue.map((e) => `${e.endpoint} (${e.newestDate ?? 'never ingested'})`).join(', ')}`,
        ]
      : []),
  ];
  if (!reasons.length) return undefined;
  const report = reportPath ? `the report at ${reportPath} says so at the top` : 'gmp report shows it at the top';
  return new NotCurrentError(`the warehouse is not current: ${reasons.join('; ')}; ${report}`);
}

/** How long after it happened a build's verdict names a change of an endpoint's item fields. */
export const DRIFT_NEWS_DAYS = 7;

/** The item shapes whose fields changed in the last DRIFT_NEWS_DAYS days before the check. */
export function recentDrift(verdict: BuildVerdict): NonNullable<BuildVerdict['itemSchemas']> {
  const since = Date.parse(verdict.checkedAt) - DRIFT_NEWS_DAYS * 86_400_000;
  return (verdict.itemSchemas ?? []).filter((shape) => shape.lastChange && Date.parse(shape.lastChange.at) >= since);
}

/** `item fields the models read are gone from the API's items: games.released (stg_games, since 2026-12-07)`. */
function vanishedLine({ vanishedFields = [] }: BuildVerdict): string {
  const fields = vanishedFields.map(
    ({ endpoint, field, model, since }) => `${endpoint}.${field} (read by ${model}, gone since ${since.slice(0, 10)})`,
  );
  return `item fields the models read are gone from the API's items: ${fields.join(', ')}`;
}

function staleLine({
  endpoint,
  newestDate,
  ageDays,
  status,
  warnAfterDays,
  errorAfterDays,
}: EndpointFreshness): string {
  const age = newestDate
    ? `newest complete partition ${newestDate} is ${ageDays} days old`
    : 'never ingested (no complete partition in the lake)';
  const limit = status === 'error' ? `past errorAfterDays ${errorAfterDays}` : `past warnAfterDays ${warnAfterDays}`;
  return `stale: ${endpoint}: ${age} (${limit})`;
}

function failedTestsLine({ failedTests, skippedModels }: BuildVerdict): string {
  const more = failedTests.length > LISTED ? ` (+${failedTests.length - LISTED} more)` : '';
  const skipped = skippedModels.length
    ? `; ${skippedModels.length} models were not rebuilt and hold their last build`
    : '';
  return `dbt tests failed: ${failedTests.slice(0, LISTED).join(', ')}${more}${skipped}`;
}
