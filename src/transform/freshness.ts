import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TransformError } from '../errors.js';
import { FRESHNESS_SOURCE } from './freshness-sources.js';
import type { DbtRunSettings } from './settings.js';
import type { EndpointFreshness } from '../warehouse/verdict.js';

/** One result of dbt's sources.json, as far as it is read here. */
interface SourceResult {
  unique_id?: string;
  status?: string;
  max_loaded_at?: string | null;
  max_loaded_at_time_ago_in_s?: number | null;
  criteria?: { warn_after?: { count?: number | null }; error_after?: { count?: number | null } };
}

const DAY_S = 86_400;

/**
 * What dbt reports as max_loaded_at when the table is empty ("infinitely long ago": 0001-01-01,
 * 739,000 days old): the endpoint has no closed partition, which is no date at all.
 */
const NO_DATE_YEAR = '0001-';

/** What `dbt source freshness` checks: the freshness sources, one table per endpoint over the lake_partitions model. */
export const FRESHNESS_ARGS = ['--select', `source:${FRESHNESS_SOURCE}`];

/**
 * The verdict per endpoint of the `dbt source freshness` that ran after the build. dbt exits 1
 * when a source passed its error threshold: that is a verdict, not a failure; only a check that
 * wrote no results is one.
 */
export function readFreshness(settings: DbtRunSettings): EndpointFreshness[] {
  const resultsPath = join(settings.targetPath, 'sources.json');
  const results = readResults(resultsPath);
  if (!results) throw new TransformError(`dbt source freshness wrote no ${resultsPath}`);
  return freshnessFromResults(results);
}

/** sources.json's results as endpoint verdicts, sorted by endpoint. */
export function freshnessFromResults(results: readonly SourceResult[]): EndpointFreshness[] {
  const prefix = `.${FRESHNESS_SOURCE}.`;
  return results
    .filter((result) => result.unique_id?.includes(prefix))
    .map((result) => {
      const endpoint = result.unique_id!.slice(result.unique_id!.indexOf(prefix) + prefix.length);
      const newestDate =
        result.max_loaded_at && !result.max_loaded_at.startsWith(NO_DATE_YEAR)
          ? result.max_loaded_at.slice(0, 10)
          : null;
      const ago = result.max_loaded_at_time_ago_in_s;
      return {
        endpoint,
        newestDate,
        ageDays: newestDate && typeof ago === 'number' ? Math.floor(ago / DAY_S) : null,
        // A runtime error here is an endpoint with no closed partition: max() found no date.
        status: result.status === 'pass' ? 'fresh' : result.status === 'warn' ? 'warn' : 'error',
        warnAfterDays: result.criteria?.warn_after?.count ?? 0,
        errorAfterDays: result.criteria?.error_after?.count ?? 0,
      } satisfies EndpointFreshness;
    })
    .sort((a, b) => a.endpoint.localeCompare(b.endpoint));
}

function readResults(path: string): SourceResult[] | undefined {
  try {
    const { results } = JSON.parse(readFileSync(path, 'utf8')) as { results?: unknown };
    return Array.isArray(results) ? (results as SourceResult[]) : undefined;
  } catch {
    return undefined;
  }
}
