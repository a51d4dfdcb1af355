import { describe, expect, it } from 'vitest';
import type { BuildVerdict } from '../warehouse/build-record.js';
import { notCurrentError, recentDrift } from './verdict-output.js';

const change = (at: string) => ({ at, runId: 'r', added: ['franchise'], removed: [], retyped: [] });
const verdict: BuildVerdict = {
  checkedAt: '2026-12-10T06:00:00.000Z',
  failedTests: [],
  skippedModels: [],
  itemSchemas: [
    { endpoint: 'games', filter: 'none', fields: 60, lastChange: change('2026-12-04T06:00:00.000Z'), gone: [] },
    { endpoint: 'tags', filter: 'none', fields: 8, lastChange: change('2026-12-02T06:00:00.000Z'), gone: [] },
    { endpoint: 'genres', filter: 'none', fields: 8, gone: [] },
  ],
};

describe('the verdict on item fields', () => {
  it('names a change for a week after it happened', () => {
    expect(recentDrift(verdict).map((shape) => shape.endpoint)).toEqual(['games']);
  });

  it('fails in one line naming a vanished field the models read, and only then', () => {
    expect(notCurrentError(verdict, { staleFails: true })).toBeUndefined();
    const vanished = {
      ...verdict,
      vanishedFields: [{ endpoint: 'games', field: 'released', model: 'stg_games', since: '2026-12-04T06:00:00.000Z' }],
    };
    expect(notCurrentError(vanished, { staleFails: false })?.message).toBe(
      "the warehouse is not current: item fields the models read are gone from the API's items: games.released (read by stg_games, gone since 2026-12-04); gmp report shows it at the top",
    );
  });
});
