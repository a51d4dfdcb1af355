/** The two shapes of a `/games` item the sandbox serves, as documented for the real API. */
import type { Genre, ParentPlatform, Platform, Store, Tag } from './reference-data.js';

export interface RatingShare {
  id: 5 | 4 | 3 | 1;
  title: 'exceptional' | 'recommended' | 'meh' | 'skip';
  count: number;
  percent: number;
}

export type AddedByStatus = Partial<Record<'yet' | 'owned' | 'beaten' | 'toplay' | 'dropped' | 'playing', number>>;

export interface GamePlatform {
  platform: Platform;
  released_at: string | null;
  requirements_en: { minimum: string; recommended: string } | null;
  requirements_ru: null;
}

export interface Screenshot {
  id: number;
  image: string;
}

/** An item of unfiltered `/games`. */
export interface FullGame {
  id: number;
  slug: string;
  name: string;
  released: string | null;
  tba: boolean;
  background_image: string | null;
  rating: number;
  rating_top: number;
  ratings: RatingShare[];
  ratings_count: number;
  reviews_text_count: number;
  added: number;
  added_by_status: AddedByStatus | null;
  metacritic: number | null;
  playtime: number;
  suggestions_count: number;
  updated: string;
  user_game: null;
  reviews_count: number;
  community_rating?: number;
  saturated_color: string;
  dominant_color: string;
  platforms: GamePlatform[];
  parent_platforms: { platform: ParentPlatform }[];
  genres: Genre[];
  stores: { id: number; store: Store }[];
  clip: null;
  tags: Tag[];
  esrb_rating: { id: number; name: string; slug: string } | null;
  short_screenshots: Screenshot[];
}

type Named = { id: number; name: string; slug: string };

/** An item of filtered `/games` (e.g. `updated=`): thinner nested objects and a `score`. */
export interface FilteredGame {
  slug: string;
  name: string;
  playtime: number;
  platforms: { platform: Named }[];
  stores: { store: Named }[];
  released: string | null;
  tba: boolean;
  background_image: string | null;
  rating: number;
  rating_top: number;
  ratings: RatingShare[];
  ratings_count: number;
  reviews_text_count: number;
  added: number;
  added_by_status: AddedByStatus | null;
  metacritic: number | null;
  suggestions_count: number;
  updated: string;
  id: number;
  score: null;
  clip: null;
  tags: Tag[];
  esrb_rating: (Named & { name_en: string; name_ru: string }) | null;
  user_game: null;
  reviews_count: number;
  community_rating?: number;
  saturated_color: string;
  dominant_color: string;
  short_screenshots: Screenshot[];
  parent_platforms: { platform: ParentPlatform }[];
  genres: Named[];
}
