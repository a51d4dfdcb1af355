/**
 * The keys runs share a lake by: the ledger of API spend and the leases on units of work. Like
 * the rest of the lake, every object is written once with a conditional write and never changed.
 *
 *   _ledger/{YYYY-MM}/{api}/{runId}/{seq}-{n}    n requests reserved in that month (UTC)
 *   _ledger/{YYYY-MM}/{api}/{runId}/final-{n}    the run sent n requests in that month, in all
 *   _leases/{unitId}/_lease/{generation}.json    who holds the unit (a listing, a window or a batch of items), until when
 */

/** Every month's folder of the ledger; one LIST of a month's folder sums its spend. */
export const LEDGER_PREFIX = '_ledger/';

export const ledgerMonthPrefix = (month: string): string => `${LEDGER_PREFIX}${month}/`;
export const ledgerApiPrefix = (month: string, api: string): string => `${ledgerMonthPrefix(month)}${api}/`;
export const ledgerRunPrefix = (month: string, api: string, runId: string): string =>
  `${ledgerApiPrefix(month, api)}${runId}/`;
export const ledgerBlockKey = (month: string, api: string, runId: string, seq: number, size: number): string =>
  `${ledgerRunPrefix(month, api, runId)}${String(seq).padStart(6, '0')}-${size}`;
export const ledgerFinalKey = (month: string, api: string, runId: string, used: number): string =>
  `${ledgerRunPrefix(month, api, runId)}final-${used}`;

/** One ledger object under a month's folder, taken apart; undefined for any other key. */
export function parseLedgerKey(
  key: string,
  month: string,
): { api: string; runId: string; kind: 'block' | 'final'; count: number } | undefined {
  const match = /^([^/]+)\/([^/]+)\/(final|\d+)-(\d+)$/.exec(key.slice(ledgerMonthPrefix(month).length));
  if (!key.startsWith(ledgerMonthPrefix(month)) || !match) return undefined;
  return { api: match[1]!, runId: match[2]!, kind: match[3] === 'final' ? 'final' : 'block', count: Number(match[4]) };
}

/** The folder of one unit's lease generations: a window's folder is not inside its partition's. */
export const LEASES_PREFIX = '_leases/';
export const leasePrefix = (unit: string): string => `${LEASES_PREFIX}${unit}/_lease/`;
export const leaseKey = (unit: string, generation: number): string =>
  `${leasePrefix(unit)}${String(generation).padStart(9, '0')}.json`;

/** The generation a key of `leasePrefix(unit)` names, or undefined. */
export function leaseGeneration(key: string, unit: string): number | undefined {
  const match = /^(\d+)\.json$/.exec(key.slice(leasePrefix(unit).length));
  return key.startsWith(leasePrefix(unit)) && match ? Number(match[1]) : undefined;
}
