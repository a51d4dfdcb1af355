/**
 * The pipeline's steps, declared once and in order: ingest (the shards `gmp plan --json` prints),
 * compact, transform, and for a dev build the report. Every runner executes this list rather than
 * spelling its own: `gmp pipeline` in process, the Dagger module from what `gmp steps --json`
 * prints, the Step Functions state machine from the file `gmp generate` writes from it
 * (infra/modules/state-machine/steps.tf.json), and pipeline.yml, whose calls a test holds to it.
 */
import type { Target } from './transform/settings.js';

export const STEP_NAMES = ['ingest', 'compact', 'transform', 'report'] as const;
export type StepName = (typeof STEP_NAMES)[number];

export interface PipelineStep {
  name: StepName;
  /** What to run after `gmp`; null for ingest, whose commands are the shards of `gmp plan --json`. */
  args: string[] | null;
}

export function pipelineSteps(target: Target): PipelineStep[] {
  const steps: PipelineStep[] = [
    { name: 'ingest', args: null },
    // Closed partitions become Parquet before dbt reads them, so the build reads the parts.
    { name: 'compact', args: ['compact', '--json'] },
    { name: 'transform', args: ['transform', '--target', target] },
  ];
  // The report reads the DuckDB file a dev build leaves; a prod build's marts are in Snowflake.
  if (target === 'dev') steps.push({ name: 'report', args: ['report'] });
  return steps;
}
