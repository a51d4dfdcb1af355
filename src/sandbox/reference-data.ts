/**
 * The fixed lists the synthetic games draw from: genres, platforms, parent platforms, stores,
 * tags, ESRB ratings and creator roles. Names, slugs and ids look like RAWG's and never change,
 * so a genre nested in a game is the same object as the item the `genres` endpoint lists.
 * `games_count` is the size of the notional full catalogue (about 900,000 games), not of the
 * sandbox's, and doubles as the weight with which games pick the item. Items are frozen: one
 * object is shared by every game that carries it.
 */
import { hash32, Rng } from './hash.js';
import { slugify } from './slug.js';

/** RAWG's media host, so image URLs have the real shape (the files do not exist). */
const MEDIA = 'https://media.rawg.io/media';

/** A stable fake image URL for a reference item, e.g. a genre's background picture. */
export function mediaUrl(folder: string, kind: number, id: number): string {
  const rng = new Rng(hash32(kind, id, 0x3ed1a));
  const hex = rng.hex32();
  return `${MEDIA}/${folder}/${hex.slice(0, 3)}/${hex}.jpg`;
}

export interface Genre {
  id: number;
  name: string;
  slug: string;
  games_count: number;
  image_background: string;
}

export interface Platform {
  id: number;
  name: string;
  slug: string;
  image: null;
  year_end: number | null;
  year_start: number | null;
  games_count: number;
  image_background: string;
}

export interface ParentPlatform {
  id: number;
  name: string;
  slug: string;
}

export interface Store {
  id: number;
  name: string;
  slug: string;
  domain: string | null;
  games_count: number;
  image_background: string;
}

export interface Tag {
  id: number;
  name: string;
  slug: string;
  language: 'eng' | 'rus';
  games_count: number;
  image_background: string;
}

export interface EsrbRating {
  id: number;
  name: string;
  slug: string;
  name_en: string;
  name_ru: string;
  weight: number;
}

export interface CreatorRole {
  id: number;
  name: string;
  slug: string;
}

const GENRE_ROWS: [number, string, string, number][] = [
  [4, 'Action', 'action', 182_000],
  [51, 'Indie', 'indie', 65_000],
  [3, 'Adventure', 'adventure', 140_000],
  [5, 'RPG', 'role-playing-games-rpg', 58_000],
  [10, 'Strategy', 'strategy', 55_000],
  [2, 'Shooter', 'shooter', 60_000],
  [40, 'Casual', 'casual', 66_000],
  [14, 'Simulation', 'simulation', 69_000],
  [7, 'Puzzle', 'puzzle', 99_000],
  [11, 'Arcade', 'arcade', 23_000],
  [83, 'Platformer', 'platformer', 104_000],
  [59, 'Massively Multiplayer', 'massively-multiplayer', 3_400],
  [1, 'Racing', 'racing', 25_000],
  [15, 'Sports', 'sports', 21_000],
  [6, 'Fighting', 'fighting', 12_000],
  [19, 'Family', 'family', 5_500],
  [28, 'Board Games', 'board-games', 8_300],
  [34, 'Educational', 'educational', 15_500],
  [17, 'Card', 'card', 4_500],
];

export const GENRES: readonly Genre[] = GENRE_ROWS.map(([id, name, slug, games_count]) =>
  Object.freeze({ id, name, slug, games_count, image_background: mediaUrl('games', 1, id) }),
);

export const PARENT_PLATFORMS: readonly ParentPlatform[] = [
  { id: 1, name: 'PC', slug: 'pc' },
  { id: 2, name: 'PlayStation', slug: 'playstation' },
  { id: 3, name: 'Xbox', slug: 'xbox' },
  { id: 4, name: 'iOS', slug: 'ios' },
  { id: 8, name: 'Android', slug: 'android' },
  { id: 5, name: 'Apple Macintosh', slug: 'mac' },
  { id: 6, name: 'Linux', slug: 'linux' },
  { id: 7, name: 'Nintendo', slug: 'nintendo' },
  { id: 9, name: 'Atari', slug: 'atari' },
  { id: 10, name: 'Commodore / Amiga', slug: 'commodore-amiga' },
  { id: 11, name: 'SEGA', slug: 'sega' },
  { id: 12, name: '3DO', slug: '3do' },
  { id: 13, name: 'Neo Geo', slug: 'neo-geo' },
  { id: 14, name: 'Web', slug: 'web' },
].map((parent) => Object.freeze(parent));

