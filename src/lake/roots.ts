import { LEASES_PREFIX, LEDGER_PREFIX } from './coordination.js';
import { SCHEMA_PREFIX } from './item-schemas.js';
import { COMPACT_PREFIX, PLANS_PREFIX, RAW_PREFIX, RUNS_PREFIX } from './layout.js';
import { ORIGIN_KEY } from './origin.js';
import { INDEX_PREFIX } from './parent-items.js';

/** Every top-level folder and root object of a lake: what the AWS tasks' permissions name (test/infra checks them against it). */
export const LAKE_ROOTS = [
  RAW_PREFIX,
  COMPACT_PREFIX,
  RUNS_PREFIX,
  PLANS_PREFIX,
  LEDGER_PREFIX,
  LEASES_PREFIX,
  ORIGIN_KEY,
  SCHEMA_PREFIX,
  INDEX_PREFIX,
] as const;
