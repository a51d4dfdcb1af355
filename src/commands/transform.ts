import cliProgress from 'cli-progress';
import type { CommandModule } from 'yargs';
import { TARGETS, transform, type Target, type TransformProgress } from '../transform/index.js';
import { ensureVenv } from '../transform/venv.js';
import { barLayout, fitText } from './bar-layout.js';
import { showCursorOnExit } from './cursor.js';
import { InterruptedError, interruptSignal } from './interrupt.js';
import { notice, stderrLog } from './log.js';
import { withLake } from './options.js';

export interface TransformReporter {
  progress(progress: TransformProgress): void;
  stop(): void;
}

/** What a stopped build leaves: dbt was stopped with its children, so nothing holds the warehouse. */
const REBUILD = 'dbt was stopped; the next gmp transform builds the warehouse again';

/** dbt's events a log does without: each node's start (its result follows) and blank separators; dbt-build.log keeps them. */
const UNLOGGED_EVENTS = new Set(['LogStartLine', 'Formatting']);

/** " dbt build |", "| " and counts up to "9999/9999 ": what comes before the message. */
const RESERVED = 24;
const WIDEST_MESSAGE = 70;

/**
 * Shows the venv setup and dbt's build on stderr. On a terminal: one bar over dbt's nodes, then
 * dbt's errors in full. Otherwise: a JSON line per setup step and per dbt event.
 */
export function createTransformReporter(stream: NodeJS.WriteStream = process.stderr): TransformReporter {
  return stream.isTTY ? terminalReporter(stream) : jsonReporter();
}

function jsonReporter(): TransformReporter {
  const log = stderrLog();
  return {
    progress: (progress) => {
      if (progress.phase === 'setup') {
        // pip names every package it collects: on a log, the step lines are enough.
        if (progress.done !== undefined && progress.done > 0 && progress.done !== progress.total) return;
        log.info({ phase: 'setup', ...(progress.total ? { done: progress.done, total: progress.total } : {}) }, progress.message);
        return;
      }
      if (progress.level === 'debug' || UNLOGGED_EVENTS.has(progress.name)) return;
      const node = progress.node ? { done: progress.node.done, total: progress.node.total } : {};
      log[progress.level]({ phase: 'dbt', event: progress.name, ...node }, progress.message);
    },
    stop: () => undefined,
  };
}

function terminalReporter(stream: NodeJS.WriteStream): TransformReporter {
  const { barsize, labelWidth } = barLayout(stream.columns, WIDEST_MESSAGE, RESERVED);
  const bar = new cliProgress.SingleBar(
    { stream, format: ' {phase} |{bar}| {value}/{total} {message}', hideCursor: true, barsize, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let dropCursorHook: (() => void) | undefined;
  const failures: string[] = [];
  let value = 0;
  const show = (phase: string, message: string, done: number | undefined, total: number | undefined) => {
    const payload = { phase, message: fitText(message, labelWidth).trimEnd() };
    value = done ?? value;
    if (!dropCursorHook) {
      dropCursorHook = showCursorOnExit(stream);
      bar.start(total ?? 1, value, payload);
      return;
    }
    if (total) bar.setTotal(total);
    bar.update(value, payload);
  };
  return {
    progress: (progress) => {
      if (progress.phase === 'setup') {
        show('setup    ', progress.message, progress.done, progress.total);
        return;
      }
      if (progress.level === 'error') failures.push(progress.message);
      if (progress.node) show('dbt build', progress.node.summary, progress.node.done, progress.node.total);
    },
    stop: () => {
      if (!dropCursorHook) return;
      bar.stop();
      dropCursorHook();
      for (const failure of failures) stream.write(`${failure}\n`);
    },
  };
}

export const transformCommand: CommandModule = {
  command: 'transform',
  describe: 'build the warehouse with dbt: dev (a DuckDB file over the lake) or prod (Snowflake)',
  builder: (yargs) =>
    withLake(yargs)
      .option('target', { choices: TARGETS, default: 'dev' as Target, describe: 'dev: DuckDB reading the lake; prod: Snowflake over the external tables' })
      .option('warehouse', {
        type: 'string',
        describe: 'the dev DuckDB file [env WAREHOUSE_PATH]',
        default: process.env.WAREHOUSE_PATH,
        defaultDescription: './.warehouse/game_market.duckdb',
      })
      .option('full-refresh', { type: 'boolean', default: false, describe: 'rebuild every model from the whole lake, not only the partitions completed since the last build' })
      .option('setup-only', { type: 'boolean', default: false, describe: 'only make the dbt venv (.venv), then stop' }),
  handler: async (argv) => {
    const args = argv as unknown as { target: Target; lake: string; s3Endpoint?: string; warehouse?: string; fullRefresh: boolean; setupOnly: boolean };
    const signal = interruptSignal();
    const reporter = createTransformReporter();
    if (args.setupOnly) {
      try {
        await ensureVenv((progress) => reporter.progress({ phase: 'setup', ...progress }), signal);
      } finally {
        reporter.stop();
      }
      process.stdout.write('dbt venv ready\n');
      return;
    }
    let built: Awaited<ReturnType<typeof transform>>;
    try {
      built = await transform({ target: args.target, lakeUrl: args.lake, s3Endpoint: args.s3Endpoint, warehousePath: args.warehouse, fullRefresh: args.fullRefresh, onProgress: reporter.progress, signal });
    } catch (error) {
      throw error instanceof InterruptedError ? new InterruptedError(error.signal, REBUILD) : error;
    } finally {
      reporter.stop();
    }
    notice(`dbt's full log: ${built.logPath}`, { dbtLog: built.logPath });
    process.stdout.write(built.warehousePath ? `warehouse: ${built.warehousePath}\n` : 'warehouse: Snowflake, schema ANALYTICS\n');
  },
};
