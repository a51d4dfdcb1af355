import cliProgress from 'cli-progress';
import type { TransformProgress } from '../transform/index.js';
import { barLayout, fitText } from './bar-layout.js';
import { showCursorOnExit } from './cursor.js';
import { stderrLog } from '../log.js';

export interface TransformProgressDisplay {
  progress(progress: TransformProgress): void;
  stop(): void;
}

/** dbt's events a log does without: each node's start (its result follows) and blank separators; dbt-build.log keeps them. */
const UNLOGGED_EVENTS = new Set(['LogStartLine', 'Formatting']);

/** " dbt build |", "| " and counts up to "9999/9999 ": what comes before the message. */
const RESERVED = 24;
const WIDEST_MESSAGE = 70;

/**
 * Shows the build's plan, the venv setup and dbt's build on stderr. On a terminal: the plan's
 * line, one bar over dbt's nodes, then dbt's errors in full. Otherwise: a JSON line for the plan,
 * per setup step and per dbt event.
 */
export function createTransformProgress(stream: NodeJS.WriteStream = process.stderr): TransformProgressDisplay {
  return stream.isTTY ? terminalProgress(stream) : jsonProgress();
}

function jsonProgress(): TransformProgressDisplay {
  const log = stderrLog();
  return {
    progress: (progress) => {
      if (progress.phase === 'plan') {
        log.info({ phase: 'plan', build: progress.build }, progress.message);
        return;
      }
      if (progress.phase === 'setup') {
        // pip names every package it collects: on a log, the step lines are enough.
        if (progress.done !== undefined && progress.done > 0 && progress.done !== progress.total) return;
        log.info(
          { phase: 'setup', ...(progress.total ? { done: progress.done, total: progress.total } : {}) },
          progress.message,
        );
        return;
      }
      if (progress.level === 'debug' || UNLOGGED_EVENTS.has(progress.name)) return;
      const node = progress.node ? { done: progress.node.done, total: progress.node.total } : {};
      log[progress.level]({ phase: 'dbt', event: progress.name, ...node }, progress.message);
    },
    stop: () => undefined,
  };
}

function terminalProgress(stream: NodeJS.WriteStream): TransformProgressDisplay {
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
      if (progress.phase === 'plan') {
        // Before the bar: the plan is decided before the venv or dbt starts.
        stream.write(`${progress.message}\n`);
        return;
      }
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
