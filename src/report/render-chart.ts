import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { escapeHtml } from './escape.js';
import { estimateTextWidth } from './text-width.js';

interface TextItem {
  text?: unknown;
  fontSize?: number;
  fontWeight?: string | number;
}

// Vega's scenegraph exposes its text measurement for exactly this: rendering without a canvas.
// Its typings leave it out, hence the cast.
const { textMetrics } = vega as unknown as { textMetrics: { width: (item: TextItem, text?: unknown) => number } };
textMetrics.width = (item, text) => {
  const value = text ?? item.text;
  const line = Array.isArray(value)
    ? value.map(String).reduce((a, b) => (a.length >= b.length ? a : b), '')
    : String(value ?? '');
  const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
  return estimateTextWidth(line, item.fontSize ?? 11, bold);
};

/** What screen readers announce for a chart: its title, and the id of the text that describes it. */
export interface ChartLabel {
  title: string;
  describedBy: string;
}

/**
 * A loader that refuses everything: the specs carry their data inline, and a report must render
 * the same offline as online, so any attempt to fetch data, images or fonts is a bug.
 */
export function offlineLoader(): vega.Loader {
  const loader = vega.loader();
  const refuse = (uri: unknown) => Promise.reject(new Error(`the report loads nothing: refused ${String(uri)}`));
  loader.load = refuse;
  loader.sanitize = refuse;
  loader.http = refuse;
  loader.file = refuse;
  return loader;
}

/**
 * Compiles a Vega-Lite spec and renders it to an SVG string in Node, headless (no canvas, no DOM).
 * Vega only logs a problem (data it could not load, an empty domain, a spec it had to fix) and
 * draws what it can; a report must not show a chart that is quietly wrong, so here it throws.
 */
export async function renderChart(spec: TopLevelSpec, label: ChartLabel): Promise<string> {
  const problems: string[] = [];
  const logger = vega.logger(vega.Warn, undefined, (_method, _level, args) =>
    problems.push(args.map(String).join(' ')),
  );
  const { spec: vegaSpec } = compile(spec, { logger });
  const view = new vega.View(vega.parse(vegaSpec), { renderer: 'none', loader: offlineLoader(), logger });
  try {
    const svg = await view.toSVG();
    if (problems.length) throw new Error(`chart "${label.title}" did not render cleanly: ${problems[0]}`);
    return labelSvg(svg, label);
  } finally {
    view.finalize();
  }
}

/** Gives the root element an accessible name and description; Vega's string output has neither. */
function labelSvg(svg: string, { title, describedBy }: ChartLabel): string {
  if (!svg.startsWith('<svg ')) throw new Error('vega rendered something other than an SVG');
  const attributes = `role="graphics-document document" aria-label="${escapeHtml(title)}" aria-describedby="${escapeHtml(describedBy)}" focusable="false"`;
  return `<svg ${attributes} ${svg.slice('<svg '.length)}`;
}
