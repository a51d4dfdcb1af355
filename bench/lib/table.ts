import { INGESTERS, type IngesterName } from './ingesters.js';
import { SCENARIOS, type Aim, type BenchResult, type Metrics } from './results.js';

/** The table's rows for each scenario; `optional` rows only where some ingester recorded the figure. */
const METRICS: {
  label: string;
  value: (m: Metrics) => number | undefined;
  format: (n: number) => string;
  optional?: true;
}[] = [
  { label: 'wall (s)', value: (m) => m.wallMs, format: (ms) => (ms / 1000).toFixed(1) },
  { label: 'API requests', value: (m) => m.apiRequests, format: (n) => String(n) },
  { label: 'store requests', value: (m) => m.storeRequests, format: (n) => String(n) },
  { label: 'peak RSS (MB)', value: (m) => m.peakRssMb, format: (n) => n.toFixed(0) },
  { label: 'CPU (ms/page)', value: (m) => m.cpuMsPerPage, format: (n) => n.toFixed(2), optional: true },
  { label: 'stored (KB/page)', value: (m) => m.bytesPerPage, format: (n) => (n / 1000).toFixed(1), optional: true },
  { label: 'share of limit', value: (m) => m.shareOfLimit, format: (n) => `${(n * 100).toFixed(0)} %`, optional: true },
];

/** How many times the baseline's figure is ours: "5.3x"; "-" when neither spent anything. */
export function ratio(baseline: number, ours: number): string {
  if (ours === 0) return baseline === 0 ? '-' : 'inf';
  const times = baseline / ours;
  if (times >= 10) return `${times.toFixed(0)}x`;
  return `${times >= 0.1 ? times.toFixed(1) : times.toPrecision(2)}x`;
}

/** One table: each scenario and metric, our figure, then each baseline's beside its ratio to ours. */
export function formatTable(result: Pick<BenchResult, 'scenarios'>): string {
  const baselines = INGESTERS.filter((name): name is Exclude<IngesterName, 'ours'> => name !== 'ours');
  const header = ['scenario', 'metric', 'ours', ...baselines.flatMap((name) => [name, `${name}/ours`])];
  const rows: string[][] = [header];
  for (const scenario of SCENARIOS) {
    const figures = result.scenarios[scenario];
    const recorded = METRICS.filter(
      ({ value, optional }) => !optional || Object.values(figures).some((m) => m && value(m) !== undefined),
    );
    recorded.forEach(({ label, value, format }, index) => {
      const ours = figures.ours && value(figures.ours);
      const row = [index === 0 ? scenario : '', label, ours === undefined ? '-' : format(ours)];
      for (const name of baselines) {
        const theirs = figures[name] && value(figures[name]);
        row.push(
          theirs === undefined ? '-' : format(theirs),
          theirs === undefined || ours === undefined ? '-' : ratio(theirs, ours),
        );
      }
      rows.push(row);
    });
  }
  const widths = header.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatAims(aims: Aim[]): string {
  return aims.map(({ aim, measured, met }) => `${met ? 'met   ' : 'MISSED'}  ${aim}: ${measured}`).join('\n');
}
