import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writing lake page files by hand, shaped as docs/rawg-api.md describes the API's pages, for the
 * cases a sandbox catalogue does not produce on demand (an updated partition that changes a game,
 * items with every awkward null).
 */

export type Load = 'snapshot' | 'updated';

export interface PageEnvelope {
  count: number;
  next: string | null;
  previous: string | null;
  results: unknown[];
  [extra: string]: unknown;
}

/** The partition folder of a local lake: raw/{endpoint}/load=.../date=.../ */
export function partitionDir(lakeDir: string, endpoint: string, load: Load, date: string): string {
  return join(lakeDir, 'raw', endpoint, `load=${load}`, `date=${date}`);
}

/** Writes one page file, and optionally the partition's manifest and _SUCCESS marker. */
export function writePage(
  lakeDir: string,
  where: { endpoint: string; load: Load; date: string; page?: number; complete?: boolean },
  envelope: PageEnvelope,
): string {
  const dir = partitionDir(lakeDir, where.endpoint, where.load, where.date);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `page=${String(where.page ?? 1).padStart(5, '0')}.json`);
  writeFileSync(path, JSON.stringify(envelope));
  if (where.complete) {
    writeFileSync(join(dir, '_manifest.json'), JSON.stringify({ pages: 1, count: envelope.count }));
    writeFileSync(
      join(dir, '_SUCCESS'),
      JSON.stringify({ pages: 1, count: envelope.count, runId: 'test', completedAt: `${where.date}T23:59:59Z` }),
    );
  }
  return path;
}

/** A single-page envelope around `results`. */
export function onePage(results: unknown[], extra: Record<string, unknown> = {}): PageEnvelope {
  return { count: results.length, next: null, previous: null, results, ...extra };
}

type Named = { id: number; name: string; slug: string };

/**
 * A `/games` item in the thinner filtered shape (what `updated=` windows return): nested
 * objects carry only id, name and slug, plus `score: null`.
 */
export function thinGame(game: {
  id: number;
  name: string;
  slug?: string;
  released: string | null;
  updated: string;
  rating: number;
  ratingsCount: number;
  added: number;
  metacritic: number | null;
  genres: Named[];
  platforms: Named[];
  parentPlatforms?: Named[];
  stores?: Named[];
  tags?: (Named & { language: string; games_count?: number; image_background?: string })[];
  esrb?: (Named & { name_en: string; name_ru: string }) | null;
  addedByStatus?: Record<string, number> | null;
}): Record<string, unknown> {
  return {
    slug: game.slug ?? `game-${game.id}`,
    name: game.name,
    playtime: 3,
    platforms: game.platforms.map((platform) => ({ platform })),
    stores: (game.stores ?? []).map((store) => ({ store })),
    released: game.released,
    tba: false,
    background_image: null,
    rating: game.rating,
    rating_top: 5,
    ratings: [],
    ratings_count: game.ratingsCount,
    reviews_text_count: 0,
    added: game.added,
    added_by_status: game.addedByStatus ?? null,
    metacritic: game.metacritic,
    suggestions_count: 0,
    updated: game.updated,
    id: game.id,
    score: null,
    clip: null,
    tags: game.tags ?? [],
    esrb_rating: game.esrb ?? null,
    user_game: null,
    reviews_count: game.ratingsCount,
    saturated_color: '0f0f0f',
    dominant_color: '0f0f0f',
    short_screenshots: [],
    parent_platforms: (game.parentPlatforms ?? []).map((platform) => ({ platform })),
    genres: game.genres,
  };
}
