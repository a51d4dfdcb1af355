import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbtHistoryAims, dbtHistoryResultSchema } from './lib/dbt-history-results.js';

const committed = () =>
  JSON.parse(readFileSync(join(import.meta.dirname, 'results/dbt-history.json'), 'utf8')) as Record<string, unknown>;

describe('bench/results/dbt-history.json', () => {
  it('has the three build figures, each build in detail, and the lake, versions and machine they were measured on', () => {
    const result = dbtHistoryResultSchema.parse(committed());
    expect(result.lake.games).toBe(100_000);
    expect(result.lake.dailyWindows).toBe(30);
    expect(result.lake.snapshots).toHaveLength(4);
    // The history holds every snapshot's catalogue; the one-day lake only that day's window.
    expect(result.lake.pages).toBeGreaterThan(result.lake.snapshots.length * (result.lake.games / 40));
    expect(result.lake.oneDayPages).toBeLessThan(result.lake.pages / 100);
    // The figures are dbt's build; a file from before they were split gave the transform's wall.
    const figure = result.fullTransformS === undefined ? 'wallS' : 'dbtBuildLoggedS';
    expect(result.builds.full[figure]).toBe(result.fullBuildS);
    expect(result.builds.incremental[figure]).toBe(result.incrementalBuildS);
    expect(result.builds.oneDayFull[figure]).toBe(result.oneDayFullBuildS);
    if (result.fullTransformS !== undefined) {
      expect([result.fullTransformS, result.incrementalTransformS, result.oneDayFullTransformS]).toEqual(
        [result.builds.full, result.builds.incremental, result.builds.oneDayFull].map((build) => build.wallS),
      );
      expect(result.compaction).toBeDefined();
    }
    for (const build of Object.values(result.builds)) {
      expect(build.dbtElapsedS).toBeLessThan(build.dbtBuildLoggedS);
      expect(build.dbtBuildLoggedS).toBeLessThan(build.wallS);
      expect(build.nodes).toBe(result.builds.full.nodes);
    }
  });

  it('is refused when a figure is missing', () => {
    for (const figure of ['fullBuildS', 'incrementalBuildS', 'oneDayFullBuildS']) {
      const { [figure]: _left, ...rest } = committed();
      expect(dbtHistoryResultSchema.safeParse(rest).success, figure).toBe(false);
    }
  });
});

describe("the history benchmark's aims", () => {
  it('hold the incremental day to 1.5x a build of that day alone and to 10 % of the full history', () => {
    const aims = dbtHistoryAims({ fullBuildS: 200, incrementalBuildS: 18, oneDayFullBuildS: 12 });
    expect(aims).toEqual([
      {
        aim: 'one new day incremental <= 1.5x a full build of that day alone',
        measured: '1.50x (18.0 s vs 12.0 s)',
        met: true,
      },
      {
        aim: 'one new day incremental <= 10 % of the full build of the history',
        measured: '9.0 % (18.0 s vs 200.0 s)',
        met: true,
      },
    ]);
    const missed = dbtHistoryAims({ fullBuildS: 35.6, incrementalBuildS: 22.1, oneDayFullBuildS: 14.6 });
    expect(missed.map(({ measured, met }) => [measured, met])).toEqual([
      ['1.51x (22.1 s vs 14.6 s)', false],
      ['62.1 % (22.1 s vs 35.6 s)', false],
    ]);
  });

  it('are judged on the committed figures', () => {
    const result = dbtHistoryResultSchema.parse(committed());
    const [perDay, share] = dbtHistoryAims(result);
    expect(perDay!.met).toBe(result.incrementalBuildS <= 1.5 * result.oneDayFullBuildS);
    expect(share!.met).toBe(result.incrementalBuildS * 10 <= result.fullBuildS);
  });
});
