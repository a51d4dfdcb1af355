import { INGESTERS, type IngesterName } from './ingesters.js';
import { SCENARIOS, type Aim, type BenchResult, type Metrics } from './results.js';

const METRICS: { label: string; value: (m: Metrics) => number; format: (n: number) => string }[] = [
  { label: 'wall (s)', value: (m) => m.wallMs, format: (ms) => (ms / 1000).toFixed(1) },
  { label: 'API requests', value: (m) => m.apiRequests, format: (n) => String(n) },
  { label: 'store requests', value: (m) => m.storeRequests, format: (n) => String(n) },
  { label: 'peak RSS (MB)', value: (m) => m.peakRssMb, format: (n) => n.toFixed(0) },
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
    METRICS.forEach(({ label, value, format }, index) => {
      const ours = figures.ours;
      const row = [index === 0 ? scenario : '', label, ours ? format(value(ours)) : '-'];
      for (const name of baselines) {
        const theirs = figures[name];
        row.push(theirs ? format(value(theirs)) : '-', theirs && ours ? ratio(value(theirs), value(ours)) : '-');
      }
      rows.push(row);
    });
  }
  const widths = header.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) => row.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ').trimEnd())
    .join('\n');
}

export function formatAims(aims: Aim[]): string {
  return aims.map(({ aim, measured, met }) => `${met ? 'met   ' : 'MISSED'}  ${aim}: ${measured}`).join('\n');
}
