/**
 * Deterministic randomness for the synthetic catalogue: every value is a pure function of
 * (seed, position, salt), so any item can be generated alone, in any order, on any machine.
 */

/** A 32-bit avalanche mix: every input bit flips about half of the output bits. */
export function mix32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** The stream of hashes for one (seed, salt); different salts give independent streams. */
export function hashStream(seed: number, salt: number): number {
  return mix32(seed ^ Math.imul(salt + 1, 0x9e3779b9));
}

/** The hash of a position (below 2^32) in a stream: one mix, for loops over whole catalogues. */
export function hashAt(stream: number, position: number): number {
  return mix32(stream ^ position);
}

/** An unsigned 32-bit hash of (seed, position, salt). */
export function hash32(seed: number, position: number, salt: number): number {
  return hashAt(hashStream(seed, salt), position);
}

/** "00".."ff": image names are drawn for every game, so hex formatting is a table lookup. */
const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** A counter-based generator: reproducible sequences of draws for one item. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** An unsigned 32-bit integer. */
  u32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    return mix32(this.state);
  }

  /** A float in [0, 1). */
  next(): number {
    return this.u32() / 0x1_0000_0000;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** 32 lower-case hex digits, like the file names of RAWG's media. */
  hex32(): string {
    let text = '';
    for (let i = 0; i < 4; i++) {
      const word = this.u32();
      text +=
        HEX_BYTES[word >>> 24]! +
        HEX_BYTES[(word >>> 16) & 0xff]! +
        HEX_BYTES[(word >>> 8) & 0xff]! +
        HEX_BYTES[word & 0xff]!;
    }
    return text;
  }
}
