import type { Rng } from './hash.js';

/** Cumulative weights for picking items in proportion to a weight. */
export class WeightedPicker<T> {
  private readonly cumulative: number[] = [];
  private readonly total: number;

  constructor(
    private readonly items: readonly T[],
    weight: (item: T) => number,
  ) {
    let sum = 0;
    for (const item of items) this.cumulative.push((sum += weight(item)));
    this.total = sum;
  }

  pick(rng: Rng): T {
    const target = rng.next() * this.total;
    let index = 0;
    while (this.cumulative[index]! <= target) index++;
    return this.items[index]!;
  }

  /** Up to `count` distinct items; gives up on collisions rather than looping long. */
  pickDistinct(rng: Rng, count: number): T[] {
    const chosen: T[] = [];
    for (let attempt = 0; chosen.length < count && attempt < count * 4; attempt++) {
      const item = this.pick(rng);
      if (!chosen.includes(item)) chosen.push(item);
    }
    return chosen;
  }
}
