import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBuildFailures } from './test-results.js';

function runResults(results: { unique_id: string; status: string }[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'gmp-run-results-')), 'run_results.json');
  writeFileSync(path, JSON.stringify({ results }));
  return path;
}

describe('readBuildFailures', () => {
  it('names failed data and unit tests without their hash, and the models dbt skipped after them', () => {
    const path = runResults([
      { unique_id: 'model.game_market.stg_games', status: 'success' },
      { unique_id: 'test.game_market.accepted_range_stg_games_rating__5__0.1a2b3c4d5e', status: 'fail' },
      { unique_id: 'test.game_market.not_null_stg_games_game_id.9f8e7d6c5b', status: 'pass' },
      { unique_id: 'unit_test.game_market.int_tag_details_from_games.keeps_newest', status: 'fail' },
      { unique_id: 'model.game_market.dim_games', status: 'skipped' },
      { unique_id: 'test.game_market.has_rows_stg_games_.0a1b2c3d4e', status: 'fail' },
    ]);
    expect(readBuildFailures(path)).toEqual({
      failedTests: [
        'accepted_range_stg_games_rating__5__0',
        'has_rows_stg_games',
        'int_tag_details_from_games.keeps_newest',
      ],
      failedNodes: [],
      skippedModels: ['dim_games'],
    });
  });

  it('tells a model that errored from failed tests, and gives nothing when dbt wrote no results', () => {
    expect(
      readBuildFailures(runResults([{ unique_id: 'model.game_market.base_games', status: 'error' }]))?.failedNodes,
    ).toEqual(['base_games']);
    expect(readBuildFailures(join(tmpdir(), 'no-such-dir', 'run_results.json'))).toBeUndefined();
  });
});
