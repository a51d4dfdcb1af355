import { FieldCensus } from '../lake/item-fields.js';
import { itemShapeOf } from '../lake/item-schemas.js';
import type { ShapeSummary } from '../lake/schema-drift.js';
import { listingParams, type Listing } from './partition.js';

/** The field censuses of one run, by endpoint and listing shape. */
export class ItemCensus {
  readonly #censuses = new Map<string, { endpoint: string; filter: string; census: FieldCensus }>();

  /** The items of a page this run stored. */
  readonly add = (listing: Listing, items: readonly unknown[]): void => {
    const endpoint = listing.partition.endpoint.name;
    const filter = itemShapeOf(listingParams(listing));
    const id = `${endpoint}/${filter}`;
    let entry = this.#censuses.get(id);
    if (!entry) {
      entry = { endpoint, filter, census: new FieldCensus() };
      this.#censuses.set(id, entry);
    }
    entry.census.add(items);
  };

  summaries(): ShapeSummary[] {
    return [...this.#censuses.values()]
      .filter(({ census }) => census.items > 0)
      .map(({ endpoint, filter, census }) => ({ endpoint, filter, summary: census.summary() }));
  }
}
