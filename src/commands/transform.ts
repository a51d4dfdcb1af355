import cliProgress from 'cli-progress';
import type { CommandModule } from 'yargs';
import { TARGETS, transform, type Target, type TransformProgress } from '../transform/index.js';
import { ensureVenv } from '../transform/venv.js';
import { withLake } from './options.js';

export interface TransformReporter {
  progress(progress: TransformProgress): void;
  stop(): void;
}

/**
 * Shows the venv setup and dbt's progress on stderr: a bar on a terminal, otherwise a line per
 * setup step and per finished dbt node (as dbt itself prints them).
 */
export function createTransformReporter(interactive = Boolean(process.stderr.isTTY)): TransformReporter {
  if (!interactive) {
    return {
      progress: (progress) => {
        const count = progress.total ? `${progress.done ?? 0}/${progress.total} ` : '';
        // pip names every package it collects: on a log, the step lines are enough.
        if (progress.phase === 'setup' && progress.done !== undefined && progress.done !== progress.total && progress.done > 0) return;
        process.stderr.write(`${progress.phase}: ${count}${progress.message}\n`);
      },
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: ' {phase} |{bar}| {value}/{total} {message}', hideCursor: true, barsize: 30, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let value = 0;
  return {
    progress: (progress) => {
      const payload = { phase: progress.phase === 'dbt' ? 'dbt build' : 'setup    ', message: progress.message.slice(0, 70) };
      value = progress.done ?? value;
      if (!started) {
        bar.start(progress.total ?? 1, value, payload);
        started = true;
        return;
      }
      if (progress.total) bar.setTotal(progress.total);
      bar.update(value, payload);
    },
    stop: () => {
      if (started) bar.stop();
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
      .option('setup-only', { type: 'boolean', default: false, describe: 'only make the dbt venv (.venv), then stop' }),
  handler: async (argv) => {
    const args = argv as unknown as { target: Target; lake: string; s3Endpoint?: string; warehouse?: string; setupOnly: boolean };
    const reporter = createTransformReporter();
    if (args.setupOnly) {
      try {
        await ensureVenv((progress) => reporter.progress({ phase: 'setup', ...progress }));
      } finally {
        reporter.stop();
      }
      process.stdout.write('dbt venv ready\n');
      return;
    }
    let warehousePath: string | undefined;
    try {
      ({ warehousePath } = await transform({
        target: args.target,
        lakeUrl: args.lake,
        s3Endpoint: args.s3Endpoint,
        warehousePath: args.warehouse,
        onProgress: reporter.progress,
      }));
    } finally {
      reporter.stop();
    }
    process.stdout.write(warehousePath ? `warehouse: ${warehousePath}\n` : 'warehouse: Snowflake, schema ANALYTICS\n');
  },
};
