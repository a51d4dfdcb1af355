import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbtCatalogueAims, dbtCatalogueResultSchema, type DbtCatalogueResult } from './lib/dbt-catalogue-results.js';

const committed = () =>
  dbtCatalogueResultSchema.parse(
    JSON.parse(readFileSync(join(import.meta.dirname, 'results/dbt-catalogue.json'), 'utf8')),
  );

const run = (wallS: number, dbtPeakRssMb?: number) => ({
  wallS,
  cpuS: 1,
  gmpPeakRssMb: 90,
  loadAverageAtStart: 1,
  loadAverageAtEnd: 1,
  ...(dbtPeakRssMb ? { dbtPeakRssMb } : {}),
});
const builds = (full: number, day: number, noop: number, peakMb: number, noopPeakMb?: number) =>
  ({
    full: run(full, peakMb),
    day: run(day, peakMb / 2),
    noop: run(noop, noopPeakMb),
  }) as unknown as DbtCatalogueResult['builds'];

describe('bench/results/dbt-catalogue.json', () => {
  it('holds the three builds of one lake: the full build and the day started dbt, nothing new did not', () => {
    const { lake, builds: measured } = committed();
    expect(lake.pages).toBeGreaterThan(lake.games / 40);
    expect(lake.partitions).toBeGreaterThan(lake.updatedDays);
    expect(measured.full.dbtPeakRssMb).toBeGreaterThan(0);
    expect(measured.day.dbtPeakRssMb).toBeGreaterThan(0);
    expect(measured.noop.dbtPeakRssMb).toBeUndefined();
    expect(measured.day.nodesByKind.model).toBeLessThan(measured.full.nodesByKind.model!);
  });
});

describe("the catalogue benchmark's aims", () => {
  it('hold a day to 10 % of the full build and 60 s, nothing new to 2 s without dbt, and dbt to 4 GB', () => {
    expect(dbtCatalogueAims({ builds: builds(600, 59, 1.9, 4096) }).map(({ met }) => met)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(
      dbtCatalogueAims({ builds: builds(400, 61, 2.1, 4097) }).map(({ measured, met }) => [measured, met]),
    ).toEqual([
      ['15.3 % (61.0 s vs 400.0 s)', false],
      ['61.0 s', false],
      ['2.1 s', false],
      ['4.00 GB', false],
    ]);
    expect(dbtCatalogueAims({ builds: builds(600, 30, 1, 1000, 300) })[2]).toMatchObject({
      measured: '1.0 s, dbt started',
      met: false,
    });
  });
});
