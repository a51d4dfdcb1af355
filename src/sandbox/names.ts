/**
 * Names for synthetic games, companies and people. Game names are unique within a seed: the
 * position goes through a seeded bijection onto the combinations of the word lists, so no two
 * positions (below GAME_NAME_CAPACITY) share a name or a slug.
 */
import { hash32 } from './hash.js';
import { slugify } from './slug.js';

const LEADS = ['', 'The ', 'Super ', 'Legend of ', 'Return to ', 'Tales of ', 'Project ', 'Rise of ', 'Beyond ', 'Escape from '];

const ADJECTIVES = [
  'Crimson', 'Silent', 'Hollow', 'Iron', 'Neon', 'Lost', 'Frozen', 'Burning', 'Eternal', 'Broken',
  'Hidden', 'Savage', 'Golden', 'Shattered', 'Wild', 'Dark', 'Bright', 'Ancient', 'Forgotten', 'Electric',
  'Cosmic', 'Little', 'Final', 'Endless', 'Sunken', 'Rusty', 'Velvet', 'Scarlet', 'Quiet', 'Restless',
  'Distant', 'Stellar', 'Midnight', 'Crystal', 'Radiant', 'Feral', 'Grim', 'Lucky', 'Tiny', 'Mighty',
  'Hyper', 'Pixel', 'Arcane', 'Blazing', 'Stormy', 'Emerald', 'Obsidian', 'Ivory', 'Paper', 'Clockwork',
  'Phantom', 'Royal', 'Rogue', 'Wandering', 'Sleeping', 'Howling', 'Twisted', 'Sacred', 'Northern', 'Infinite',
];

const NOUNS = [
  'Kingdom', 'Harbor', 'Frontier', 'Legion', 'Horizon', 'Empire', 'Odyssey', 'Citadel', 'Garden', 'Dungeon',
  'Colony', 'Station', 'Galaxy', 'Forest', 'Voyage', 'Outpost', 'Realm', 'Tower', 'Island', 'Arena',
  'Circuit', 'Desert', 'Engine', 'Archive', 'Signal', 'Sanctuary', 'Labyrinth', 'Crown', 'Blade', 'Protocol',
  'Rebellion', 'Orbit', 'Harvest', 'Knight', 'Dragon', 'Samurai', 'Pirates', 'Racers', 'Tactics', 'Heroes',
  'Shadows', 'Echoes', 'Ruins', 'Valley', 'Abyss', 'Machine', 'Paradise', 'Mansion', 'Carnival', 'District',
  'Expedition', 'Dynasty', 'Spire', 'Reactor', 'Wasteland', 'Lighthouse', 'Reef', 'Highway', 'Bastion', 'Tide',
  'Express', 'Academy', 'Covenant', 'Mirage', 'Tundra', 'Voltage', 'Frontline', 'Skies', 'Depths', 'Wardens',
];

const TAILS = [
  '', ' II', ' III', ' 2', ' 3', ' 4', ': Remastered', ': Origins', ' Deluxe', ' Online', ' VR', ' Chronicles',
  ' Zero', ' Rebirth', ' Legends', ': Definitive Edition', ' HD', ' 64', ' Reloaded', ' Unleashed', ' Redux',
  ' Saga', ' Simulator', ": Director's Cut",
];

/** How many distinct game names exist; the catalogue is never larger. */
export const GAME_NAME_CAPACITY = LEADS.length * ADJECTIVES.length * NOUNS.length * TAILS.length;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function scramblerCoefficients(seed: number): { a: number; b: number } {
  let a = 1 + 2 * (hash32(seed, 0, 0x6a3e) % 400_000);
  while (gcd(a, GAME_NAME_CAPACITY) !== 1) a += 2;
  return { a, b: hash32(seed, 1, 0x6a3e) % GAME_NAME_CAPACITY };
}

/** The seeded bijection position -> combination index: index = (a * position + b) mod capacity. */
export function nameScrambler(seed: number): (position: number) => number {
  const { a, b } = scramblerCoefficients(seed);
  // a * position stays below 2^53 for every position below the capacity.
  return (position) => (a * position + b) % GAME_NAME_CAPACITY;
}

/** Slugs of the parts, so a game's slug is joined, not computed (leads and tails carry their dash). */
const LEAD_SLUGS = LEADS.map((lead) => (lead ? `${slugify(lead)}-` : ''));
const ADJECTIVE_SLUGS = ADJECTIVES.map(slugify);
const NOUN_SLUGS = NOUNS.map(slugify);
const TAIL_SLUGS = TAILS.map((tail) => (tail ? `-${slugify(tail)}` : ''));

