import { z } from 'zod';

/** Where dbt's time went in one build, from its run_results.json. */
export const buildDetailSchema = z.looseObject({
  /** Wall seconds of the `gmp transform` process: listing the lake, then `dbt build`. */
  wallS: z.number().positive(),
  /** dbt's parse and build, from its first log line to the freshness check's start (Python's start-up before it is not in it). */
  dbtBuildLoggedS: z.number().nonnegative(),
  /** dbt parsing the project: `full`, or `partial` (only the changed files, from dbt's cache). */
  parse: z.enum(['full', 'partial']),
  parseS: z.number().nonnegative(),
  /** dbt's own elapsed seconds for running the nodes (run_results.json), parsing excluded. */
  dbtElapsedS: z.number().nonnegative(),
  /** The `dbt source freshness` check gmp transform runs after the build, in the same dbt process: its start to the last log line. */
  freshnessLoggedS: z.number().nonnegative().optional(),
  nodes: z.int().positive(),
  /** Seconds summed over the nodes of each kind (model, test, unit_test), and of each model layer. */
  secondsByKind: z.record(z.string(), z.number().nonnegative()),
  secondsByLayer: z.record(z.string(), z.number().nonnegative()),
  slowestNodes: z.array(z.object({ node: z.string(), seconds: z.number().nonnegative() })),
});
export type BuildDetail = z.infer<typeof buildDetailSchema>;

export const dbtHistoryResultSchema = z.looseObject({
  /** Wall seconds of dbt's build (dbtBuildLoggedS of each build): the figures the aims are judged on. */
  fullBuildS: z.number().positive(),
  incrementalBuildS: z.number().positive(),
  oneDayFullBuildS: z.number().positive(),
  /**
   * Wall seconds of the whole `gmp transform` of each build (wallS), and the `gmp compact` runs
   * before them. Absent from a file written when the figures were the transform's wall and the
   * lakes were not compacted.
   */
  fullTransformS: z.number().positive().optional(),
  incrementalTransformS: z.number().positive().optional(),
  oneDayFullTransformS: z.number().positive().optional(),
  compaction: z.object({ historyS: z.number().nonnegative(), newDayS: z.number().nonnegative() }).optional(),
  startedAt: z.iso.datetime(),
  commit: z.string().regex(/^[0-9a-f]{40}$/),
  uncommittedWarehouseCode: z.boolean(),
  lake: z.object({
    games: z.int().positive(),
    seed: z.int(),
    dailyWindows: z.int().positive(),
    snapshots: z.array(z.string()).min(1),
    newDay: z.string(),
    pages: z.int().positive(),
    partitions: z.int().positive(),
    bytes: z.int().positive(),
    oneDayPages: z.int().positive(),
  }),
  builds: z.object({ full: buildDetailSchema, incremental: buildDetailSchema, oneDayFull: buildDetailSchema }),
  threads: z.int().positive(),
  versions: z.object({ dbtCore: z.string(), dbtDuckdb: z.string(), duckdb: z.string(), node: z.string() }),
  machine: z.object({
    cpus: z.int().positive(),
    loadAverageAtStart: z.number().nonnegative(),
    loadAverageAtEnd: z.number().nonnegative(),
  }),
});
export type DbtHistoryResult = z.infer<typeof dbtHistoryResultSchema>;

export interface DbtHistoryAim {
  aim: string;
  measured: string;
  met: boolean;
}

/** The two aims of the history benchmark, judged on the three measured figures. */
export function dbtHistoryAims({
  fullBuildS,
  incrementalBuildS,
  oneDayFullBuildS,
}: Pick<DbtHistoryResult, 'fullBuildS' | 'incrementalBuildS' | 'oneDayFullBuildS'>): DbtHistoryAim[] {
  const s = (seconds: number) => `${seconds.toFixed(1)} s`;
  return [
    {
      aim: 'one new day incremental <= 1.5x a full build of that day alone',
      measured: `${(incrementalBuildS / oneDayFullBuildS).toFixed(2)}x (${s(incrementalBuildS)} vs ${s(oneDayFullBuildS)})`,
      met: incrementalBuildS <= 1.5 * oneDayFullBuildS,
    },
    {
      aim: 'one new day incremental <= 10 % of the full build of the history',
      measured: `${((incrementalBuildS / fullBuildS) * 100).toFixed(1)} % (${s(incrementalBuildS)} vs ${s(fullBuildS)})`,
      met: incrementalBuildS <= 0.1 * fullBuildS,
    },
  ];
}
