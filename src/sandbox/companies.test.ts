import { describe, expect, it } from 'vitest';
import { Catalogue } from './catalogue.js';
import { CompanyIndex } from './companies.js';
import { gameDetail } from './game-detail.js';
import { positionOfSlug } from './names.js';

const TODAY = '2026-12-07';
const GAMES = 20_000;
const catalogue = new Catalogue(3, TODAY);
const publishers = new CompanyIndex(catalogue, 'publishers', GAMES);
const developers = new CompanyIndex(catalogue, 'developers', GAMES);

describe('sandbox companies', () => {
  it('lists each company with exactly the games whose detail names it, in added order', () => {
    for (const index of [publishers, developers]) {
      let slots = 0;
      for (let position = 0; position < GAMES; position++) {
        for (const company of index.of(position)) {
          if (!index.gamesOf(company).includes(position))
            expect.fail(`company ${company} does not list position ${position}`);
          slots++;
        }
      }
      let listed = 0;
      for (let company = 0; company < index.count; company++) {
        const games = index.gamesOf(company);
        if (games.some((position, i) => i > 0 && position <= games[i - 1]!))
          expect.fail(`company ${company} is not in added order`);
        expect(index.size(company)).toBe(games.length);
        listed += games.length;
      }
      expect(listed).toBe(slots);
    }
  });

  it('has a few large companies and a long tail, and popular games from large companies', () => {
    const sizes = Array.from({ length: publishers.count }, (_, company) => publishers.size(company)).sort(
      (a, b) => b - a,
    );
    expect(sizes[0]!).toBeGreaterThan(20 * sizes[Math.floor(sizes.length / 2)]!);
    expect(sizes.filter((size) => size === 1).length).toBeGreaterThan(publishers.count / 20);
    const meanSize = (from: number, to: number) => {
      const named = [];
      for (let position = from; position < to; position++)
        for (const company of publishers.of(position)) named.push(publishers.size(company));
      return named.reduce((sum, size) => sum + size, 0) / named.length;
    };
    expect(meanSize(0, 500)).toBeGreaterThan(1.5 * meanSize(GAMES - 5_000, GAMES));
  });

  it('gives the detail the list fields, the detail fields and the companies, deterministically', () => {
    const position = 42;
    const detail = gameDetail(3, catalogue.game(position), position, { publishers, developers });
    expect(detail).toMatchObject({ id: catalogue.gameId(position), name_original: catalogue.game(position).name });
    for (const field of [
      'description',
      'description_raw',
      'website',
      'metacritic_platforms',
      'playtime',
      'additions_count',
      'game_series_count',
      'esrb_rating',
    ]) {
      expect(detail).toHaveProperty(field);
    }
    expect((detail.publishers as { id: number }[]).map((p) => p.id)).toEqual(
      publishers.of(position).map((index) => publishers.idOf(index)),
    );
    expect((detail.developers as { games_count: number }[]).map((d) => d.games_count)).toEqual(
      developers.of(position).map((index) => developers.size(index)),
    );
    expect(JSON.stringify(gameDetail(3, catalogue.game(position), position, { publishers, developers }))).toBe(
      JSON.stringify(detail),
    );
  });

  it('finds a game by its slug', () => {
    for (const position of [0, 1, 777, 19_999, 900_000])
      expect(positionOfSlug(3, catalogue.ref(position).slug)).toBe(position);
    expect(positionOfSlug(3, 'no-such-game')).toBeUndefined();
  });
});
