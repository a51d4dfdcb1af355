/**
 * The month's API spend, recorded before it happens, shared by every run on the lake. A run
 * reserves requests in blocks, each an object whose key names its size, before sending them; each
 * block is taken only if the month's spend, read from the ledger at that moment, leaves room, so
 * runs at once together overshoot the budget by at most one block each. A request is charged to
 * the UTC month in which it is sent: a run that crosses a month end closes the old month's account
 * (its `final`) and opens one in the new month. A run killed by any signal has counted every
 * request it sent, and at most one block more. Keys: src/lake/coordination.ts.
 */
import { now as clockNow } from '../clock.js';
import { BudgetExceededError } from '../errors.js';
import { ledgerBlockKey, ledgerFinalKey } from '../lake/coordination.js';
import { monthOf, spentInMonth } from '../lake/spend.js';
import type { ObjectStore } from '../lake/store.js';

/** Requests reserved at once: the most a killed run can have counted without sending. */
export const LEDGER_BLOCK = 16;

export interface Budget {
  monthly: number;
  spent: number;
  left: number;
}

export async function budgetOf(store: ObjectStore, api: string, monthly: number, now = clockNow()): Promise<Budget> {
  const spent = await spentInMonth(store, api, monthOf(now));
  return { monthly, spent, left: Math.max(0, monthly - spent) };
}

/** This run's account in one month. */
interface Account {
  month: string;
  used: number;
  reserved: number;
  blocks: number;
}

/**
 * One run's meter: `reserve()` before every request (retries too), in the month the clock shows
 * then. Throws BudgetExceededError, sending nothing, once the month's spend by all runs reaches
 * the budget.
 */
export class Ledger {
  /** Requests this run reserved and sent, in all months. */
  used = 0;
  #account: Account | undefined;
  /** This run's requests by the month they were charged to. */
  readonly #charged = new Map<string, number>();
  /** Reservations one after another: a block is taken, or a month closed, once. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: ObjectStore,
    private readonly api: string,
    private readonly runId: string,
    /** The month's budget for all runs; Infinity when it is ignored. */
    private readonly monthly: number,
    private readonly now: () => Date = clockNow,
  ) {}

  reserve(): Promise<void> {
    const reserved = this.#queue.then(() => this.#reserveOne());
    this.#queue = reserved.catch(() => undefined);
    return reserved;
  }

  /** Writes what the run really sent in its current month, so the blocks it did not use stop counting. */
  async close(): Promise<void> {
    await this.#queue;
    await this.#closeAccount();
  }

  /** This run's requests by month (YYYY-MM), as the ledger charges them. */
  charged(): Record<string, number> {
    return Object.fromEntries(this.#charged);
  }

  async #reserveOne(): Promise<void> {
    const month = monthOf(this.now());
    if (this.#account?.month !== month) {
      // A new month: the old one's account closes with what was sent in it.
      await this.#closeAccount();
      this.#account = { month, used: 0, reserved: 0, blocks: 0 };
    }
    const account = this.#account;
    if (account.used >= account.reserved) await this.#reserveBlock(account);
    account.used += 1;
    this.used += 1;
    this.#charged.set(month, account.used);
  }

  async #reserveBlock(account: Account): Promise<void> {
    let size = LEDGER_BLOCK;
    if (Number.isFinite(this.monthly)) {
      // The spend as it stands now, every run's blocks included (this one's are all used).
      const left = this.monthly - (await spentInMonth(this.store, this.api, account.month));
      if (left <= 0) {
        throw new BudgetExceededError(
          `the month's request budget is spent (${this.monthly} in ${account.month}, by all runs, from _ledger/): the work resumes next month, or raise monthlyRequestBudget`,
        );
      }
      size = Math.min(LEDGER_BLOCK, left);
    }
    account.blocks += 1;
    await this.store.putIfAbsent(
      ledgerBlockKey(account.month, this.api, this.runId, account.blocks, size),
      `${size}\n`,
    );
    account.reserved += size;
  }

  async #closeAccount(): Promise<void> {
    const account = this.#account;
    if (!account || account.blocks === 0) return;
    await this.store.putIfAbsent(
      ledgerFinalKey(account.month, this.api, this.runId, account.used),
      `${account.used}\n`,
    );
  }
}
