/**
 * Reading the ledger: what the month's requests cost, per API. Reserving requests is ingest's
 * (src/ingest/ledger.ts); keys: src/lake/coordination.ts.
 */
import { ledgerApiPrefix, ledgerMonthPrefix, parseLedgerKey } from './coordination.js';
import type { ObjectStore } from './store.js';

export const monthOf = (time: Date): string => time.toISOString().slice(0, 7);

/** One API's spend in a month: the requests charged and the runs that made them. */
export interface ApiSpend {
  api: string;
  spent: number;
  runs: number;
}

/**
 * Every API's spend in one month (UTC), from one LIST: a run's `final` when it wrote one for the
 * month, else its blocks (a run still going, or killed).
 */
export async function monthSpend(
  store: ObjectStore,
  month: string,
  prefix = ledgerMonthPrefix(month),
): Promise<ApiSpend[]> {
  const runs = new Map<string, { api: string; reserved: number; final?: number }>();
  for (const key of await store.list(prefix)) {
    const entry = parseLedgerKey(key, month);
    if (!entry) continue;
    const id = `${entry.api}/${entry.runId}`;
    const run = runs.get(id) ?? { api: entry.api, reserved: 0 };
    if (entry.kind === 'final') run.final = entry.count;
    else run.reserved += entry.count;
    runs.set(id, run);
  }
  const byApi = new Map<string, ApiSpend>();
  for (const run of runs.values()) {
    const total = byApi.get(run.api) ?? { api: run.api, spent: 0, runs: 0 };
    total.spent += run.final ?? run.reserved;
    total.runs += 1;
    byApi.set(run.api, total);
  }
  return [...byApi.values()].sort((a, b) => a.api.localeCompare(b.api));
}

/** Requests spent against one API in one month (UTC), from one LIST. */
export async function spentInMonth(store: ObjectStore, api: string, month: string): Promise<number> {
  const [spend] = await monthSpend(store, month, ledgerApiPrefix(month, api));
  return spend?.spent ?? 0;
}