/** id, name, slug, parent id, first year, last year, games_count. */
const PLATFORM_ROWS: [number, string, string, number, number | null, number | null, number][] = [
  [4, 'PC', 'pc', 1, null, null, 540_000],
  [187, 'PlayStation 5', 'playstation5', 2, 2020, null, 1_100],
  [18, 'PlayStation 4', 'playstation4', 2, 2013, null, 6_800],
  [1, 'Xbox One', 'xbox-one', 3, 2013, null, 5_600],
  [186, 'Xbox Series S/X', 'xbox-series-x', 3, 2020, null, 1_000],
  [7, 'Nintendo Switch', 'nintendo-switch', 7, 2017, null, 5_600],
  [3, 'iOS', 'ios', 4, 2008, null, 77_000],
  [21, 'Android', 'android', 8, 2009, null, 52_000],
  [8, 'Nintendo 3DS', 'nintendo-3ds', 7, 2011, 2020, 1_600],
  [9, 'Nintendo DS', 'nintendo-ds', 7, 2004, 2013, 2_400],
  [13, 'Nintendo DSi', 'nintendo-dsi', 7, 2008, 2014, 50],
  [5, 'macOS', 'macos', 5, 2001, null, 107_000],
  [6, 'Linux', 'linux', 6, null, null, 80_000],
  [14, 'Xbox 360', 'xbox360', 3, 2005, 2016, 2_800],
  [80, 'Xbox', 'xbox-old', 3, 2001, 2009, 900],
  [16, 'PlayStation 3', 'playstation3', 2, 2006, 2017, 3_200],
  [15, 'PlayStation 2', 'playstation2', 2, 2000, 2013, 2_000],
  [27, 'PlayStation', 'playstation1', 2, 1994, 2006, 1_500],
  [19, 'PS Vita', 'ps-vita', 2, 2011, 2019, 1_400],
  [17, 'PSP', 'psp', 2, 2004, 2014, 1_000],
  [10, 'Wii U', 'wii-u', 7, 2012, 2017, 1_100],
  [11, 'Wii', 'wii', 7, 2006, 2013, 2_200],
  [105, 'GameCube', 'gamecube', 7, 2001, 2007, 630],
  [83, 'Nintendo 64', 'nintendo-64', 7, 1996, 2002, 380],
  [24, 'Game Boy Advance', 'game-boy-advance', 7, 2001, 2008, 950],
  [43, 'Game Boy Color', 'game-boy-color', 7, 1998, 2003, 420],
  [26, 'Game Boy', 'game-boy', 7, 1989, 2003, 600],
  [79, 'SNES', 'snes', 7, 1990, 1999, 970],
  [49, 'NES', 'nes', 7, 1983, 1995, 970],
  [55, 'Classic Macintosh', 'macintosh', 5, 1984, 2001, 640],
  [41, 'Apple II', 'apple-ii', 5, 1977, 1993, 430],
  [166, 'Commodore / Amiga', 'commodore-amiga', 10, 1982, 1996, 2_100],
  [28, 'Atari 7800', 'atari-7800', 9, 1986, 1992, 60],
  [31, 'Atari 5200', 'atari-5200', 9, 1982, 1984, 65],
  [23, 'Atari 2600', 'atari-2600', 9, 1977, 1992, 300],
  [22, 'Atari Flashback', 'atari-flashback', 9, 2004, null, 30],
  [25, 'Atari 8-bit', 'atari-8-bit', 9, 1979, 1992, 300],
  [34, 'Atari ST', 'atari-st', 9, 1985, 1993, 830],
  [46, 'Atari Lynx', 'atari-lynx', 9, 1989, 1995, 55],
  [50, 'Atari XEGS', 'atari-xegs', 9, 1987, 1992, 22],
  [112, 'Jaguar', 'jaguar', 9, 1993, 1996, 40],
  [167, 'Genesis', 'genesis', 11, 1988, 1997, 850],
  [107, 'SEGA Saturn', 'sega-saturn', 11, 1994, 2000, 360],
  [119, 'SEGA CD', 'sega-cd', 11, 1991, 1996, 160],
  [117, 'SEGA 32X', 'sega-32x', 11, 1994, 1996, 45],
  [74, 'SEGA Master System', 'sega-master-system', 11, 1985, 1996, 250],
  [106, 'Dreamcast', 'dreamcast', 11, 1998, 2001, 350],
  [77, 'Game Gear', 'game-gear', 11, 1990, 1997, 220],
  [111, '3DO', '3do', 12, 1993, 1996, 100],
  [12, 'Neo Geo', 'neogeo', 13, 1990, 2004, 110],
  [171, 'Web', 'web', 14, null, null, 250_000],
];

export const PLATFORMS: readonly Platform[] = PLATFORM_ROWS.map(
  ([id, name, slug, , year_start, year_end, games_count]) =>
    Object.freeze({
      id,
      name,
      slug,
      image: null,
      year_end,
      year_start,
      games_count,
      image_background: mediaUrl('games', 2, id),
    }),
);

