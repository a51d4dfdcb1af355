/**
 * The parts of a build's verdict that the transform finds and the report shows: each endpoint's
 * freshness, and the item fields the models read that vanished from the API's items.
 */

/** dbt's verdict in our words: pass is fresh; an endpoint with no closed partition has no date. */
export type FreshnessStatus = 'fresh' | 'warn' | 'error';

export interface EndpointFreshness {
  endpoint: string;
  /** The newest closed partition's date, YYYY-MM-DD; null when the lake holds none. */
  newestDate: string | null;
  /** Whole days between that date and the check; null with no date. */
  ageDays: number | null;
  status: FreshnessStatus;
  warnAfterDays: number;
  errorAfterDays: number;
}

export interface FieldRead {
  endpoint: string;
  /** The item field's path as item schemas name it: `released`, `added_by_status.yet`. */
  field: string;
  model: string;
}

/** A field the models read that vanished from its endpoint's items and has not come back. */
export interface VanishedField extends FieldRead {
  since: string;
}
