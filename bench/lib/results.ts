import { z } from 'zod';
import type { GzipFigures } from './gzip.js';
import { INGESTERS } from './ingesters.js';

export const SCENARIOS = ['cold', 'rerun', 'resume'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** One ingester's run in one scenario. */
export const metricsSchema = z.looseObject({
  wallMs: z.number().nonnegative(),
  apiRequests: z.int().nonnegative(),
  storeRequests: z.int().nonnegative(),
  peakRssMb: z.number().nonnegative(),
  /** User + system CPU of the process (and the children it waited for). */
  cpuMs: z.number().nonnegative().optional(),
  /** cpuMs over the pages the run stored (cold and resume). */
  cpuMsPerPage: z.number().nonnegative().optional(),
  /** Bytes the lake holds per page of games (cold). */
  bytesPerPage: z.number().nonnegative().optional(),
  /** Pages a second over the limit `min(rate cap, concurrency / latency)` (cold). */
  shareOfLimit: z.number().nonnegative().optional(),
  /** The store requests by S3 operation, as the server logged them. */
  storeRequestsByOperation: z.record(z.string(), z.int()).optional(),
});
export type Metrics = z.infer<typeof metricsSchema>;

const byIngester = z.partialRecord(z.enum(INGESTERS), metricsSchema);

export const benchResultSchema = z.looseObject({
  commit: z.string(),
  pages: z.int().positive(),
  latencyMs: z.number().nonnegative(),
  /** The pages a second no ingester can pass here: min(our rate cap, our concurrency / latency). */
  limitPagesPerSecond: z.number().positive().optional(),
  scenarios: z.object({ cold: byIngester, rerun: byIngester, resume: byIngester }),
});
export type BenchResult = z.infer<typeof benchResultSchema> & {
  startedAt: string;
  objectStore: string;
  machine: { cpus: number; node: string; loadAverageAtStart: number; loadAverageAtEnd?: number };
  resume?: Partial<
    Record<(typeof INGESTERS)[number], { pagesBeforeKill: number; missingPages: number; apiRequestsBeforeKill: number }>
  >;
  capped?: { capPerSecond: number; requests: number; achievedPerSecond: number; shareOfCap: number };
  /** Our stored pages compressed at each level: CPU and bytes per page. */
  gzip?: GzipFigures[];
  memory?: { pages: number; wallMs: number; apiRequests: number; peakRssMb: number; cpuMsPerPage?: number };
  aims?: Aim[];
};

/** One of the benchmark's aims, with the measured figure and whether it was reached. */
export interface Aim {
  aim: string;
  measured: string;
  met: boolean;
}
