import type { CompactedPartition, CompactSummary } from '../compact/index.js';
import { partitionId } from '../lake/layout.js';

const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One line per compacted partition, as it is done. */
export function compactedLine(p: CompactedPartition): string {
  return `compacted ${partitionId(p.endpoint, p.load, p.date)}: ${plural(p.pages, 'page')}, ${megabytes(p.bytesIn)} -> ${plural(p.parts.length, 'part')}, ${megabytes(p.bytesOut)}\n`;
}

/** The summary of a compaction, as `gmp compact` and `gmp pipeline` print it: with --json one JSON line. */
export function compactSummaryLine(summary: CompactSummary, json: boolean): string {
  const { alreadyCompacted, pages, bytesIn, bytesOut, durationMs } = summary;
  if (json) {
    const compacted = summary.compacted.map(({ endpoint, load, date, pages, parts, bytesIn, bytesOut }) => ({
      endpoint,
      load,
      date,
      pages,
      parts: parts.length,
      bytesIn,
      bytesOut,
    }));
    return `${JSON.stringify({ compacted, partitions: compacted.length, alreadyCompacted, pages, bytesIn, bytesOut, durationMs })}\n`;
  }
  return `${plural(summary.compacted.length, 'partition')} compacted (${plural(pages, 'page')}, ${megabytes(bytesIn)} -> ${megabytes(bytesOut)}), ${alreadyCompacted} already compacted\n`;
}
