import { describe, expect, it } from 'vitest';
import {
  describeDrift,
  diffFields,
  FieldCensus,
  fieldList,
  MIN_EXPECTED_SIGHTINGS,
  type FieldSummary,
} from './item-fields.js';

const summarise = (...items: unknown[]): FieldSummary => {
  const census = new FieldCensus();
  census.add(items);
  return census.summary();
};

const game = (extra: Record<string, unknown> = {}) => ({
  id: 1,
  name: 'Portal',
  released: '2007-10-09',
  metacritic: null,
  esrb_rating: { id: 3, name: 'Teen' },
  platforms: [{ platform: { id: 4 }, released_at: '2007-10-09' }, { platform: { id: 1 } }],
  tags: [],
  ...extra,
});

describe('field summary', () => {
  it('names top-level fields and one level into objects and array items, with JSON types and the share of items carrying each', () => {
    const summary = summarise(game(), game({ metacritic: 90, esrb_rating: null }));
    expect(summary.items).toBe(2);
    expect(summary.fields).toEqual({
      esrb_rating: { types: ['object'], share: 1 },
      'esrb_rating.id': { types: ['number'], share: 0.5 },
      'esrb_rating.name': { types: ['string'], share: 0.5 },
      id: { types: ['number'], share: 1 },
      metacritic: { types: ['number'], share: 1 },
      name: { types: ['string'], share: 1 },
      platforms: { types: ['array'], share: 1 },
      'platforms[].platform': { types: ['object'], share: 1 },
      'platforms[].released_at': { types: ['string'], share: 1 },
      released: { types: ['string'], share: 1 },
      tags: { types: ['array'], share: 1 },
    });
    // Deeper than two levels is not summarised.
    expect(Object.keys(summary.fields).some((field) => field.startsWith('platforms[].platform.'))).toBe(false);
  });

  it('a field only ever null has no type; one sometimes null keeps its type', () => {
    expect(summarise({ clip: null }, { clip: null }).fields.clip).toEqual({ types: [], share: 1 });
    expect(summarise({ score: null }, { score: 3 }).fields.score).toEqual({ types: ['number'], share: 1 });
  });

  it('lists its fields and types flat, as a dataset schema', () => {
    expect(fieldList(summarise({ id: 1, clip: null, score: 2 }, { id: 2, clip: null, score: 'x' }))).toEqual([
      { name: 'clip', type: 'null' },
      { name: 'id', type: 'number' },
      { name: 'score', type: 'string|number' },
    ]);
  });

  it('counts pages added one after another as one census, and skips items that are not objects', () => {
    const census = new FieldCensus();
    census.add([game()]);
    census.add([game({ score: 1 }), null, 7]);
    expect(census.items).toBe(2);
    expect(census.summary().fields.score).toEqual({ types: ['number'], share: 0.5 });
  });
});

describe('field drift', () => {
  const many = (n: number, make: (i: number) => unknown) => summarise(...Array.from({ length: n }, (_, i) => make(i)));

  it('no change: no drift, and the summary kept', () => {
    const before = many(10, () => game());
    const { drift, next } = diffFields(
      before,
      many(10, () => game()),
    );
    expect(drift).toEqual({ added: [], removed: [], retyped: [] });
    expect(next.fields).toEqual(before.fields);
  });

  it('reports a new field, a vanished one and a retyped one', () => {
    const before = many(10, () => game());
    const now = many(10, () => {
      const { released: _, ...rest } = game({ metacritic: 'n/a', score: 1 });
      return rest;
    });
    const { drift, next } = diffFields(before, now);
    expect(drift.added).toEqual(['score']);
    expect(drift.removed).toEqual(['released']);
    expect(drift.retyped).toEqual([]); // metacritic was only null before: no type to change from
    expect(next.fields.released).toBeUndefined();
    expect(describeDrift(drift)).toBe('+score, -released');

    const retyped = diffFields(
      many(10, () => game({ metacritic: 90 })),
      many(10, () => game({ metacritic: '90' })),
    );
    expect(retyped.drift.retyped).toEqual([{ field: 'metacritic', from: ['number'], to: ['string'] }]);
    expect(retyped.next.fields.metacritic!.types).toEqual(['string']);
    expect(describeDrift(retyped.drift)).toBe('~metacritic number→string');
  });

  it('children of an array always empty, or an object always null, until now are recorded, not added', () => {
    const before = many(10, () => game({ tags: [], esrb_rating: null }));
    const { drift, next } = diffFields(
      before,
      many(10, () => game({ tags: [{ id: 1 }] })),
    );
    expect(drift).toEqual({ added: [], removed: [], retyped: [] });
    expect(next.fields['tags[].id']).toEqual({ types: ['number'], share: 1 });
    expect(next.fields['esrb_rating.id']).toEqual({ types: ['number'], share: 1 });
    // Once children were seen, a new one is news.
    expect(
      diffFields(
        next,
        many(10, () => game({ tags: [{ id: 1, slug: 'x' }] })),
      ).drift.added,
    ).toEqual(['tags[].slug']);
  });

  it('null is not a type change, nor a type the items seen now happen not to show', () => {
    const before = many(10, (i) => game({ metacritic: i % 2 ? 90 : 'tbd' }));
    const { drift, next } = diffFields(
      before,
      many(10, () => game({ metacritic: null })),
    );
    expect(drift).toEqual({ added: [], removed: [], retyped: [] });
    expect(next.fields.metacritic!.types).toEqual(['string', 'number']);
  });

  it('an optional field missing from too few items to tell is kept, not reported gone', () => {
    // Carried by one item in ten: 10 items now should show it once, not MIN_EXPECTED_SIGHTINGS times.
    const before = many(10, (i) => game(i === 0 ? { community_rating: 4 } : {}));
    const few = diffFields(
      before,
      many(10, () => game()),
    );
    expect(few.drift.removed).toEqual([]);
    expect(few.next.fields.community_rating).toEqual(before.fields.community_rating);
    // Enough items now that it would have shown: gone.
    const enough = diffFields(
      before,
      many(10 * MIN_EXPECTED_SIGHTINGS, () => game()),
    );
    expect(enough.drift.removed).toEqual(['community_rating']);
  });
});
