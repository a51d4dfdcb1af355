import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { TransformError } from '../errors.js';
import type { BuildVerdict } from '../warehouse/build-record.js';
import { dbtLogPath, runDbtBuildThenFreshness, type DbtEvent } from './dbt.js';
import { FRESHNESS_ARGS, readFreshness } from './freshness.js';
import type { DbtRunSettings } from './settings.js';
import { readBuildFailures } from './test-results.js';

/** dbt's parse, then its build, each start by naming dbt's version (MainReportVersion); the freshness check follows. */
const COMMANDS_BEFORE_FRESHNESS = 2;

/** Tests whose failure leaves nothing to report on: an empty lake builds empty marts. */
const FATAL_TESTS = new Set(['has_rows_stg_games']);

export interface GatedBuild {
  logPath: string;
  verdict: BuildVerdict;
}

/**
 * `dbt build`, then `dbt source freshness` on the partitions the build was given, in one dbt
 * process (one parse). Unit tests are left out: they test the models' SQL, not the data, and run
 * in `make test` (test/warehouse/dbt-unit-tests.test.ts), as dbt advises for production builds. A build whose
 * models were all made but whose tests failed is not a failure here: its verdict names the tests,
 * and the caller decides what that costs. Any other failure throws dbt's TransformError.
 */
export async function buildAndCheck(
  settings: DbtRunSettings,
  args: string[],
  options: { lakeListed: boolean; onEvent?: (event: DbtEvent) => void; signal?: AbortSignal },
): Promise<GatedBuild> {
  const runResults = join(settings.targetPath, 'run_results.json');
  rmSync(runResults, { force: true });
  rmSync(join(settings.targetPath, 'sources.json'), { force: true });
  let logPath: string;
  let failedTests: string[] = [];
  let skippedModels: string[] = [];
  // dbt words a stale source as an error; here it is part of the verdict, which says it once.
  // The freshness check's events are those after it started, the third dbt command of the run.
  let commandsStarted = 0;
  const onEvent = (event: DbtEvent) => {
    if (event.name === 'MainReportVersion') commandsStarted += 1;
    const checkingFreshness = commandsStarted > COMMANDS_BEFORE_FRESHNESS;
    options.onEvent?.(checkingFreshness && event.level === 'error' ? { ...event, level: 'warn' } : event);
  };
  const buildArgs = [...args, '--exclude-resource-type', 'unit_test'];
  try {
    ({ logPath } = await runDbtBuildThenFreshness(
      settings,
      buildArgs,
      options.lakeListed ? FRESHNESS_ARGS : undefined,
      { onEvent, signal: options.signal },
    ));
  } catch (error) {
    const failures = error instanceof TransformError ? readBuildFailures(runResults) : undefined;
    const onlyTests =
      failures &&
      !failures.failedNodes.length &&
      failures.failedTests.length &&
      !failures.failedTests.some((name) => FATAL_TESTS.has(name));
    if (!onlyTests) throw error;
    ({ failedTests, skippedModels } = failures);
    logPath = dbtLogPath('build', settings);
  }
  const freshness = options.lakeListed ? readFreshness(settings) : undefined;
  return {
    logPath,
    verdict: { checkedAt: new Date().toISOString(), ...(freshness ? { freshness } : {}), failedTests, skippedModels },
  };
}
