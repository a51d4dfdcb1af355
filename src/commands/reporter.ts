import cliProgress from 'cli-progress';
import { pino, type Logger } from 'pino';
import type { IngestEvent } from '../ingest/run.js';
import { partitionLabel } from '../ingest/partition.js';

export interface Reporter {
  event(event: IngestEvent): void;
  retry(event: { url: string; attempt: number; reason: string }): void;
  stop(): void;
}

/** A progress bar per partition on a terminal; otherwise one JSON line per event. Both on stderr. */
export function createReporter(interactive = Boolean(process.stderr.isTTY)): Reporter {
  return interactive ? progressReporter() : jsonReporter();
}

function jsonReporter(): Reporter {
  const log: Logger = pino({ base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: 2, sync: true }));
  return {
    event(event) {
      switch (event.type) {
        case 'run-start':
          log.info({ runId: event.runId, partitions: event.partitions, apiRequestsKnown: event.apiRequestsKnown, budgetLeft: event.budgetLeft }, 'run started');
          break;
        case 'partition-start':
          log.info({ partition: partitionLabel(event.partition), state: event.plan }, 'partition started');
          break;
        case 'progress':
          break; // one line a page would drown the log; the summary has the counts
        case 'partition-end':
          log.info({ ...event.summary }, 'partition finished');
          break;
      }
    },
    retry: (event) => log.warn(event, 'retrying'),
    stop: () => undefined,
  };
}

function progressReporter(): Reporter {
  const bars = new cliProgress.MultiBar(
    {
      stream: process.stderr,
      format: ' {label} |{bar}| {value}/{total} pages {status}',
      hideCursor: true,
      clearOnComplete: false,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  const byPartition = new Map<string, cliProgress.SingleBar>();
  const barFor = (label: string) => {
    let bar = byPartition.get(label);
    if (!bar) {
      bar = bars.create(1, 0, { label: label.padEnd(38), status: '' });
      byPartition.set(label, bar);
    }
    return bar;
  };
  let retries = 0;
  return {
    event(event) {
      if (event.type === 'run-start') return;
      const bar = barFor(partitionLabel(event.partition));
      if (event.type === 'partition-start') bar.update({ status: event.plan === 'complete' ? 'already complete' : event.plan });
      if (event.type === 'progress') {
        bar.setTotal(event.progress.pagesTotal);
        bar.update(event.progress.pagesDone, { status: '' });
      }
      if (event.type === 'partition-end') {
        const { summary } = event;
        const pages = summary.pagesFetched + summary.pagesSkipped;
        bar.setTotal(Math.max(1, pages));
        bar.update(pages, { status: summary.complete ? `done, ${summary.apiRequests} API requests` : 'stopped: resumable' });
      }
    },
    retry: () => {
      retries += 1;
    },
    stop: () => {
      bars.stop();
      if (retries) process.stderr.write(`${retries} requests were retried\n`);
    },
  };
}
