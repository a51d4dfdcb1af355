/**
 * The list endpoints other than `/games`: their default page sizes, counts and items. Items of
 * fixed lists carry a sample of catalogue games that really have that genre, platform, store or
 * tag; company and person lists are generated from their index, like the games.
 */
import type { Catalogue, GameRef } from './catalogue.js';
import { hash32 } from './hash.js';
import type { Companies, CompanyKind } from './companies.js';
import { companyRef } from './game-detail.js';
import { personName } from './names.js';
import {
  CREATOR_ROLES,
  GENRES,
  mediaUrl,
  PARENT_PLATFORMS,
  PLATFORMS,
  PARENT_OF_PLATFORM,
  STORES,
  TAGS,
} from './reference-data.js';

export interface ListEndpoint {
  /** The endpoint's name in config/endpoints.json and in stats. */
  name: string;
  /** The API path under /api/. */
  path: string;
  /** What the real API serves when the request has no page_size. */
  defaultPageSize: number;
  /** The items at [start, end) of the list (end within its count) for a catalogue of `games` games. */
  items(start: number, end: number, games: number): unknown[];
}

const SAMPLE_SIZE = 6;
/** Samples come from the most-added games, as on RAWG; scanning deeper buys nothing. */
const SAMPLE_SCAN = 1_000;

type SampleKind = 'genre' | 'platform' | 'store' | 'tag';

/** For each genre, platform, store and tag id: the first games (by position) that carry it. */
function buildSamples(catalogue: Catalogue, games: number): Map<string, GameRef[]> {
  const samples = new Map<string, GameRef[]>();
  const add = (kind: SampleKind, id: number, ref: GameRef) => {
    const key = `${kind}:${id}`;
    const list = samples.get(key) ?? [];
    if (list.length < SAMPLE_SIZE) list.push(ref);
    samples.set(key, list);
  };
  for (let position = 0; position < Math.min(games, SAMPLE_SCAN); position++) {
    const game = catalogue.game(position);
    const ref = { id: game.id, slug: game.slug, name: game.name, added: game.added };
    for (const genre of game.genres) add('genre', genre.id, ref);
    for (const entry of game.platforms) add('platform', entry.platform.id, ref);
    for (const entry of game.stores) add('store', entry.store.id, ref);
    for (const tag of game.tags) add('tag', tag.id, ref);
  }
  return samples;
}

/** Up to six distinct catalogue games for a company or person, most-added first. */
function pickedGames(catalogue: Catalogue, kind: number, index: number, gamesCount: number, games: number): GameRef[] {
  const positions = new Set<number>();
  const wanted = Math.min(SAMPLE_SIZE, gamesCount, games);
  for (let k = 0; positions.size < wanted && k < wanted * 4; k++)
    positions.add(hash32(catalogue.seed, index * 64 + k, kind) % games);
  return [...positions].sort((a, b) => a - b).map((position) => catalogue.ref(position));
}

/** Many small companies, a few large ones. */
function skewedCount(kind: number, index: number, scale: number): number {
  const u = hash32(kind, index, 0xc0) / 0x1_0000_0000;
  return 1 + Math.floor(scale * u ** 6);
}

/**
 * The list endpoints the sandbox serves besides `/games`, one entry each. Long on purpose: a table
 * of endpoint definitions sharing one sample of the catalogue, read top to bottom like the API's docs.
 */
