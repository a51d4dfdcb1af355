/**
 * Who publishes and develops each game of the synthetic catalogue. A game's companies are drawn
 * from (seed, position, catalogue size): most games have one publisher and one developer, some
 * none or two, and the company index is drawn log-uniformly with an offset (company k holds about
 * 1/(k + offset) of them), so a few companies hold thousands of games and a long tail one or two. Popular games (low positions: the
 * catalogue is ordered by `added`) draw from the low indexes, the big companies, more often.
 *
 * The reverse (a company's games, in `added` order) is one counting sort over the catalogue into
 * two Int32Arrays, built once per catalogue size: a listing's `games_count`, the `publishers=` and
 * `developers=` filters and a game's detail all read the same draw, so they always agree. Games
 * the catalogue gains while it is served (positions at or past its size) have no company yet.
 */
import { companyCounts, type Catalogue } from './catalogue.js';
import { hash32, Rng } from './hash.js';

export const COMPANY_KINDS = ['publishers', 'developers'] as const;
export type CompanyKind = (typeof COMPANY_KINDS)[number];

interface KindSettings {
  salt: number;
  /** The API id of company index 0. */
  idBase: number;
  /** Chance of no company for the most and the least popular game (linear in between). */
  noneTop: number;
  noneTail: number;
  /** Chance of a second company. */
  second: number;
}

export const COMPANY_SETTINGS: Readonly<Record<CompanyKind, KindSettings>> = {
  publishers: { salt: 21, idBase: 10_000, noneTop: 0.05, noneTail: 0.5, second: 0.1 },
  developers: { salt: 22, idBase: 200_000, noneTop: 0.02, noneTail: 0.2, second: 0.15 },
};

/** A game at the top of the popularity order draws from this share of the log-scaled range: the big companies. */
const TOP_REACH = 0.3;
/** The offset is the company count over this: it caps the largest company's share. */
const OFFSET_DIVISOR = 1_000;

export class CompanyIndex {
  /** How many companies of this kind the catalogue has. */
  readonly count: number;
  private readonly offsets: Int32Array;
  private readonly members: Int32Array;

  constructor(
    private readonly catalogue: Catalogue,
    readonly kind: CompanyKind,
    /** The catalogue's size the index is built for. */
    readonly games: number,
  ) {
    this.count = companyCounts[kind](games);
    // Each game's draw, kept for the second pass: first and second company (-1: none).
    const drawn = new Int32Array(2 * games);
    const sizes = new Int32Array(this.count + 1);
    for (let position = 0; position < games; position++) {
      const [first = -1, second = -1] = this.draw(position);
      drawn[2 * position] = first;
      drawn[2 * position + 1] = second;
      if (first >= 0) sizes[first + 1]!++;
      if (second >= 0) sizes[second + 1]!++;
    }
    for (let index = 0; index < this.count; index++) sizes[index + 1]! += sizes[index]!;
    this.offsets = sizes;
    this.members = new Int32Array(sizes[this.count]!);
    const next = sizes.slice(0, this.count);
    for (let slot = 0; slot < drawn.length; slot++)
      if (drawn[slot]! >= 0) this.members[next[drawn[slot]!]!++] = slot >> 1;
  }

  /** The API id of a company index, and back (undefined for an id of no company). */
  idOf(index: number): number {
    return COMPANY_SETTINGS[this.kind].idBase + index;
  }

  indexOfId(id: number): number | undefined {
    const index = id - COMPANY_SETTINGS[this.kind].idBase;
    return Number.isInteger(index) && index >= 0 && index < this.count ? index : undefined;
  }

  /** The company indexes of the game at a position, in the order its detail lists them. */
  of(position: number): number[] {
    return position < this.games ? this.draw(position) : [];
  }

  /** How many games the company has. */
  size(index: number): number {
    return this.offsets[index + 1]! - this.offsets[index]!;
  }

  /** The company's games' positions, in `added` order (most added first). */
  gamesOf(index: number): Int32Array {
    return this.members.subarray(this.offsets[index]!, this.offsets[index + 1]!);
  }

  private draw(position: number): number[] {
    const settings = COMPANY_SETTINGS[this.kind];
    const rng = new Rng(hash32(this.catalogue.seed, position, settings.salt));
    const rank = this.games <= 1 ? 0 : position / (this.games - 1);
    if (rng.chance(settings.noneTop + (settings.noneTail - settings.noneTop) * rank)) return [];
    const reach = TOP_REACH + (1 - TOP_REACH) * rank ** 0.25;
    const offset = Math.max(1, this.count / OFFSET_DIVISOR);
    const pick = () =>
      Math.min(this.count - 1, Math.floor(offset * ((1 + this.count / offset) ** (rng.next() * reach) - 1)));
    const first = pick();
    if (!rng.chance(settings.second)) return [first];
    const second = pick();
    return second === first ? [first] : [first, second];
  }
}

/** Both kinds' indexes for the catalogue's current size, rebuilt when the size changes. */
export class Companies {
  private built: Record<CompanyKind, CompanyIndex> | undefined;

  constructor(private readonly catalogue: Catalogue) {}

  of(kind: CompanyKind, games: number): CompanyIndex {
    if (this.built?.[kind].games !== games) {
      this.built = {
        publishers: new CompanyIndex(this.catalogue, 'publishers', games),
        developers: new CompanyIndex(this.catalogue, 'developers', games),
      };
    }
    return this.built[kind];
  }
}
