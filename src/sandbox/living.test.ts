import { describe, expect, it } from 'vitest';
import { Catalogue } from './catalogue.js';
import { Companies } from './companies.js';
import { dayFromIso, isoFromDay } from './dates.js';
import { FilteredGames } from './filtered-games.js';
import { defaultLiving, LivingCatalogue } from './living.js';

const TODAY = '2026-12-07';
const GAMES = 1_200;

function setup(seed = 1) {
  const catalogue = new Catalogue(seed, TODAY);
  const companies = new Companies(catalogue);
  return {
    catalogue,
    living: new LivingCatalogue(catalogue, seed, companies),
    filtered: new FilteredGames(catalogue, companies),
  };
}

/** The games (positions) of a listing, all of it. */
const all = (listing: { count: number; slice(start: number, end: number): number[] }) =>
  listing.slice(0, listing.count);

describe('LivingCatalogue', () => {
  it('edits games at the rate per page answered: their `updated` moves to today, a count changes', () => {
    const { living, catalogue } = setup();
    for (let page = 0; page < 6; page++) living.tick({ ...defaultLiving, editRate: 0.5 }, GAMES);
    const { edited } = living.changes();
    expect(edited).toHaveLength(3);
    for (const id of edited) {
      const position = all(living.unfiltered(GAMES)).find((p) => catalogue.gameId(p) === id)!;
      const game = living.game(position);
      expect(game.updated.slice(0, 10)).toBe(TODAY);
      expect(game.ratings_count).toBe(catalogue.game(position).ratings_count + 1);
    }
  });

  it('is deterministic from the seed', () => {
    const run = (seed: number) => {
      const { living } = setup(seed);
      for (let page = 0; page < 10; page++)
        living.tick({ ...defaultLiving, editRate: 1, deleteRate: 0.5, addRate: 0.2 }, GAMES);
      return living.changes();
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it('answers an `updated` window as it stands now: games edited out leave it, later games shift up, the count follows', () => {
    const { living, filtered, catalogue } = setup();
    const day = dayFromIso(TODAY)!;
    const filter = { updated: { from: day - 400, to: day - 1 } };
    const before = all(filtered.select(filter, GAMES));
    for (let page = 0; page < 20; page++) living.tick({ ...defaultLiving, editRate: 1, deleteRate: 0.25 }, GAMES);
    const now = living.filtered(filtered.select(filter, GAMES), filter, GAMES);
    const { edited, deleted } = living.changes();
    const left = new Set([...edited, ...deleted]);
    const expected = before.filter((position) => !left.has(catalogue.gameId(position)));
    expect(before.length - expected.length).toBeGreaterThan(0);
    expect(now.count).toBe(expected.length);
    expect(all(now)).toEqual(expected);
    // Offsets are into the listing as it is: page 2 of 40 starts at the 41st game still in it.
    expect(now.slice(40, 80)).toEqual(expected.slice(40, 80));
  });

  it("puts games edited or added today into today's window, and deleted games nowhere", () => {
    const { living, filtered, catalogue } = setup();
    const day = dayFromIso(TODAY)!;
    for (let page = 0; page < 10; page++)
      living.tick({ ...defaultLiving, editRate: 1, deleteRate: 0.5, addRate: 0.5 }, GAMES);
    const today = { updated: { from: day, to: day } };
    const listing = living.filtered(filtered.select(today, GAMES), today, GAMES);
    const { edited, deleted, added } = living.changes();
    expect(
      all(listing)
        .map((position) => catalogue.gameId(position))
        .sort(),
    ).toEqual([...edited, ...added].sort());
    const served = living.served(GAMES);
    expect(served).toHaveLength(GAMES - deleted.length + added.length);
    const ids = new Set(served.map((game) => game.id));
    expect(deleted.some((id) => ids.has(id))).toBe(false);
    expect(added.every((id) => ids.has(id))).toBe(true);
    for (const game of served.filter((g) => added.includes(g.id)))
      expect(game.updated.slice(0, 10)).toBe(isoFromDay(day));
  });
});
