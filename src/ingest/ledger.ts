/**
 * The month's API spend, recorded before it happens. A run reserves requests in blocks, each an
 * object whose key names its size, before sending them; when it ends it writes what it
 * really used. A run killed by any signal has therefore counted every request it sent, and at
 * most one block more. One LIST of the month's folder sums it all:
 *   _ledger/{YYYY-MM}/{api}/{runId}/{seq}-{n}     n requests reserved
 *   _ledger/{YYYY-MM}/{api}/{runId}/final-{n}     the run used n in all (replaces its blocks)
 */
import { BudgetExceededError } from '../errors.js';
import type { ObjectStore } from '../lake/store.js';

const LEDGER = '_ledger/';
/** Requests reserved at once: the most a killed run can have counted without sending. */
export const LEDGER_BLOCK = 16;

/**
 * The API a budget belongs to, as a key segment: host, port and path, lower case, without
 * scheme, credentials, query or trailing slashes; every loopback name is one host.
 */
export function apiIdentity(baseUrl: string): string {
  const url = new URL(baseUrl);
  let host = url.hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]' || /^127\./.test(host)) host = '127.0.0.1';
  const port = url.port ? `-${url.port}` : '';
  const path = url.pathname.replace(/\/+$/, '').replace(/\//g, '_');
  return `${host}${port}${path}`;
}

export const monthOf = (now: Date): string => now.toISOString().slice(0, 7);

const monthPrefix = (api: string, month: string): string => `${LEDGER}${month}/${api}/`;

/** Requests spent against one API in one month (UTC), from one LIST. */
export async function spentInMonth(store: ObjectStore, api: string, month: string): Promise<number> {
  const prefix = monthPrefix(api, month);
  const byRun = new Map<string, { reserved: number; final?: number }>();
  for (const key of await store.list(prefix)) {
    const match = /^([^/]+)\/(final|\d+)-(\d+)$/.exec(key.slice(prefix.length));
    if (!match) continue;
    const [, run, kind, count] = match as unknown as [string, string, string, string];
    const entry = byRun.get(run) ?? { reserved: 0 };
    if (kind === 'final') entry.final = Number(count);
    else entry.reserved += Number(count);
    byRun.set(run, entry);
  }
  let spent = 0;
  for (const entry of byRun.values()) spent += entry.final ?? entry.reserved;
  return spent;
}

export interface Budget {
  monthly: number;
  spent: number;
  left: number;
}

export async function budgetOf(store: ObjectStore, api: string, monthly: number, now = new Date()): Promise<Budget> {
  const spent = await spentInMonth(store, api, monthOf(now));
  return { monthly, spent, left: Math.max(0, monthly - spent) };
}

/**
 * One run's meter: `reserve()` before every request (retries too). Throws BudgetExceededError,
 * sending nothing, once the run has used what the month had left when it started.
 */
export class Ledger {
  used = 0;
  #reserved = 0;
  #blocks = 0;
  #pending: Promise<void> | undefined;

  constructor(
    private readonly store: ObjectStore,
    private readonly api: string,
    private readonly runId: string,
    /** Requests this run may make; Infinity when the budget is ignored. */
    private readonly allowed: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async reserve(): Promise<void> {
    while (this.used >= this.#reserved) {
      if (this.#reserved >= this.allowed) {
        throw new BudgetExceededError(
          `the month's request budget is spent (this run had ${this.allowed} left): the work resumes next month, or raise monthlyRequestBudget`,
        );
      }
      // One block at a time, shared by every concurrent request of the run.
      this.#pending ??= this.#reserveBlock().finally(() => (this.#pending = undefined));
      await this.#pending;
    }
    this.used += 1;
  }

  /** Writes what the run really used, so the blocks it did not use stop counting. */
  async close(): Promise<void> {
    if (this.#blocks === 0) return;
    await this.store.putIfAbsent(`${this.#runPrefix()}final-${this.used}`, `${this.used}\n`);
  }

  async #reserveBlock(): Promise<void> {
    const size = Math.min(LEDGER_BLOCK, this.allowed - this.#reserved);
    this.#blocks += 1;
    await this.store.putIfAbsent(`${this.#runPrefix()}${String(this.#blocks).padStart(6, '0')}-${size}`, `${size}\n`);
    this.#reserved += size;
  }

  #runPrefix(): string {
    return `${monthPrefix(this.api, monthOf(this.now()))}${this.runId}/`;
  }
}
