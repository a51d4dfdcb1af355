import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { TransformError } from '../errors.js';
import type { BuildVerdict } from './built-from.js';
import { dbtLogPath, runDbt, type DbtEvent } from './dbt.js';
import { checkFreshness } from './freshness.js';
import { FRESHNESS_DAYS_ENV, freshnessDays } from './freshness-sources.js';
import { loadEndpoints } from '../config/load.js';
import type { DbtRunSettings } from './settings.js';
import { readBuildFailures } from './test-results.js';

/** Tests whose failure leaves nothing to report on: an empty lake builds empty marts. */
const FATAL_TESTS = new Set(['has_rows_stg_games']);

export interface GatedBuild {
  logPath: string;
  verdict: BuildVerdict;
}

/**
 * `dbt build`, then `dbt source freshness` on the partitions the build was given. A build whose
 * models were all made but whose tests failed is not a failure here: its verdict names the tests,
 * and the caller decides what that costs. Any other failure throws dbt's TransformError.
 */
export async function buildAndCheck(
  settings: DbtRunSettings,
  args: string[],
  options: { lakeListed: boolean; onEvent?: (event: DbtEvent) => void; signal?: AbortSignal },
): Promise<GatedBuild> {
  settings.env[FRESHNESS_DAYS_ENV] = freshnessDays(loadEndpoints().endpoints);
  const runResults = join(settings.targetPath, 'run_results.json');
  rmSync(runResults, { force: true });
  let logPath: string;
  let failedTests: string[] = [];
  let skippedModels: string[] = [];
  try {
    ({ logPath } = await runDbt('build', settings, { onEvent: options.onEvent, signal: options.signal, args }));
  } catch (error) {
    const failures = error instanceof TransformError ? readBuildFailures(runResults) : undefined;
    const onlyTests = failures && !failures.failedNodes.length && failures.failedTests.length && !failures.failedTests.some((name) => FATAL_TESTS.has(name));
    if (!onlyTests) throw error;
    ({ failedTests, skippedModels } = failures);
    logPath = dbtLogPath('build', settings);
  }
  // dbt words a stale source as an error; here it is part of the verdict, which says it once.
  const onFreshnessEvent = (event: DbtEvent) => options.onEvent?.(event.level === 'error' ? { ...event, level: 'warn' } : event);
  const freshness = options.lakeListed ? await checkFreshness(settings, { onEvent: onFreshnessEvent, signal: options.signal }) : undefined;
  return { logPath, verdict: { checkedAt: new Date().toISOString(), ...(freshness ? { freshness } : {}), failedTests, skippedModels } };
}
