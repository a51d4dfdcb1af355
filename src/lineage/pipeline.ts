import { lineage, LineageRun, withParentRun } from './emitter.js';

export const PIPELINE_JOB = 'pipeline';

/**
 * Runs the pipeline's steps as one lineage run: each step's run (ingest, compact, transform)
 * names it as its parent, so a lineage tool shows them as one pipeline run. ABORT when `signal`
 * stopped it, FAIL when it threw.
 */
export async function inPipelineRun<T>(signal: AbortSignal, steps: () => Promise<T>): Promise<T> {
  const emitter = lineage();
  if (!emitter.enabled) return steps();
  const run = new LineageRun(emitter, PIPELINE_JOB);
  await run.start();
  try {
    const result = await withParentRun(run, steps);
    await run.complete();
    return result;
  } catch (error) {
    await run.stopped(error, signal);
    throw error;
  }
}

/** A command whose handler runs as one pipeline run (`inPipelineRun`): its steps' runs name it as their parent. */
export function asPipelineRun<C extends { handler?: (args: never) => void | Promise<void> }>(
  command: C,
  signal: () => AbortSignal,
): C {
  const handler = command.handler!;
  return { ...command, handler: (args: never) => inPipelineRun(signal(), async () => handler(args)) };
}