/** The parent of each platform id (PlayStation 4 -> PlayStation). */
export const PARENT_OF_PLATFORM: ReadonlyMap<number, ParentPlatform> = new Map(
  PLATFORM_ROWS.map(([id, , , parentId]) => [id, PARENT_PLATFORMS.find((parent) => parent.id === parentId)!]),
);

const STORE_ROWS: [number, string, string, string, number][] = [
  [1, 'Steam', 'steam', 'store.steampowered.com', 100_000],
  [3, 'PlayStation Store', 'playstation-store', 'store.playstation.com', 7_900],
  [2, 'Xbox Store', 'xbox-store', 'microsoft.com', 4_800],
  [4, 'App Store', 'apple-appstore', 'apps.apple.com', 75_000],
  [5, 'GOG', 'gog', 'gog.com', 6_400],
  [6, 'Nintendo Store', 'nintendo', 'nintendo.com', 9_000],
  [7, 'Xbox 360 Store', 'xbox360', 'marketplace.xbox.com', 1_900],
  [8, 'Google Play', 'google-play', 'play.google.com', 17_000],
  [9, 'itch.io', 'itch', 'itch.io', 650_000],
  [11, 'Epic Games', 'epic-games', 'epicgames.com', 1_500],
];

export const STORES: readonly Store[] = STORE_ROWS.map(([id, name, slug, domain, games_count]) =>
  Object.freeze({ id, name, slug, domain, games_count, image_background: mediaUrl('games', 3, id) }),
);

/** Where a game on a platform is sold, with the chance that it is listed there. */
export const STORE_CHANCES_BY_PLATFORM: ReadonlyMap<number, readonly [storeId: number, chance: number][]> = new Map([
  [
    4,
    [
      [1, 0.75],
      [5, 0.15],
      [11, 0.08],
      [9, 0.2],
    ],
  ],
  [
    5,
    [
      [1, 0.5],
      [4, 0.3],
      [5, 0.05],
    ],
  ],
  [
    6,
    [
      [1, 0.6],
      [5, 0.05],
      [9, 0.2],
    ],
  ],
  [3, [[4, 0.95]]],
  [21, [[8, 0.9]]],
  [187, [[3, 0.8]]],
  [18, [[3, 0.8]]],
  [16, [[3, 0.6]]],
  [19, [[3, 0.6]]],
  [17, [[3, 0.4]]],
  [1, [[2, 0.8]]],
  [186, [[2, 0.8]]],
  [14, [[7, 0.6]]],
  [7, [[6, 0.75]]],
  [8, [[6, 0.6]]],
  [10, [[6, 0.6]]],
  [171, [[9, 0.3]]],
]);

