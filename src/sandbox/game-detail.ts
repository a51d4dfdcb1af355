/**
 * One game's detail page (`/games/{id}`), as RAWG serves it: every field of the list item, the
 * detail-only fields (description, website, Metacritic per platform, counts of child lists,
 * Reddit), each store with its `url`, and the game's `developers` and `publishers`. The detail
 * fields are drawn from their own hash stream, so they never shift a list field.
 */
import type { FullGame } from './game-shape.js';
import { hash32, Rng } from './hash.js';
import { mediaUrl } from './reference-data.js';
import { companyName, DEVELOPER_SUFFIXES, PUBLISHER_SUFFIXES } from './names.js';
import type { CompanyIndex, CompanyKind } from './companies.js';

const DETAIL_SALT = 23;

/** A company as a game's detail names it. */
export interface CompanyRef {
  id: number;
  name: string;
  slug: string;
  games_count: number;
  image_background: string;
}

const SUFFIXES: Readonly<Record<CompanyKind, readonly string[]>> = {
  publishers: PUBLISHER_SUFFIXES,
  developers: DEVELOPER_SUFFIXES,
};
/** The media folder salt of each kind, as the companies' listings use. */
const MEDIA_KIND: Readonly<Record<CompanyKind, number>> = { publishers: 5, developers: 6 };

/** A company of the index as listings and details show it. */
export function companyRef(companies: CompanyIndex, index: number): CompanyRef {
  const id = companies.idOf(index);
  return {
    id,
    ...companyName(index, SUFFIXES[companies.kind]),
    games_count: companies.size(index),
    image_background: mediaUrl('games', MEDIA_KIND[companies.kind], id),
  };
}

export function gameDetail(
  seed: number,
  game: FullGame,
  position: number,
  companies: { publishers: CompanyIndex; developers: CompanyIndex },
): Record<string, unknown> {
  const rng = new Rng(hash32(seed, position, DETAIL_SALT));
  const metacriticPlatforms =
    game.metacritic === null
      ? []
      : game.platforms.slice(0, 1 + rng.int(2)).map((entry) => ({
          metascore: Math.max(20, Math.min(99, game.metacritic! + rng.int(9) - 4)),
          url: `https://www.metacritic.com/game/${entry.platform.slug}/${game.slug}`,
          platform: { platform: entry.platform.id, name: entry.platform.name, slug: entry.platform.slug },
        }));
  const reddit = rng.chance(0.2);
  const text = `${game.name} is a game of ${game.genres.map((genre) => genre.name).join(', ') || 'no listed genre'}.`;
  const refs = (kind: CompanyKind) => companies[kind].of(position).map((index) => companyRef(companies[kind], index));
  return {
    ...game,
    name_original: game.name,
    alternative_names: rng.chance(0.1) ? [`${game.name} (JP)`] : [],
    description: `<p>${text}</p>`,
    description_raw: text,
    website: rng.chance(0.6) ? `https://www.${game.slug}.example` : '',
    metacritic_platforms: metacriticPlatforms,
    metacritic_url: metacriticPlatforms[0]?.url ?? '',
    background_image_additional: game.background_image === null ? null : mediaUrl('screenshots', 9, game.id),
    reactions: {},
    screenshots_count: Math.max(0, game.short_screenshots.length - 1),
    movies_count: rng.int(3),
    creators_count: rng.int(12),
    achievements_count: rng.chance(0.3) ? rng.int(80) : 0,
    parent_achievements_count: 0,
    parents_count: rng.chance(0.05) ? 1 : 0,
    additions_count: rng.chance(0.1) ? 1 + rng.int(5) : 0,
    game_series_count: rng.chance(0.2) ? 1 + rng.int(10) : 0,
    reddit_url: reddit ? `https://www.reddit.com/r/${game.slug.replace(/-/g, '')}/` : '',
    reddit_name: reddit ? game.name : '',
    reddit_description: '',
    reddit_logo: '',
    reddit_count: reddit ? rng.int(500) : 0,
    twitch_count: rng.int(40),
    youtube_count: rng.int(1_000_000),
    stores: game.stores.map((entry) => ({ ...entry, url: `https://${entry.store.domain}/app/${game.id}` })),
    developers: refs('developers'),
    publishers: refs('publishers'),
  };
}