export function gameName(combination: number): { name: string; slug: string } {
  const tail = combination % TAILS.length;
  let rest = Math.floor(combination / TAILS.length);
  const noun = rest % NOUNS.length;
  rest = Math.floor(rest / NOUNS.length);
  const adjective = rest % ADJECTIVES.length;
  const lead = Math.floor(rest / ADJECTIVES.length);
  return {
    name: `${LEADS[lead]}${ADJECTIVES[adjective]} ${NOUNS[noun]}${TAILS[tail]}`,
    slug: `${LEAD_SLUGS[lead]}${ADJECTIVE_SLUGS[adjective]}-${NOUN_SLUGS[noun]}${TAIL_SLUGS[tail]}`,
  };
}

/** The position whose game has this slug (whatever the catalogue's size), or undefined when no position has it. */
export function positionOfSlug(seed: number, slug: string): number | undefined {
  const combination = combinationOfSlug(slug);
  if (combination === undefined) return undefined;
  const { a, b } = scramblerCoefficients(seed);
  // position = a^-1 * (combination - b) mod capacity, in BigInt: the product passes 2^53.
  const capacity = BigInt(GAME_NAME_CAPACITY);
  const inverse = modularInverse(BigInt(a), capacity);
  return Number((((BigInt(combination - b) % capacity) + capacity) * inverse) % capacity);
}

