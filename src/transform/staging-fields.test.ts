import { describe, expect, it } from 'vitest';
import { fieldReadsOf, stagingFieldReads, vanishedReads } from './staging-fields.js';

describe('item fields the staging models read', () => {
  it('are read from the dbt project: both macro styles, each with the endpoint of its base model', () => {
    const reads = stagingFieldReads();
    const of = (endpoint: string) => reads.filter((read) => read.endpoint === endpoint).map((read) => read.field);
    expect(of('games')).toEqual(
      expect.arrayContaining([
        'id',
        'released',
        'updated',
        'added_by_status.yet',
        'esrb_rating.id',
        'genres',
        'stores',
      ]),
    );
    expect(of('genres')).toEqual(['games_count', 'id', 'image_background', 'name', 'slug']);
    expect(reads.find((read) => read.field === 'released')?.model).toBe('stg_games');
    // stg_parent_platforms__platforms reads a staging model, not items.
    expect(reads.some((read) => read.model === 'stg_parent_platforms__platforms')).toBe(false);
  });

  it('a path deeper than item schemas go is read by its first two levels', () => {
    const sql = "select {{ json_int('item', 'a.b.c') }} from {{ ref('base_tags') }}";
    expect(fieldReadsOf('stg_tags', sql)).toEqual([{ endpoint: 'tags', field: 'a.b', model: 'stg_tags' }]);
  });

  it('a read field gone from any listing shape of its endpoint is vanished; a field gone that no model reads is not', () => {
    const reads = [
      { endpoint: 'games', field: 'released', model: 'stg_games' },
      { endpoint: 'games', field: 'name', model: 'stg_games' },
    ];
    const statuses = [
      { endpoint: 'games', filter: 'none', fields: 30, gone: [] },
      {
        endpoint: 'games',
        filter: 'updated',
        fields: 30,
        gone: [
          { field: 'released', since: 'D' },
          { field: 'clip', since: 'D' },
        ],
      },
      { endpoint: 'tags', filter: 'none', fields: 8, gone: [{ field: 'name', since: 'D' }] },
    ];
    expect(vanishedReads(statuses, reads)).toEqual([
      { endpoint: 'games', field: 'released', model: 'stg_games', since: 'D' },
    ]);
  });
});
