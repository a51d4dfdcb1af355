import type { Aim, BenchResult } from './results.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const times = (theirs: number, ours: number) => `${(theirs / ours).toFixed(1)}x`;

/** The aims, each with the measured figure and whether it was reached. */
export function aimsOf(result: BenchResult): Aim[] {
  const aims: Aim[] = [];
  const { cold, rerun, resume } = result.scenarios;
  if (cold.ours && cold.seed) {
    aims.push({
      aim: 'cold ingest >= 8x faster than the seed baseline',
      measured: `${times(cold.seed.wallMs, cold.ours.wallMs)} (${seconds(cold.seed.wallMs)} vs ${seconds(cold.ours.wallMs)})`,
      met: cold.seed.wallMs >= 8 * cold.ours.wallMs,
    });
  }
  if (cold.ours && cold.dlt) {
    aims.push({
      aim: 'cold ingest >= 2x faster than dlt',
      measured: `${times(cold.dlt.wallMs, cold.ours.wallMs)} (${seconds(cold.dlt.wallMs)} vs ${seconds(cold.ours.wallMs)})`,
      met: cold.dlt.wallMs >= 2 * cold.ours.wallMs,
    });
  }
  if (cold.ours?.cpuMsPerPage !== undefined) {
    const { cpuMsPerPage, shareOfLimit } = cold.ours;
    const limit =
      shareOfLimit === undefined
        ? ''
        : `; ${(shareOfLimit * 100).toFixed(0)} % of the limit of ${result.limitPagesPerSecond} pages/s`;
    aims.push({
      aim: 'cold: CPU per page <= 4 ms',
      measured: `${cpuMsPerPage.toFixed(2)} ms${limit}`,
      met: cpuMsPerPage <= 4,
    });
  }
  if (result.capped) {
    const { achievedPerSecond, capPerSecond, shareOfCap } = result.capped;
    aims.push({
      aim: `>= 95 % of a ${capPerSecond} requests/s cap`,
      measured: `${achievedPerSecond} requests/s (${(shareOfCap * 100).toFixed(1)} %)`,
      met: shareOfCap >= 0.95,
    });
  }
  if (rerun.ours) {
    aims.push({
      aim: 'rerun: 0 API requests',
      measured: String(rerun.ours.apiRequests),
      met: rerun.ours.apiRequests === 0,
    });
    const partition = rerun.ours.partitionStoreRequests as number | undefined;
    const overhead = rerun.ours.storeRequests - (partition ?? 0);
    aims.push({
      aim: 'rerun: <= 1 store request per partition',
      measured: `${partition} for the partition; ${rerun.ours.storeRequests} in all on the server, ${overhead} of them per run (the budget check's LIST and GETs of this month's run records, the new run record's PUT)`,
      met: partition !== undefined && partition <= 1,
    });
  }
  if (resume.ours && result.resume?.ours) {
    const { missingPages } = result.resume.ours;
    aims.push({
      aim: 'resume: exactly the missing pages',
      measured: `${resume.ours.apiRequests} API requests for ${missingPages} missing pages`,
      met: resume.ours.apiRequests === missingPages,
    });
  }
  if (result.memory) {
    aims.push({
      aim: `peak RSS < 150 MB at ${result.memory.pages} pages`,
      measured: `${result.memory.peakRssMb.toFixed(0)} MB`,
      met: result.memory.peakRssMb < 150,
    });
  }
  return aims;
}
