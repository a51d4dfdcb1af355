import cliProgress from 'cli-progress';
import type { IngestEvent } from '../ingest/run.js';
import { partitionLabel } from '../ingest/partition.js';
import { plural } from '../report/format.js';
import { barLayout, fitText } from './bar-layout.js';
import { showCursorOnExit } from './cursor.js';
import { stderrLog } from '../log.js';

export interface IngestProgressDisplay {
  event(event: IngestEvent): void;
  retry(event: { url: string; attempt: number; reason: string }): void;
  stop(): void;
}

/** The widest a partition label is shown, when the terminal has room. */
const LABEL_WIDTH = 38;
/** " |", "| ", "99999/99999 pages " and the longest status, "done, 99999 API requests". */
const RESERVED = 24 + 24;

/** A progress bar per partition on a terminal; otherwise one JSON line per event. Both on stderr. */
export function createIngestProgress(stream: NodeJS.WriteStream = process.stderr): IngestProgressDisplay {
  return stream.isTTY ? barsProgress(stream) : jsonProgress();
}

function jsonProgress(): IngestProgressDisplay {
  const log = stderrLog();
  return {
    event(event) {
      switch (event.type) {
        case 'run-start':
          log.info(
            {
              runId: event.runId,
              partitions: event.partitions,
              apiRequestsKnown: event.apiRequestsKnown,
              budgetLeft: event.budgetLeft,
            },
            'run started',
          );
          break;
        case 'partition-start':
          log.info({ partition: partitionLabel(event.partition), state: event.state }, 'partition started');
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

function barsProgress(stream: NodeJS.WriteStream): IngestProgressDisplay {
  const { barsize, labelWidth } = barLayout(stream.columns, LABEL_WIDTH, RESERVED);
  const bars = new cliProgress.MultiBar(
    {
      stream,
      format: ' {label} |{bar}| {value}/{total} {unit} {status}',
      hideCursor: true,
      clearOnComplete: false,
      barsize,
    },
    cliProgress.Presets.shades_classic,
  );
  const dropCursorHook = showCursorOnExit(stream);
  const byPartition = new Map<string, cliProgress.SingleBar>();
  const barFor = (label: string) => {
    let bar = byPartition.get(label);
    if (!bar) {
      bar = bars.create(1, 0, { label: fitText(label, labelWidth), unit: 'page', status: '' });
      byPartition.set(label, bar);
    }
    return bar;
  };
  const setTotal = (bar: cliProgress.SingleBar, total: number) => {
    bar.setTotal(total);
    bar.update({ unit: total === 1 ? 'page' : 'pages' });
  };
  let retries = 0;
  return {
    event(event) {
      if (event.type === 'run-start') return;
      const bar = barFor(partitionLabel(event.partition));
      if (event.type === 'partition-start')
        bar.update({ status: event.state === 'complete' ? 'already complete' : event.state });
      if (event.type === 'progress') {
        setTotal(bar, event.progress.pagesTotal);
        bar.update(event.progress.pagesDone, { status: '' });
      }
      if (event.type === 'partition-end') {
        const { summary } = event;
        const pages = summary.pagesFetched + summary.pagesSkipped;
        setTotal(bar, Math.max(1, pages));
        bar.update(pages, {
          status: summary.complete ? `done, ${plural(summary.apiRequests, 'API request')}` : 'stopped: resumable',
        });
      }
    },
    retry: () => {
      retries += 1;
    },
    stop: () => {
      bars.stop();
      dropCursorHook();
      if (retries) stream.write(`${plural(retries, 'request was', 'requests were')} retried\n`);
    },
  };
}
