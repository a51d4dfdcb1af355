import { readFileSync } from 'node:fs';

/** What a `dbt build` that exited non-zero left behind, from its run_results.json. */
export interface BuildFailures {
  /** Data and unit tests that failed or could not run, by name (e.g. unique_dim_games_game_id). */
  failedTests: string[];
  /** Models, seeds or snapshots that errored: the warehouse is not built. */
  failedNodes: string[];
  /** Models dbt skipped because something upstream failed: they keep their last build's rows. */
  skippedModels: string[];
}

interface NodeResult {
  unique_id?: string;
  status?: string;
}

const TEST_KINDS = new Set(['test', 'unit_test']);

/** The build's failures; undefined when dbt wrote no results (it stopped before running nodes). */
export function readBuildFailures(runResultsPath: string): BuildFailures | undefined {
  let results: unknown;
  try {
    ({ results } = JSON.parse(readFileSync(runResultsPath, 'utf8')) as { results?: unknown });
  } catch {
    return undefined;
  }
  if (!Array.isArray(results)) return undefined;
  const failures: BuildFailures = { failedTests: [], failedNodes: [], skippedModels: [] };
  for (const { unique_id: id = '', status } of results as NodeResult[]) {
    const [kind = '', , ...name] = id.split('.');
    if (TEST_KINDS.has(kind)) {
      if (status === 'fail' || status === 'error') failures.failedTests.push(testName(kind, name));
    } else if (status === 'error') {
      failures.failedNodes.push(name.join('.'));
    } else if (status === 'skipped' && kind === 'model') {
      failures.skippedModels.push(name.join('.'));
    }
  }
  for (const list of Object.values(failures)) list.sort();
  return failures;
}

/** A generic data test's id ends in a hash (and its name in "_" when it takes no argument); a unit test is named after its model. */
function testName(kind: string, name: string[]): string {
  return kind === 'test' && name.length > 1 ? name.slice(0, -1).join('.').replace(/_+$/, '') : name.join('.');
}
