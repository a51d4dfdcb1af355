import { describe, expect, it } from 'vitest';
import {
  companyName,
  DEVELOPER_SUFFIXES,
  gameName,
  GAME_NAME_CAPACITY,
  nameScrambler,
  personName,
  PUBLISHER_SUFFIXES,
} from './names.js';
import { slugify } from './slug.js';

const distinct = (count: number, name: (index: number) => { name: string; slug: string }) => {
  const names = Array.from({ length: count }, (_, index) => name(index));
  return { names: new Set(names.map((n) => n.name)).size, slugs: new Set(names.map((n) => n.slug)).size };
};

describe('generated names', () => {
  it('gives every company and person a distinct name and slug, past the word combinations', () => {
    for (const suffixes of [PUBLISHER_SUFFIXES, DEVELOPER_SUFFIXES]) {
      expect(distinct(60_000, (i) => companyName(i, suffixes))).toEqual({ names: 60_000, slugs: 60_000 });
    }
    expect(distinct(100_000, personName)).toEqual({ names: 100_000, slugs: 100_000 });
    expect(personName(0).slug).toBe(slugify(personName(0).name));
  });

  it('maps positions onto game names one to one, with slugs as RAWG builds them', () => {
    const scramble = nameScrambler(42);
    const sample = Array.from({ length: 50_000 }, (_, position) => gameName(scramble(position)));
    expect(new Set(sample.map((n) => n.slug)).size).toBe(sample.length);
    expect(sample.filter((n) => n.slug !== slugify(n.name))).toEqual([]);
    expect(scramble(GAME_NAME_CAPACITY - 1)).toBeLessThan(GAME_NAME_CAPACITY);
  });
});
