import { catalogueGaps } from '../lake/catalogue-status.js';
import type { BuildVerdict } from '../warehouse/build-record.js';
import { escapeHtml as esc } from './escape.js';
import { plural } from './format.js';

/**
 * The report's first word on its data, from the verdict its warehouse's build recorded: current
 * (every catalogue read whole and caught up, every endpoint within its freshness threshold, every
 * dbt test passed, no item field the models read gone), or what is missing, stale, failed and
 * gone, with dates. Nothing when the build
 * recorded no verdict: the lake warning says so. `warehouseGames` is set beside the catalogues.
 */
export function renderStatusBanner(verdict: BuildVerdict | undefined, warehouseGames?: number): string {
  if (!verdict) return '';
  const held = warehouseGames === undefined ? '' : ` The warehouse holds ${plural(warehouseGames, 'game')}.`;
  const checked = `checked when the warehouse was built, ${esc(utcMinute(verdict.checkedAt))} UTC`;
  const stale = (verdict.freshness ?? []).filter((endpoint) => endpoint.status !== 'fresh');
  const problems = [
    ...(verdict.catalogue ?? [])
      .filter((catalogue) => catalogueGaps(catalogue).length)
      .map(
        (catalogue) =>
          `<li data-catalogue="${esc(catalogue.endpoint)}" data-backfill="${esc(catalogue.backfill.state)}" data-backlog-days="${catalogue.backlog.length}">${esc(sentence(catalogueGaps(catalogue).join('; ')))}.${esc(held)}</li>`,
      ),
    ...stale.map((endpoint) => {
      const age = endpoint.newestDate
        ? `newest complete partition ${endpoint.newestDate}, ${plural(endpoint.ageDays ?? 0, 'day')} old`
        : 'no complete partition in the lake';
      const limit =
        endpoint.status === 'error'
          ? `past the ${endpoint.errorAfterDays} days at which the pipeline fails`
          : `stale after ${endpoint.warnAfterDays} days`;
      return `<li data-stale="${esc(endpoint.endpoint)}" data-newest="${esc(endpoint.newestDate ?? '')}"><strong>${esc(endpoint.endpoint)}</strong> is stale: ${esc(age)} (${esc(limit)}).</li>`;
    }),
    ...(verdict.vanishedFields ?? []).map(
      ({ endpoint, field, model, since }) =>
        `<li data-vanished-field="${esc(`${endpoint}.${field}`)}">The API's ${esc(endpoint)} items no longer carry <code>${esc(field)}</code> (since ${esc(since.slice(0, 10))}), which <code>${esc(model)}</code> reads.</li>`,
    ),
    ...(verdict.failedTests.length
      ? [
          `<li data-failed-tests="${verdict.failedTests.length}">${esc(plural(verdict.failedTests.length, 'dbt test'))} failed: ${verdict.failedTests.map((name) => `<code data-failed-test="${esc(name)}">${esc(name)}</code>`).join(', ')}.${
            verdict.skippedModels.length
              ? ` Not rebuilt, so showing their last build's data: ${esc(plural(verdict.skippedModels.length, 'model'))} (${esc(verdict.skippedModels.join(', '))}).`
              : ''
          }</li>`,
        ]
      : []),
  ];
  if (problems.length) {
    return `<div class="status status-not-current" data-status="not-current" role="alert"><p><strong>Not current:</strong> this report does not show the market as of today (${checked}).</p><ul>${problems.join('')}</ul></div>`;
  }
  if (!verdict.freshness) {
    return `<p class="status status-unchecked" data-status="unchecked"><strong>Freshness unknown:</strong> every dbt test passed, but the build was given no lake listing to check freshness against (${checked}).</p>`;
  }
  const newest = verdict.freshness
    .map((endpoint) => endpoint.newestDate ?? '')
    .sort()
    .at(-1);
  const whole = verdict.catalogue?.length ? 'every catalogue is read whole and caught up, ' : '';
  return `<p class="status status-current" data-status="current"><strong>Current</strong> as of ${esc(newest ?? '')}: ${whole}every endpoint's newest complete partition is within its freshness threshold and every dbt test passed (${checked}).${esc(held)}</p>`;
}

const sentence = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

function utcMinute(iso: string): string {
  return iso.replace('T', ' ').slice(0, 16);
}

/** The banner's colours, beside the page's other notes. */
export const STATUS_STYLE = `
.status{margin:0 0 12px;padding:8px 12px;border-radius:6px;border:1px solid var(--line);background:var(--paper)}
.status ul{margin:4px 0 0;padding-left:20px}
.status-not-current{border-color:#b3261e;background:#fdecea}
.status-unchecked{border-color:#d9a400;background:#fff8e0}
.status-current{border-color:#2e7d32;background:#edf7ee}
`;
