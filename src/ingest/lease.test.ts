import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../test/support/memory-store.js';
import { UnitLeases } from './lease.js';

const listing = 'games/snapshot/2026-12-01';
const window = 'games/snapshot/2026-12-01/updated~2000-01-01~2010-12-31';
const TTL = 60_000;

describe('leases on units (in memory)', () => {
  it('lets one run hold a unit: another skips it, naming the holder, then takes it once released', async () => {
    const store = new MemoryStore();
    const time = () => new Date('2026-12-10T00:00:00Z');
    const a = new UnitLeases(store, 'run-a', TTL, time);
    const b = new UnitLeases(store, 'run-b', TTL, time);
    const inside = await a.hold(listing, async () => {
      // A window is a unit of its own: held by another run at the same time.
      expect(await b.hold(window, async () => 'window')).toEqual({ value: 'window' });
      return b.hold(listing, async () => 'never');
    });
    expect(inside).toEqual({ value: undefined });
    expect(b.takeSkipped()).toEqual([{ unit: 'games/snapshot/2026-12-01', runId: 'run-a' }]);
    expect(await b.hold(listing, async () => 'taken')).toEqual({ value: 'taken' });
  });

  it('lets exactly one of many racing runs take a free unit', async () => {
    const store = new MemoryStore();
    const time = () => new Date('2026-12-10T00:00:00Z');
    const runs = Array.from({ length: 8 }, (_, i) => new UnitLeases(store, `run-${i}`, TTL, time));
    let holders = 0;
    await Promise.all(
      runs.map((run) =>
        run.hold(listing, async () => {
          holders += 1;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }),
      ),
    );
    expect(holders).toBe(1);
    expect(runs.reduce((sum, run) => sum + run.takeSkipped().length, 0)).toBe(7);
  });

  it('hands an expired lease to the next run, and tells the late holder it lost it', async () => {
    const store = new MemoryStore();
    let time = new Date('2026-12-10T00:00:00Z');
    const a = new UnitLeases(store, 'run-a', TTL, () => time);
    const b = new UnitLeases(store, 'run-b', TTL, () => time);
    await a.hold(listing, async (lease) => {
      time = new Date(time.getTime() + TTL + 1); // run-a stalled past its lease
      expect(lease.lost).toBe(true);
      expect(await b.hold(listing, async () => 'taken over')).toEqual({ value: 'taken over' });
      expect(await lease.extend()).toBe(false); // its renewal loses to the generation run-b wrote
    });
    expect(b.takeSkipped()).toEqual([]);
  });
});