/** id, name, games_count; a few Russian tags too, as RAWG has (their slugs are transliterated). */
const TAG_ROWS: [number, string, number, string?][] = [
  [31, 'Singleplayer', 230_000],
  [40847, 'Steam Achievements', 42_000],
  [7, 'Multiplayer', 41_000],
  [40836, 'Full controller support', 20_000],
  [13, 'Atmospheric', 35_000],
  [40849, 'Steam Cloud', 19_000],
  [42, 'Great Soundtrack', 4_500],
  [24, 'RPG', 22_000],
  [18, 'Co-op', 11_000],
  [36, 'Open World', 7_800],
  [411, 'cooperative', 5_200],
  [8, 'First-Person', 33_000],
  [149, 'Third Person', 11_000],
  [4, 'Funny', 26_000],
  [32, 'Sci-fi', 19_000],
  [64, 'Fantasy', 30_000],
  [16, 'Horror', 47_000],
  [30, 'FPS', 13_000],
  [9, 'Online Co-Op', 5_300],
  [26, 'Exploration', 22_000],
  [45, '2D', 220_000],
  [49, 'Difficult', 42_000],
  [118, 'Story Rich', 21_000],
  [37, 'Sandbox', 7_400],
  [123, 'Comedy', 13_000],
  [150, 'Third-Person Shooter', 3_200],
  [79, 'Free to Play', 6_400],
  [69, 'Action-Adventure', 16_000],
  [193, 'Classic', 17_000],
  [115, 'Controller', 12_000],
  [1, 'Survival', 9_600],
  [40845, 'Partial Controller Support', 12_000],
  [62, 'Moddable', 900],
  [97, 'Action RPG', 7_100],
  [34, 'Violent', 11_000],
  [40, 'Dark', 16_000],
  [15, 'Stealth', 6_400],
  [122, 'Pixel Graphics', 110_000],
  [3, 'Tactical', 8_100],
  [6, 'Exclusive', 4_700],
  [468, 'role-playing', 2_300],
  [25, 'Space', 28_000],
  [80, 'Tactical Shooter', 1_900],
  [11, 'Team-Based', 3_400],
  [17, 'Survival Horror', 8_300],
  [43, 'Post-apocalyptic', 5_900],
  [74, 'Retro', 56_000],
  [78, 'Physics', 21_000],
  [82, 'Magic', 12_000],
  [89, 'Historical', 4_400],
  [110, 'Cute', 52_000],
  [111, 'Short', 54_000],
  [113, 'Side Scroller', 15_000],
  [114, 'Physics-Based', 2_000],
  [119, 'Dungeon Crawler', 9_200],
  [134, 'Anime', 14_000],
  [141, 'Psychological Horror', 11_000],
  [145, 'Choices Matter', 6_900],
  [165, 'Colorful', 62_000],
  [189, 'Female Protagonist', 21_000],
  [190, 'Local Multiplayer', 9_800],
  [226, "Shoot 'Em Up", 20_000],
  [235, 'Puzzle-Platformer', 8_400],
  [248, 'Roguelike', 11_000],
  [249, 'Roguelite', 7_300],
  [262, 'Turn-Based', 12_000],
  [268, 'Point & Click', 17_000],
  [279, 'Zombies', 9_400],
  [311, 'Strategy', 15_000],
  [397, 'Online multiplayer', 7_000],
  [413, 'online', 5_300],
  [423, 'Kids', 4_800],
  [571, '3D', 98_000],
  [580, 'Souls-like', 1_700],
  [639, 'Metroidvania', 3_500],
  [744, 'friends', 17_000],
  [1465, 'combat', 16_000],
  [1484, 'skill', 19_000],
  [2181, 'Realistic', 12_000],
  [3068, 'Visual Novel', 11_000],
  [4565, 'offline', 8_200],
  [5816, 'console', 4_700],
  [6755, 'Card Game', 3_900],
  [7808, 'steam-trading-cards', 15_000],
  [8224, 'Racing', 6_300],
  [13912, 'Crafting', 5_400],
  [16001, 'Management', 4_300],
  [17325, 'Farming Sim', 1_500],
  [40832, 'Cross-Platform Multiplayer', 1_100],
  [40833, 'Captions available', 6_100],
  [40837, 'In-App Purchases', 4_900],
  [40838, 'Includes level editor', 2_000],
  [40850, 'Steam Leaderboards', 12_000],
  [40852, 'Steam Workshop', 2_200],
  [40856, 'Valve Anti-Cheat enabled', 100],
  [42396, 'Для одного игрока', 32_000, 'dlia-odnogo-igroka'],
  [42417, 'Экшен', 30_000, 'ekshen'],
  [42392, 'Приключение', 26_000, 'prikliuchenie'],
  [42398, 'Инди', 23_000, 'indi'],
  [42425, 'Для нескольких игроков', 7_300, 'dlia-neskolkikh-igrokov'],
  [42400, 'Атмосфера', 5_600, 'atmosfera'],
  [42401, 'Отличный саундтрек', 4_400, 'otlichnyi-saundtrek'],
  [42412, 'Ролевая игра', 13_000, 'rolevaia-igra'],
];

export const TAGS: readonly Tag[] = TAG_ROWS.map(([id, name, games_count, transliterated]) =>
  Object.freeze({
    id,
    name,
    slug: transliterated ?? slugify(name),
    language: transliterated ? ('rus' as const) : ('eng' as const),
    games_count,
    image_background: mediaUrl('games', 4, id),
  }),
);

export const ESRB_RATINGS: readonly EsrbRating[] = [
  { id: 1, name: 'Everyone', slug: 'everyone', name_en: 'Everyone', name_ru: 'Для всех', weight: 30 },
  { id: 2, name: 'Everyone 10+', slug: 'everyone-10-plus', name_en: 'Everyone 10+', name_ru: 'С 10 лет', weight: 12 },
  { id: 3, name: 'Teen', slug: 'teen', name_en: 'Teen', name_ru: 'С 13 лет', weight: 28 },
  { id: 4, name: 'Mature', slug: 'mature', name_en: 'Mature', name_ru: 'С 17 лет', weight: 25 },
  {
    id: 5,
    name: 'Adults Only',
    slug: 'adults-only',
    name_en: 'Adults Only',
    name_ru: 'Только для взрослых',
    weight: 1,
  },
  {
    id: 6,
    name: 'Rating Pending',
    slug: 'rating-pending',
    name_en: 'Rating Pending',
    name_ru: 'Рейтинг ожидается',
    weight: 4,
  },
];

export const CREATOR_ROLES: readonly CreatorRole[] = [
  'writer',
  'director',
  'composer',
  'producer',
  'programmer',
  'game designer',
  'artist',
  'animator',
  'sound designer',
  'level designer',
  'voice actor',
  'localizer',
].map((name, index) => Object.freeze({ id: index + 1, name, slug: slugify(name) }));
