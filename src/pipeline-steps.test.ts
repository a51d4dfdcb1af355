import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pipelineSteps, STATE_MACHINE_STEPS_URL, stateMachineStepsFile, STEP_NAMES } from './pipeline-steps.js';

describe('the pipeline steps', () => {
  it('ingest, compact, transform, then the report from the DuckDB file a dev build leaves', () => {
    expect(pipelineSteps('dev')).toEqual([
      { name: 'ingest', args: null },
      { name: 'compact', args: ['compact', '--json'] },
      { name: 'transform', args: ['transform', '--target', 'dev'] },
      { name: 'report', args: ['report'] },
    ]);
  });

  it('ends a prod run with the Snowflake build: there is no DuckDB file to report from', () => {
    expect(pipelineSteps('prod').map((step) => step.name)).toEqual(['ingest', 'compact', 'transform']);
    expect(pipelineSteps('prod').at(-1)?.args).toEqual(['transform', '--target', 'prod']);
  });

  it("runs each step but ingest as the gmp command of its name, in STEP_NAMES' order", () => {
    for (const target of ['dev', 'prod'] as const) {
      const steps = pipelineSteps(target);
      for (const step of steps.slice(1)) expect(step.args?.[0]).toBe(step.name);
      const order = steps.map((step) => STEP_NAMES.indexOf(step.name));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
  });
});

describe("the state machine's copy of the steps", () => {
  it('is committed as generated from the definition (run `gmp generate`)', () => {
    expect(readFileSync(STATE_MACHINE_STEPS_URL, 'utf8')).toBe(stateMachineStepsFile());
  });

  it("holds a prod run's steps in order, ingest's args null", () => {
    expect(stateMachineStepsFile()).toContain(
      [
        '    { name = "ingest", args = null },',
        '    { name = "compact", args = ["compact", "--json"] },',
        '    { name = "transform", args = ["transform", "--target", "prod"] },',
      ].join('\n'),
    );
  });
});
