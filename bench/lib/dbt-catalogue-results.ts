import { z } from 'zod';
import { buildDetailSchema } from './dbt-history-results.js';

/** What every timed `gmp transform` records: wall time, the memory of dbt and of gmp, the load around it. */
const transformRunSchema = z.looseObject({
  wallS: z.number().positive(),
  /** CPU seconds of gmp and dbt together: what the load changes less than the wall time. */
  cpuS: z.number().nonnegative(),
  /** Peak RSS of the dbt process (VmHWM, sampled every 100 ms); absent when dbt was not started. */
  dbtPeakRssMb: z.number().positive().optional(),
  gmpPeakRssMb: z.number().nonnegative(),
  loadAverageAtStart: z.number().nonnegative(),
  loadAverageAtEnd: z.number().nonnegative(),
});

const builtSchema = buildDetailSchema
  .extend(transformRunSchema.shape)
  .extend({ nodesByKind: z.record(z.string(), z.int().nonnegative()) });

export const dbtCatalogueResultSchema = z.looseObject({
  startedAt: z.iso.datetime(),
  commit: z.string().regex(/^[0-9a-f]{40}$/),
  uncommittedWarehouseCode: z.boolean(),
  lake: z.object({
    games: z.int().positive(),
    seed: z.int(),
    snapshot: z.string(),
    updatedDays: z.int().positive(),
    firstDay: z.string(),
    lastDay: z.string(),
    newDay: z.string(),
    pages: z.int().positive(),
    partitions: z.int().positive(),
    bytes: z.int().positive(),
    /** How the lake was made: the snapshot by `gmp ingest`, the days written directly (bench/lib/updated-days.ts). */
    written: z.string(),
    /** Seconds to make the lake, when this run made it; `gmp compact` of it. */
    buildS: z.number().nonnegative().optional(),
    compactS: z.number().nonnegative(),
    newDayCompactS: z.number().nonnegative(),
  }),
  builds: z.object({ full: builtSchema, day: builtSchema, noop: transformRunSchema }),
  threads: z.int().positive(),
  versions: z.object({ dbtCore: z.string(), dbtDuckdb: z.string(), duckdb: z.string(), node: z.string() }),
  machine: z.object({
    cpus: z.int().positive(),
    loadAverageAtStart: z.number().nonnegative(),
    loadAverageAtEnd: z.number().nonnegative(),
  }),
});
export type DbtCatalogueResult = z.infer<typeof dbtCatalogueResultSchema>;

export interface Aim {
  aim: string;
  measured: string;
  met: boolean;
}

const s = (seconds: number) => `${seconds.toFixed(1)} s`;

/** The catalogue benchmark's aims, judged on the wall time of each whole `gmp transform` and dbt's peak memory. */
export function dbtCatalogueAims({ builds: { full, day, noop } }: Pick<DbtCatalogueResult, 'builds'>): Aim[] {
  const peaks = [full.dbtPeakRssMb, day.dbtPeakRssMb].filter((mb): mb is number => mb !== undefined);
  const peak = peaks.length ? Math.max(...peaks) : 0;
  return [
    {
      aim: 'one more day <= 10 % of the full build',
      measured: `${((day.wallS / full.wallS) * 100).toFixed(1)} % (${s(day.wallS)} vs ${s(full.wallS)})`,
      met: day.wallS <= 0.1 * full.wallS,
    },
    { aim: 'one more day <= 60 s', measured: s(day.wallS), met: day.wallS <= 60 },
    {
      aim: 'nothing new <= 2 s, dbt not started',
      measured: `${s(noop.wallS)}${noop.dbtPeakRssMb === undefined ? '' : ', dbt started'}`,
      met: noop.wallS <= 2 && noop.dbtPeakRssMb === undefined,
    },
    { aim: "dbt's peak RSS <= 4 GB", measured: `${(peak / 1024).toFixed(2)} GB`, met: peak <= 4096 },
  ];
}