function modularInverse(value: bigint, modulus: bigint): bigint {
  let [r0, r1, t0, t1] = [modulus, value % modulus, 0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  return ((t0 % modulus) + modulus) % modulus;
}

/** The combination index of a game slug, found by trying each lead and tail around `adjective-noun`. */
function combinationOfSlug(slug: string): number | undefined {
  for (let lead = 0; lead < LEAD_SLUGS.length; lead++) {
    if (!slug.startsWith(LEAD_SLUGS[lead]!)) continue;
    for (let tail = 0; tail < TAIL_SLUGS.length; tail++) {
      if (!slug.endsWith(TAIL_SLUGS[tail]!)) continue;
      const middle = slug.slice(LEAD_SLUGS[lead]!.length, slug.length - TAIL_SLUGS[tail]!.length);
      const dash = middle.indexOf('-');
      const adjective = ADJECTIVE_SLUGS.indexOf(middle.slice(0, dash));
      const noun = NOUN_SLUGS.indexOf(middle.slice(dash + 1));
      if (dash < 0 || adjective < 0 || noun < 0) continue;
      return ((lead * ADJECTIVES.length + adjective) * NOUNS.length + noun) * TAILS.length + tail;
    }
  }
  return undefined;
}

const COMPANY_FIRST = [
  'Red', 'Blue', 'Iron', 'Silver', 'Golden', 'Northern', 'Atomic', 'Lunar', 'Solar', 'Crystal',
  'Pixel', 'Quantum', 'Electric', 'Hidden', 'Wild', 'Clever', 'Brave', 'Nimble', 'Copper', 'Black',
  'White', 'Green', 'Amber', 'Cobalt', 'Coral', 'Polar', 'Rapid', 'Twin', 'Happy', 'Lucky',
  'Stone', 'Velvet', 'Neon', 'Retro', 'Digital', 'Cyber', 'Mystic', 'Royal', 'Urban', 'Ember',
  'Frost', 'Thunder', 'Shadow', 'Bright', 'Deep', 'Paper', 'Tiny', 'Giant', 'Humble', 'Crooked',
];

const COMPANY_SECOND = [
  'Owl', 'Fox', 'Wolf', 'Bear', 'Raven', 'Tiger', 'Dragon', 'Lion', 'Falcon', 'Badger',
  'Otter', 'Whale', 'Moose', 'Panda', 'Phoenix', 'Hammer', 'Anvil', 'Lantern', 'Compass', 'Anchor',
  'Rocket', 'Comet', 'Forge', 'Mill', 'Harbor', 'Summit', 'Canyon', 'River', 'Pine', 'Oak',
  'Maple', 'Cactus', 'Tortoise', 'Hare', 'Kraken', 'Beetle', 'Heron', 'Lynx', 'Mantis', 'Koala',
];

export const PUBLISHER_SUFFIXES = [
  'Publishing', 'Entertainment', 'Interactive', 'Games', 'Digital', 'Media',
  'Group', 'Studios', 'Ltd.', 'Inc.', 'Corporation', 'Network',
];

export const DEVELOPER_SUFFIXES = [
  'Studios', 'Games', 'Software', 'Labs', 'Works', 'Team',
  'Productions', 'Softworks', 'Interactive', 'Entertainment', 'Collective', 'Workshop',
];

/**
 * The name of the index-th company: word combinations first, then the same combinations
 * numbered ("Red Owl Games 2"), so names stay unique however many companies there are.
 */
export function companyName(index: number, suffixes: readonly string[]): { name: string; slug: string } {
  const combinations = COMPANY_FIRST.length * COMPANY_SECOND.length * suffixes.length;
  // A fixed stride spreads neighbouring indexes over different words.
  const combination = (index * 7919) % combinations;
  const round = Math.floor(index / combinations);
  const first = COMPANY_FIRST[combination % COMPANY_FIRST.length]!;
  const second = COMPANY_SECOND[Math.floor(combination / COMPANY_FIRST.length) % COMPANY_SECOND.length]!;
  const suffix = suffixes[Math.floor(combination / (COMPANY_FIRST.length * COMPANY_SECOND.length))]!;
  const name = `${first} ${second} ${suffix}${round > 0 ? ` ${round + 1}` : ''}`;
  return { name, slug: slugify(name) };
}

const GIVEN_NAMES = [
  'Alex', 'Maria', 'Kenji', 'Sofia', 'Liam', 'Yuki', 'Ivan', 'Elena', 'Omar', 'Chloe',
  'Mateo', 'Aiko', 'Lucas', 'Nadia', 'Hiro', 'Emma', 'Pavel', 'Lena', 'Diego', 'Mia',
  'Tomas', 'Sara', 'Ravi', 'Anna', 'Felix', 'Ines', 'Jonas', 'Keiko', 'Marco', 'Olga',
  'Noah', 'Zoe', 'Arjun', 'Clara', 'Bruno', 'Leila', 'Victor', 'Hana', 'Oscar', 'Freya',
  'Daniel', 'Ayumi', 'Hugo', 'Irina', 'Samuel', 'Lucia', 'Taro', 'Greta', 'Nikolai', 'Amara',
  'Ethan', 'Julia', 'Sven', 'Mei', 'Rafael', 'Petra', 'Kai', 'Alice', 'Dmitri', 'Rosa',
];

const FAMILY_NAMES = [
  'Tanaka', 'Smith', 'Ivanova', 'Garcia', 'Müller', 'Rossi', 'Kowalski', 'Nakamura', 'Dubois', 'Silva',
  'Johansson', 'Novak', 'Petrov', 'Kim', 'Lee', 'Jensen', 'Schmidt', 'Costa', 'Moreau', 'Sato',
  'Andersen', 'Fischer', 'Romano', 'Lindqvist', 'Okafor', 'Haddad', 'Chen', 'Wong', 'Ortiz', 'Bauer',
  'Laurent', 'Ferrari', 'Nielsen', 'Yamamoto', 'Kuznetsov', 'Horvat', 'Varga', 'Popescu', 'Walsh', 'Murphy',
  'Brooks', 'Hayes', 'Reyes', 'Santos', 'Weber', 'Kaur', 'Patel', 'Singh', 'Watanabe', 'Morozov',
  'Eriksen', 'Virtanen', 'Mendes', 'Becker', 'Torres', 'Hansen', 'Suzuki', 'Dimitrov', 'Novotny', 'Clarke',
];

const INITIALS = 'ABCDEFGHIJKLMNOPRSTVWZ';

/** The index-th person: given and family names, then the same with a middle initial. */
export function personName(index: number): { name: string; slug: string } {
  const combinations = GIVEN_NAMES.length * FAMILY_NAMES.length;
  const combination = (index * 2477) % combinations;
  const round = Math.floor(index / combinations);
  const given = GIVEN_NAMES[combination % GIVEN_NAMES.length]!;
  const family = FAMILY_NAMES[Math.floor(combination / GIVEN_NAMES.length)]!;
  const middle = round === 0 ? '' : `${INITIALS[(round - 1) % INITIALS.length]}. `;
  const numbered = round > INITIALS.length ? ` ${Math.ceil(round / INITIALS.length)}` : '';
  const name = `${given} ${middle}${family}${numbered}`;
  return { name, slug: slugify(name.normalize('NFD').replace(/[\u0300-\u036f]/g, '')) };
}
