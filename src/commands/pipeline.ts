import { runCompact } from '../compact/index.js';
import { DEFAULT_REAL_API_MAX_PAGES, DEFAULT_REPORT_PATH, DEFAULT_SANDBOX_GAMES } from '../config/defaults.js';
import { lakeCatalogue } from '../ingest/catalogue.js';
import { selectItemsWork, selectWork } from '../ingest/select.js';
import { checkLakeFor } from '../ingest/run.js';
import { asPipelineRun } from '../lineage/pipeline.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';
import { compactSummaryLine } from './compact-output.js';
import { defineCommand } from './define.js';
import { interruptSignal } from './interrupt.js';
import { notice } from '../log.js';
import { printPipelineEnd } from './output.js';
import {
  apiFrom,
  lakeFrom,
  endpointsFromEnv,
  pythonFromEnv,
  warehouseFromEnv,
  withApi,
  withLake,
  type ApiSettings,
} from './options.js';
import { runIngestCommand } from './run-output.js';
import { positiveInteger } from './selection.js';
import { transform } from '../transform/index.js';
import { createTransformProgress } from './transform-progress.js';
import { notCurrentError, printVerdict } from './verdict-output.js';
import { pipelineSteps, type StepName } from '../pipeline-steps.js';
import type { EndpointsFile } from '../config/schema.js';
import type { ObjectStore } from '../lake/store.js';

const eachStep = defineCommand({
  command: 'pipeline',
  describe:
    'ingest every endpoint, compact the closed partitions, then build the warehouse and the report; without RAWG_API_KEY it uses the built-in sandbox API',
  builder: (yargs) =>
    withApi(withLake(yargs))
      .option('max-pages', {
        type: 'number',
        describe: `pages this run may fetch (default with a real key: ${DEFAULT_REAL_API_MAX_PAGES}; no cap on the sandbox)`,
      })
      .option('json', {
        type: 'boolean',
        default: false,
        describe:
          'stdout as JSON lines: the ingest summaries, the compaction summary, then one line naming the warehouse, the report and the dbt log',
      }),
  handler: async (args) => {
    const file = endpointsFromEnv();
    const store = lakeFrom(args);
    let built: Awaited<ReturnType<typeof transform>> | undefined;
    // Each step of the one list, in its order; the ingest runs in process rather than as shards.
    const run: Record<StepName, () => Promise<void>> = {
      ingest: () => pipelineIngest(file, store, args),

      compact: async () => {
        const compacted = await runCompact({ store, signal: interruptSignal() });
        process.stdout.write(compactSummaryLine(compacted, args.json));
      },

      transform: async () => {
        const progress = createTransformProgress();
        try {
          built = await transform({
            target: 'dev',
            lakeUrl: args.lake,
            s3Endpoint: args.s3Endpoint,
            lake: store,
            endpoints: file,
            catalogue: () => lakeCatalogue(file, store),
            warehousePath: warehouseFromEnv(),
            env: process.env,
            python: pythonFromEnv(),
            onProgress: progress.progress,
            signal: interruptSignal(),
          });
        } finally {
          progress.stop();
        }
        // A signal that came as dbt finished stops the pipeline here rather than after the report.
        interruptSignal().throwIfAborted();
      },

      report: async () => {
        if (!built) throw new Error('the report step runs after the transform step');
        // Loaded here: vega and DuckDB are heavy, and only this last step needs them.
        const { writeReport } = await import('../report/index.js');
        const report = await writeReport({
          warehousePath: built.warehousePath!,
          store,
          endpoints: file,
          outPath: DEFAULT_REPORT_PATH,
        });
        printVerdict(built.verdict);
        printPipelineEnd({ warehouse: built.warehousePath!, report: report.path, dbtLog: built.logPath }, args.json);
        const notCurrent = notCurrentError(built.verdict, { staleFails: true, reportPath: report.path });
        if (notCurrent) throw notCurrent;
      },
    };
    for (const step of pipelineSteps('dev')) await run[step.name]();
  },
});

/**
 * The pipeline's ingest, in process: without a key, the built-in sandbox (a snapshot of every
 * endpoint and yesterday's `updated` partitions, so one run fills both loads); with one, the
 * daily mix its budget allows, capped at --max-pages. Then the day's share of games' details.
 */
async function pipelineIngest(
  file: EndpointsFile,
  store: ObjectStore,
  args: { baseUrl?: string; maxPages?: number; json: boolean },
): Promise<void> {
  const useSandbox = !process.env.RAWG_API_KEY && !args.baseUrl;
  let sandbox: Sandbox | undefined;
  try {
    let api: ApiSettings;
    let maxPages = positiveInteger(args.maxPages, '--max-pages');
    if (useSandbox) {
      sandbox = await startSandbox({ games: DEFAULT_SANDBOX_GAMES });
      api = { baseUrl: sandbox.url, apiKey: 'sandbox' };
      notice(
        `No RAWG_API_KEY set: using the built-in sandbox API (${DEFAULT_SANDBOX_GAMES} synthetic games) at ${sandbox.url}.`,
        {
          api: sandbox.url,
          sandbox: true,
        },
      );
    } else {
      api = apiFrom(file, args);
      maxPages ??= DEFAULT_REAL_API_MAX_PAGES;
      notice(
        `Using the API at ${args.baseUrl || file.source.baseUrl}, fetching at most ${maxPages} pages this run (--max-pages to change).`,
        {
          api: args.baseUrl || file.source.baseUrl,
          maxPages,
        },
      );
    }
    // A lake bound to another API fails before work selection reads the lake.
    await checkLakeFor(store, api.baseUrl);
    // The sandbox gets a snapshot of every endpoint and yesterday's `updated` partitions, so one
    // run fills both loads; the real API gets the daily mix its budget allows.
    const work = [
      ...(await selectWork(file, { endpoints: 'all', mode: useSandbox ? 'snapshot' : 'daily' }, store)),
      ...(useSandbox ? await selectWork(file, { endpoints: 'all', mode: 'updated' }, store) : []),
    ];
    // Games' details (their companies) get their daily share, chosen by popularity from the lake's games.
    const items = await selectItemsWork(file, { endpoints: 'all', mode: 'daily' }, store);
    notice(`Lake: ${store.location}`, { lake: store.location });
    await runIngestCommand({ work, items, store, api, source: file.source, maxPages }, args.json);
  } finally {
    await sandbox?.close();
  }
}

/** The pipeline as one lineage run: the ingest, compact and transform runs it makes name it as their parent. */
export const pipelineCommand = asPipelineRun(eachStep, interruptSignal);
