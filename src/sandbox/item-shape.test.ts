import { describe, expect, it } from 'vitest';
import { ADDED_FIELD_VALUE, defaultItemShape, itemShapeSchema, reshapeItems } from './item-shape.js';

const items = [
  { id: 1, name: 'Portal', released: '2007-10-09', metacritic: 90, esrb_rating: { id: 3 } },
  { id: 2, name: 'Doom', released: null, metacritic: null, esrb_rating: null },
];

describe('sandbox item shape', () => {
  it('serves items as they are by default', () => {
    expect(reshapeItems(items, 'games', defaultItemShape)).toBe(items);
  });

  it('adds, drops and retypes fields of every endpoint, or of the one named', () => {
    const shape = {
      addFields: ['score'],
      dropFields: ['games:released', 'genres:name'],
      retypeFields: ['metacritic', 'name', 'esrb_rating'],
    };
    expect(reshapeItems(items, 'games', shape)).toEqual([
      { id: 1, name: 6, metacritic: '90', esrb_rating: '{"id":3}', score: ADDED_FIELD_VALUE },
      { id: 2, name: 4, metacritic: null, esrb_rating: null, score: ADDED_FIELD_VALUE },
    ]);
    expect(reshapeItems(items, 'genres', shape)[0]).toEqual({
      id: 1,
      released: '2007-10-09',
      metacritic: '90',
      esrb_rating: '{"id":3}',
      score: ADDED_FIELD_VALUE,
    });
    // The served items are copies: the catalogue's own stay as they are.
    expect(items[0]!.released).toBe('2007-10-09');
  });

  it('refuses a field that is not a name', () => {
    expect(itemShapeSchema.partial().safeParse({ dropFields: ['games:'] }).success).toBe(false);
    expect(itemShapeSchema.partial().safeParse({ addFields: ['a.b'] }).success).toBe(false);
  });
});
