import { TARGETS, transform, type Target } from '../transform/index.js';
import { ensureVenv } from '../transform/venv.js';
import { defineCommand } from './define.js';
import { InterruptedError, interruptSignal } from './interrupt.js';
import { notice } from '../log.js';
import { lakeCatalogue } from '../ingest/catalogue.js';
import { lakeFrom, endpointsFromEnv, pythonFromEnv, withLake, withWarehouse } from './options.js';
import { createTransformProgress } from './transform-progress.js';
import { notCurrentError, printVerdict } from './verdict-output.js';

/** What a stopped build leaves: dbt was stopped with its children, so nothing holds the warehouse. */
const REBUILD = 'dbt was stopped; the next gmp transform builds the warehouse again';

export const transformCommand = defineCommand({
  command: 'transform',
  describe: 'build the warehouse with dbt: dev (a DuckDB file over the lake) or prod (Snowflake)',
  builder: (yargs) =>
    withWarehouse(withLake(yargs), 'the dev DuckDB file')
      .option('target', {
        choices: TARGETS,
        default: 'dev' as Target,
        describe: 'dev: DuckDB reading the lake; prod: Snowflake over the external tables',
      })
      .option('full-refresh', {
        type: 'boolean',
        default: false,
        describe: 'rebuild every model from the whole lake, not only the partitions completed since the last build',
      })
      .option('setup-only', { type: 'boolean', default: false, describe: 'only make the dbt venv (.venv), then stop' }),
  handler: async (args) => {
    const signal = interruptSignal();
    const progress = createTransformProgress();
    if (args.setupOnly) {
      try {
        await ensureVenv((step) => progress.progress({ phase: 'setup', ...step }), signal, pythonFromEnv());
      } finally {
        progress.stop();
      }
      process.stdout.write('dbt venv ready\n');
      return;
    }
    const endpoints = endpointsFromEnv();
    const lake = lakeFrom(args);
    let built: Awaited<ReturnType<typeof transform>>;
    try {
      built = await transform({
        target: args.target,
        lakeUrl: args.lake,
        s3Endpoint: args.s3Endpoint,
        lake,
        endpoints,
        catalogue: () => lakeCatalogue(endpoints, lake),
        warehousePath: args.warehouse,
        env: process.env,
        python: pythonFromEnv(),
        fullRefresh: args.fullRefresh,
        onProgress: progress.progress,
        signal,
      });
    } catch (error) {
      throw error instanceof InterruptedError ? new InterruptedError(error.signal, REBUILD) : error;
    } finally {
      progress.stop();
    }
    if (built.built !== 'none') notice(`dbt's full log: ${built.logPath}`, { dbtLog: built.logPath });
    printVerdict(built.verdict);
    process.stdout.write(
      built.warehousePath ? `warehouse: ${built.warehousePath}\n` : 'warehouse: Snowflake, schema ANALYTICS\n',
    );
    const failed = notCurrentError(built.verdict, { staleFails: false });
    if (failed) throw failed;
  },
});
