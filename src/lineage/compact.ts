import { compactedPartitionDataset, rawPartitionDataset } from './datasets.js';
import { outputStatisticsFacet, type Dataset, type OutputDataset } from './event.js';
import { lineage, LineageRun } from './emitter.js';

/** What compaction tells of a partition it wrote (src/compact's CompactedPartition has these). */
interface CompactedPart {
  endpoint: string;
  load: string;
  date: string;
  pages: number;
  parts: ReadonlyArray<{ bytes: number }>;
  bytesOut: number;
}

export const COMPACT_JOB = 'compact';

/** A compaction run's lineage: each partition's raw pages in, its Parquet parts out (a row a page). */
export class CompactLineage {
  readonly #run: LineageRun | undefined;
  readonly #inputs: Dataset[] = [];
  readonly #outputs: OutputDataset[] = [];

  constructor(readonly lake: string) {
    const emitter = lineage();
    this.#run = emitter.enabled ? new LineageRun(emitter, COMPACT_JOB) : undefined;
  }

  start(): Promise<void> {
    return this.#run?.start() ?? Promise.resolve();
  }

  compacted(p: CompactedPart): void {
    const partition = { endpoint: { name: p.endpoint }, load: p.load as 'snapshot' | 'updated', date: p.date };
    this.#inputs.push(rawPartitionDataset(this.lake, partition));
    this.#outputs.push({
      ...compactedPartitionDataset(this.lake, partition),
      outputFacets: {
        outputStatistics: outputStatisticsFacet({ rowCount: p.pages, size: p.bytesOut, fileCount: p.parts.length }),
      },
    });
  }

  complete(): Promise<void> {
    return this.#run?.complete(this.#io()) ?? Promise.resolve();
  }

  stopped(error: unknown, signal?: AbortSignal): Promise<void> {
    return this.#run?.stopped(error, signal, this.#io()) ?? Promise.resolve();
  }

  #io() {
    return { inputs: this.#inputs, outputs: this.#outputs };
  }
}