export function createListEndpoints(catalogue: Catalogue, companies: Companies): ListEndpoint[] {
  let samples: { games: number; byKey: Map<string, GameRef[]> } | undefined;
  const sample = (kind: SampleKind, id: number, games: number): GameRef[] => {
    const scanned = Math.min(games, SAMPLE_SCAN);
    if (!samples || samples.games !== scanned) samples = { games: scanned, byKey: buildSamples(catalogue, games) };
    return samples.byKey.get(`${kind}:${id}`) ?? [];
  };
  const fixed =
    <T>(items: readonly T[], map: (item: T, games: number) => unknown) =>
    (start: number, end: number, games: number) =>
      items.slice(start, end).map((item) => map(item, games));
  const generated = (map: (index: number, games: number) => unknown) => (start: number, end: number, games: number) => {
    const out: unknown[] = [];
    for (let index = start; index < end; index++) out.push(map(index, games));
    return out;
  };
  // A company's games_count and games are those the catalogue's games name (companies.ts).
  const company = (kind: CompanyKind) => (index: number, games: number) => {
    const index_ = companies.of(kind, games);
    return {
      ...companyRef(index_, index),
      games: [...index_.gamesOf(index).subarray(0, SAMPLE_SIZE)].map((position) => catalogue.ref(position)),
    };
  };

  return [
    {
      name: 'genres',
      path: 'genres',
      defaultPageSize: 40,
      items: fixed(GENRES, (genre, games) => ({ ...genre, games: sample('genre', genre.id, games) })),
    },
    {
      name: 'platforms',
      path: 'platforms',
      defaultPageSize: 50,
      items: fixed(PLATFORMS, (p, games) => ({
        id: p.id,
        name: p.name,
        slug: p.slug,
        games_count: p.games_count,
        image_background: p.image_background,
        image: p.image,
        year_start: p.year_start,
        year_end: p.year_end,
        games: sample('platform', p.id, games),
      })),
    },
    {
      name: 'parent_platforms',
      path: 'platforms/lists/parents',
      defaultPageSize: 10,
      items: fixed(PARENT_PLATFORMS, (parent) => ({
        ...parent,
        platforms: PLATFORMS.filter((p) => PARENT_OF_PLATFORM.get(p.id) === parent).map((p) => ({
          id: p.id,
          name: p.name,
          slug: p.slug,
          games_count: p.games_count,
          image_background: p.image_background,
          image: p.image,
          year_start: p.year_start,
          year_end: p.year_end,
        })),
      })),
    },
    {
      name: 'stores',
      path: 'stores',
      defaultPageSize: 20,
      items: fixed(STORES, (s, games) => ({
        id: s.id,
        name: s.name,
        domain: s.domain,
        slug: s.slug,
        games_count: s.games_count,
        image_background: s.image_background,
        games: sample('store', s.id, games),
      })),
    },
    {
      name: 'publishers',
      path: 'publishers',
      defaultPageSize: 10,
      items: generated(company('publishers')),
    },
    {
      name: 'developers',
      path: 'developers',
      defaultPageSize: 10,
      items: generated(company('developers')),
    },
    {
      name: 'tags',
      path: 'tags',
      defaultPageSize: 10,
      items: fixed(TAGS, (t, games) => ({
        id: t.id,
        name: t.name,
        slug: t.slug,
        games_count: t.games_count,
        image_background: t.image_background,
        language: t.language,
        games: sample('tag', t.id, games),
      })),
    },
    {
      name: 'creators',
      path: 'creators',
      defaultPageSize: 10,
      items: generated((index, games) => {
        const id = 600_000 + index;
        const gamesCount = skewedCount(7, index, 300);
        const roles = hash32(7, index, 0x901e);
        const first = CREATOR_ROLES[roles % CREATOR_ROLES.length]!;
        const second = CREATOR_ROLES[(roles >>> 8) % CREATOR_ROLES.length]!;
        return {
          id,
          ...personName(index),
          image: roles % 10 < 7 ? mediaUrl('persons', 7, id) : null,
          image_background: mediaUrl('games', 8, id),
          games_count: gamesCount,
          positions: roles % 3 === 0 && second !== first ? [first, second] : [first],
          games: pickedGames(catalogue, 7, index, gamesCount, games),
        };
      }),
    },
    {
      name: 'creator_roles',
      path: 'creator-roles',
      defaultPageSize: 10,
      items: fixed(CREATOR_ROLES, (role) => role),
    },
  ];
}
