import { LAYOUTS } from './charts.js';
import { escapeHtml as esc } from './escape.js';
import { formatCount, plural } from './format.js';
import type { LakePanel } from './lake-panel.js';
import type { WarehouseGames } from './market-data.js';
import type { Section, Table } from './sections.js';
import { renderStatusBanner, STATUS_STYLE } from './status-banner.js';
import type { BuildVerdict } from '../warehouse/build-record.js';
import { statusLine } from '../lake/schema-drift.js';

export interface PageInput {
  warehouseGames: WarehouseGames;
  sections: Section[];
  lake: LakePanel;
  /** The lake the warehouse was built from, when it is not the lake of the panel, or unknown. */
  builtFrom: BuiltFrom;
  /** What the warehouse's build found: stale endpoints, failed tests; undefined when it recorded none. */
  verdict?: BuildVerdict;
  generatedAt: Date;
}

export type BuiltFrom = { lake: 'this' } | { lake: 'other'; location: string } | { lake: 'unrecorded' };

/** The host of the real RAWG API. */
const RAWG_HOST = 'api.rawg.io';

/**
 * The whole report as one HTML document: inline CSS, inline SVG, no script, and a content
 * security policy that forbids loading anything, so the page is the same offline.
 */
export async function renderPage({
  warehouseGames,
  sections,
  lake,
  builtFrom,
  verdict,
  generatedAt,
}: PageInput): Promise<string> {
  const rendered: string[] = [];
  for (const section of sections) rendered.push(await renderSection(section));
  const source = describeSource(lake);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="color-scheme" content="light">
<title>Game market report</title>
<style>${STYLE}${STATUS_STYLE}</style>
</head>
<body>
<header>
<h1>Game market report</h1>
${renderStatusBanner(verdict, warehouseGames.games)}
<p class="lede">${esc(plural(warehouseGames.games, 'game'))} in the warehouse${releasedSpan(warehouseGames)}. Generated ${esc(generatedAt.toISOString().replace('T', ' ').slice(0, 16))} UTC.</p>
<p class="source source-${source.kind}"><strong>Data:</strong> ${source.html}</p>
${renderBuiltFrom(builtFrom, lake.location)}
<nav aria-label="Sections"><ul>${[...sections, { id: 'data', heading: 'The data behind this report' }].map((s) => `<li><a href="#${s.id}">${esc(s.heading)}</a></li>`).join('')}</ul></nav>
</header>
<main>
${rendered.join('\n')}
${renderLakePanel(lake, source.html)}
</main>
<footer><p>Made by <code>gmp report</code> from the dbt marts of the warehouse and the run records of the lake.</p></footer>
</body>
</html>
`;
}

/** ", released from 1990 to 2026 (so far)": up to the current year; later games are upcoming. */
function releasedSpan({ firstYear, lastYear, currentYear }: WarehouseGames): string {
  if (firstYear === null || lastYear === null) return '';
  return `, released from ${firstYear} to ${lastYear}${lastYear === currentYear ? ' (so far)' : ''}`;
}

async function renderSection(section: Section): Promise<string> {
  const summaryId = `${section.id}-summary`;
  const summary = `<p class="summary" id="${summaryId}">${esc(section.summary)}</p>`;
  let body = summary;
  if (section.chart) {
    // Vega loads only when a chart is drawn: every other command starts without it.
    const { renderChart } = await import('./render-chart.js');
    const { text, spec } = section.chart;
    const variants: string[] = [];
    for (const layout of LAYOUTS) {
      const svg = await renderChart(spec(layout), { title: text.title, describedBy: summaryId });
      variants.push(`<div class="chart-${layout.name}">${svg}</div>`);
    }
    body = `<div class="figure"><figure class="chart" data-chart="${section.id}">${variants.join('')}</figure>${summary}</div>`;
  }
  return `<section id="${section.id}" aria-labelledby="${section.id}-heading">
<h2 id="${section.id}-heading">${esc(section.heading)}</h2>
${body}
${renderSectionTable(section)}
</section>`;
}

/** A chart's numbers fold away under it; a section without a chart is its table, shown open. */
function renderSectionTable({ table, chart }: Section): string {
  if (!table) return '';
  return chart ? `<details><summary>The numbers</summary>${renderTable(table)}</details>` : renderTable(table);
}

function renderTable(table: Table): string {
  const cell = (tag: 'th' | 'td', text: string, index: number) =>
    `<${tag}${table.numeric[index] ? ' class="num"' : ''}${tag === 'th' ? ' scope="col"' : ''}>${esc(text)}</${tag}>`;
  return `<div class="table-scroll"><table data-table="${esc(table.id)}">
<caption>${esc(table.caption)}</caption>
<thead><tr>${table.columns.map((column, index) => cell('th', column, index)).join('')}</tr></thead>
<tbody>
${table.rows.map((row) => `<tr>${row.map((text, index) => cell('td', text, index)).join('')}</tr>`).join('\n')}
</tbody>
</table></div>`;
}

interface SourceLine {
  kind: 'api' | 'sandbox' | 'mixed' | 'unknown';
  text: string;
  /** The same as HTML: RAWG's name is a link to RAWG, as its terms ask of every page that shows its data. */
  html: string;
}

/** RAWG's site: the page its terms ask reports on its data to link to. */
export const RAWG_SITE = 'https://rawg.io';

/** Only the built-in sandbox is synthetic: any other API (RAWG, a proxy, a replay) is named by its host. */
function describeSource({ partitionsBySource: by, apiHosts }: LakePanel): SourceLine {
  const unrecorded = by.unrecorded ? ` (${plural(by.unrecorded, 'partition')} without a run record)` : '';
  const onlyRawg = apiHosts.length === 1 && apiHosts[0] === RAWG_HOST;
  const apis = onlyRawg
    ? `the RAWG API (${RAWG_HOST})`
    : `the ${apiHosts.length === 1 ? 'API' : 'APIs'} at ${apiHosts.join(', ')}`;
  const link = (text: string) => `<a href="${RAWG_SITE}" data-credit="rawg">${text}</a>`;
  const line = (kind: SourceLine['kind'], text: string): SourceLine => ({
    kind,
    text,
    html: onlyRawg
      ? esc(text).replace('the RAWG API', `the ${link('RAWG')} API`)
      : apiHosts.includes(RAWG_HOST)
        ? esc(text).replace(RAWG_HOST, link(RAWG_HOST))
        : esc(text),
  });
  if (by.api && by.sandbox) {
    return line(
      'mixed',
      `mixed: ${plural(by.api, 'partition')} from ${apis}, ${formatCount(by.sandbox)} from the sandbox API (synthetic games)${unrecorded}`,
    );
  }
  if (by.api) return line('api', `${apis}${unrecorded}`);
  if (by.sandbox) return line('sandbox', `the sandbox API: synthetic games, not the real market${unrecorded}`);
  return line('unknown', 'unknown: no run record in the lake fetched its partitions');
}

/** A warehouse built from another lake would be described by the wrong panel: say so first. */
function renderBuiltFrom(builtFrom: BuiltFrom, location: string): string {
  if (builtFrom.lake === 'this') return '';
  const text =
    builtFrom.lake === 'other'
      ? `the warehouse was built from the lake ${builtFrom.location}, not from ${location}, the lake this report describes: ` +
        'the charts and the data panel show different data. Rebuild the warehouse from this lake with gmp transform, or report on the lake it was built from.'
      : 'the warehouse does not record the lake it was built from (its last build failed, or was made by hand): ' +
        `rebuild it with gmp transform to be sure the charts show the data of ${location}.`;
  return `<p class="source source-warning" data-warning="lake"><strong>Warning:</strong> ${esc(text)}</p>`;
}

function renderLakePanel(lake: LakePanel, sourceHtml: string): string {
  const run = lake.lastCompleteRun;
  const share = lake.budget ? lake.apiRequestsThisMonth / lake.budget : 0;
  const partitions: Table = {
    id: 'partitions',
    caption: 'Partitions in the lake, per endpoint',
    columns: ['Endpoint', 'Complete', 'Incomplete', 'Snapshots', 'Updated days', 'Pages', 'First date', 'Last date'],
    numeric: [false, true, true, true, true, true, false, false],
    rows: lake.endpoints.map((e) => [
      e.endpoint,
      formatCount(e.complete),
      formatCount(e.incomplete),
      formatCount(e.snapshots),
      formatCount(e.updatedPartitions),
      formatCount(e.pages),
      e.firstDate,
      e.lastDate,
    ]),
  };
  const batches: Table = {
    id: 'batches',
    caption: "Batches of items fetched one by one (a game's detail), per endpoint",
    columns: ['Endpoint', 'Complete', 'Incomplete', 'Items', 'Gone from the API', 'First date', 'Last date'],
    numeric: [false, true, true, true, true, false, false],
    rows: lake.batches.map((b) => [
      b.endpoint,
      formatCount(b.complete),
      formatCount(b.incomplete),
      formatCount(b.items),
      formatCount(b.gone),
      b.firstDate,
      b.lastDate,
    ]),
  };
  return `<section id="data" aria-labelledby="data-heading">
<h2 id="data-heading">The data behind this report</h2>
<dl class="facts">
<dt>Source</dt><dd data-fact="source">${sourceHtml}</dd>
<dt>Lake</dt><dd data-fact="lake"><code>${esc(lake.location)}</code></dd>
<dt>Last complete run</dt><dd data-fact="last-run">${
    run
      ? `<code>${esc(run.runId)}</code>, finished ${esc(run.finishedAt.replace('T', ' ').slice(0, 16))} UTC, ${esc(plural(run.apiRequests, 'API request'))} to ${esc(run.source === 'sandbox' ? 'the sandbox API' : `the API at ${run.host}`)}`
      : 'none yet'
  }</dd>
<dt>RAWG requests in ${esc(lake.month)}</dt><dd data-fact="budget"><meter min="0" max="${lake.budget}" value="${Math.min(lake.apiRequestsThisMonth, lake.budget)}" aria-label="Requests spent of the month's budget"></meter>
<span data-spent="${lake.apiRequestsThisMonth}">${esc(formatCount(lake.apiRequestsThisMonth))}</span> of the <span data-budget="${lake.budget}">${esc(formatCount(lake.budget))}</span> budget spent (${esc((share * 100).toFixed(1))}%)${
    lake.sandboxRequestsThisMonth
      ? `; the sandbox answered <span data-sandbox="${lake.sandboxRequestsThisMonth}">${esc(formatCount(lake.sandboxRequestsThisMonth))}</span> more, which the budget does not count`
      : ''
  }.</dd>
<dt>Item fields</dt><dd data-fact="item-fields">${renderItemFields(lake)}</dd>
</dl>
${lake.endpoints.length ? renderTable(partitions) : '<p>The lake has no partitions: run <code>gmp pipeline</code>.</p>'}
${lake.batches.length ? renderTable(batches) : ''}
</section>`;
}

/** How the API's item fields changed, per endpoint and listing shape: the last change and the fields still gone. */
function renderItemFields({ itemSchemas }: LakePanel): string {
  if (!itemSchemas.length) return 'not recorded yet: each ingest records the fields of the items it stores';
  const changed = itemSchemas.flatMap((shape) => {
    const line = statusLine(shape);
    return line ? [`<li data-drift="${esc(`${shape.endpoint}/${shape.filter}`)}">${esc(line)}</li>`] : [];
  });
  if (!changed.length) return `unchanged since first recorded (${esc(plural(itemSchemas.length, 'listing shape'))})`;
  return `<ul>${changed.join('')}</ul>`;
}

const STYLE = `
:root{--ink:#1d232b;--muted:#4d5661;--line:#dde2e8;--accent:#2f5f95;--paper:#fff;--ground:#f4f6f8}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--ground)}
header,main,footer{max-width:1140px;margin:0 auto;padding:0 16px}
h1{font-size:1.75rem;margin:24px 0 4px}
h2{font-size:1.3rem;margin:0 0 12px}
.lede{margin:0 0 8px;color:var(--muted)}
.source{margin:0 0 12px;padding:8px 12px;border-radius:6px;border:1px solid var(--line);background:var(--paper)}
.source-sandbox,.source-mixed,.source-unknown{border-color:#d9a400;background:#fff8e0}
.source-warning{border-color:#b3261e;background:#fdecea}
nav ul{display:flex;flex-wrap:wrap;gap:4px 16px;list-style:none;margin:0 0 8px;padding:0}
a{color:var(--accent)}
section{background:var(--paper);border:1px solid var(--line);border-radius:8px;padding:16px;margin:16px 0}
.figure{display:grid;grid-template-columns:minmax(0,720px) minmax(0,1fr);gap:24px;align-items:start}
figure{margin:0;min-width:0}
figure svg{display:block;max-width:100%;height:auto}
.summary{margin:0;max-width:60ch}
.chart-narrow{display:none}
details{margin-top:12px}
summary{cursor:pointer;color:var(--accent)}
.table-scroll{overflow-x:auto}
table{border-collapse:collapse;font-size:.875rem;margin-top:8px}
caption{text-align:left;color:var(--muted);padding-bottom:4px}
th,td{padding:4px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top;white-space:nowrap}
th{font-weight:600}
.num{text-align:right;font-variant-numeric:tabular-nums}
.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:6px 16px;margin:0 0 8px}
.facts dt{font-weight:600}
.facts dd{margin:0;overflow-wrap:anywhere}
meter{width:160px;vertical-align:middle;margin-right:8px}
code{font-size:.9em}
footer{color:var(--muted);font-size:.875rem;padding-bottom:24px}
@media (max-width:1040px){.figure{grid-template-columns:minmax(0,1fr);gap:12px}}
@media (max-width:640px){
  header,main,footer{padding:0 12px}
  section{padding:12px;margin:12px 0}
  h1{font-size:1.45rem}
  .chart-wide{display:none}
  .chart-narrow{display:block}
  .facts{grid-template-columns:minmax(0,1fr);gap:2px}
  .facts dd{margin-bottom:8px}
}
`;
