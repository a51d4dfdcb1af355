import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { benchmarksPage, expectedPage, readResults } from './docs-table.js';
import { FIGURES_END, FIGURES_START, grouped, renderFigures, withFigures, type ResultsFile } from './lib/docs-table.js';

const committed = readResults();
const latest = committed.find((file) => file.name === 'latest.json')!;

describe('docs/benchmarks.md', () => {
  it('quotes exactly the committed results files (run make bench-docs after a benchmark)', () => {
    const page = readFileSync(benchmarksPage, 'utf8');
    expect(page).toBe(expectedPage(page, committed));
  });
});

describe('the generated figures', () => {
  it('follow a changed results file: the page would be out of date', () => {
    const page = readFileSync(benchmarksPage, 'utf8');
    const json = structuredClone(latest.json) as { scenarios: { cold: { ours: { wallMs: number } } } };
    json.scenarios.cold.ours.wallMs = 98_765;
    const changed = committed.map((file) => (file === latest ? { ...file, json } : file));
    const rewritten = expectedPage(page, changed);
    expect(rewritten).not.toBe(page);
    expect(rewritten).toMatch(/^cold\s+wall \(s\)\s+98\.8\s/m);
  });

  it("give every committed file a section, make bench's run first", () => {
    const figures = renderFigures(committed);
    const headings = [...figures.matchAll(/^### .*bench\/results\/(\S+)$/gm)].map((m) => m[1]);
    expect(headings[0]).toBe('latest.json');
    expect([...headings].sort()).toEqual(committed.map((file) => file.name).sort());
  });

  it('list each figure of a results file they have no layout for', () => {
    const file: ResultsFile = {
      name: 'zz-new.json',
      json: { commit: 'abcdef0123', wallS: 12.5, build: { models: 41, ok: true }, runs: [1, 2] },
    };
    const figures = renderFigures([file]);
    expect(figures).toContain('### bench/results/zz-new.json');
    expect(figures).toContain('commit `abcdef0`');
    for (const row of [
      '| `wallS` | 12.5 |',
      '| `build.models` | 41 |',
      '| `build.ok` | true |',
      '| `runs` | 2 entries |',
    ])
      expect(figures).toContain(row);
  });

  it("table make bench-dbt's builds and aims", () => {
    const json = {
      commit: 'abcdef0123',
      threads: 2,
      lake: {
        games: 100_000,
        dailyWindows: 30,
        snapshots: ['2024-05-01'],
        pages: 11_854,
        partitions: 62,
        bytes: 1_064_777_847,
      },
      builds: { full: { wallS: 35.64, dbtElapsedS: 29.91, nodes: 225 }, incremental: { wallS: 22.09 } },
      aims: [{ aim: 'incremental <= 10 % of full', measured: '62 %', met: false }],
    };
    const figures = renderFigures([{ name: 'dbt-history.json', json }]);
    expect(figures).toContain(
      '100,000 sandbox games, 1 snapshots and 30 daily windows: 11,854 pages in 62 partitions (1.06 GB)',
    );
    expect(figures).toContain('| full | 35.64 | 29.91 | 225 |');
    expect(figures).toContain('| incremental | 22.09 | - | - |');
    expect(figures).toContain('| incremental <= 10 % of full | 62 % | **missed** |');
  });

  it('name the ingesters a run left out', () => {
    const json = structuredClone(latest.json) as { scenarios: Record<string, Record<string, unknown>> };
    for (const scenario of Object.values(json.scenarios)) delete scenario.dlt;
    expect(renderFigures([{ name: 'latest.json', json }])).toMatch(/^Not in this run: dlt\.$/m);
  });

  it('replace only what lies between the markers, and refuse a page without them', () => {
    const page = `# B\n\nkept\n${FIGURES_START}\nold\n${FIGURES_END}\nafter\n`;
    expect(withFigures(page, `${FIGURES_START}\nnew\n${FIGURES_END}`)).toBe(
      `# B\n\nkept\n${FIGURES_START}\nnew\n${FIGURES_END}\nafter\n`,
    );
    expect(() => withFigures('# B\n', 'x')).toThrow(/lost the markers/);
  });

  it('group thousands whatever the locale', () => {
    expect(grouped(900_000)).toBe('900,000');
    expect(grouped(22_703)).toBe('22,703');
    expect(grouped(314.1)).toBe('314.1');
    expect(grouped(135)).toBe('135');
  });
});
