import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../test/support/memory-store.js';
import { BudgetExceededError } from '../errors.js';
import { monthSpend, spentInMonth } from '../lake/spend.js';
import { Ledger, LEDGER_BLOCK } from './ledger.js';

const API = '127.0.0.1-8080_api';

/** Reserves until the ledger refuses; how many it allowed. */
async function reserveAll(ledger: Ledger): Promise<number> {
  for (;;) {
    try {
      await ledger.reserve();
    } catch (error) {
      expect(error).toBeInstanceOf(BudgetExceededError);
      return ledger.used;
    }
  }
}

describe('the ledger (in memory)', () => {
  it('checks each block against the spend as it stands: two runs together stay within the month', async () => {
    const store = new MemoryStore();
    const now = () => new Date('2026-12-10T00:00:00Z');
    const first = new Ledger(store, API, 'run-a', 20, now);
    const second = new Ledger(store, API, 'run-b', 20, now);
    await first.reserve(); // a block of 16: 4 are left for every other run
    await second.reserve(); // a block of 4, seen in the ledger: none is left
    const [a, b] = await Promise.all([reserveAll(first), reserveAll(second)]);
    expect(a + b).toBe(20);
    expect([a, b]).toEqual([LEDGER_BLOCK, 20 - LEDGER_BLOCK]);
    await Promise.all([first.close(), second.close()]);
    expect(await spentInMonth(store, API, '2026-12')).toBe(20);
  });

  it('charges each request to the month it is sent in, once, closing the old month with its own count', async () => {
    const store = new MemoryStore();
    let time = new Date('2026-12-31T23:59:59Z');
    const ledger = new Ledger(store, API, 'run-a', 1000, () => time);
    for (let i = 0; i < 3; i++) await ledger.reserve();
    time = new Date('2027-01-01T00:00:01Z');
    for (let i = 0; i < 5; i++) await ledger.reserve();
    await ledger.close();
    expect(ledger.charged()).toEqual({ '2026-12': 3, '2027-01': 5 });
    expect(await spentInMonth(store, API, '2026-12')).toBe(3);
    expect(await spentInMonth(store, API, '2027-01')).toBe(5);
    expect(await monthSpend(store, '2027-01')).toEqual([{ api: API, spent: 5, runs: 1 }]);
    expect((await store.list('_ledger/')).filter((key) => key.includes('/final-'))).toEqual([
      `_ledger/2026-12/${API}/run-a/final-3`,
      `_ledger/2027-01/${API}/run-a/final-5`,
    ]);
  });

  it('counts a run that left no final (killed) by its blocks', async () => {
    const store = new MemoryStore();
    const ledger = new Ledger(store, API, 'run-a', 1000, () => new Date('2026-12-10T00:00:00Z'));
    await ledger.reserve();
    expect(await spentInMonth(store, API, '2026-12')).toBe(LEDGER_BLOCK);
  });
});
