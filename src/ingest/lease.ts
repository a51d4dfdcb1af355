/**
 * Leases on units of work, so runs sharing a lake never fetch the same page. A run takes a
 * unit's lease before asking the API anything about it (page-1 probes included) and renews it
 * while it works; a run that finds a live lease skips the unit. Every lease object is written
 * once, with a conditional write, under the next generation number of the unit's folder; the
 * newest generation is the lease. Taking, renewing, releasing and taking over an expired lease
 * all write the next generation, so of two runs racing for a unit exactly one wins: the other
 * skips it, or (the holder) stops taking new pages of it. A lease whose holder ran on this
 * machine, in this PID namespace, and is gone (killed, crashed) is taken over at once, so a crashed
 * run resumes without waiting; elsewhere it is taken over when it expires. Keys: src/lake/coordination.ts.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';
import { now as clockNow } from '../clock.js';
import { leaseGeneration, leaseKey, leasePrefix } from '../lake/coordination.js';
import type { ObjectStore } from '../lake/store.js';
import { parseStored } from '../lake/markers.js';

/** How long a lease lives unrenewed: a killed run's units wait this long for another run. */
export const LEASE_SECONDS = 60;

export const leaseSchema = z.object({
  runId: z.string(),
  expiresAt: z.string(),
  /** Where the holder runs: a reader there can tell whether its process is alive. */
  home: z.string().optional(),
  pid: z.int().optional(),
  /** Written by the holder when it is done with the unit: the next run takes it at once. */
  released: z.boolean().optional(),
});
type LeaseBody = z.infer<typeof leaseSchema>;

/** `GMP_LEASE_SECONDS` shortens or lengthens leases (a slow store, or a test of take-over). */
export function leaseMs(env = process.env): number {
  const seconds = Number(env.GMP_LEASE_SECONDS ?? LEASE_SECONDS);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : LEASE_SECONDS) * 1000;
}

/** This process's machine and PID namespace: where a PID names the same process. */
function processHome(): string {
  try {
    return `${readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()}/${readlinkSync('/proc/self/ns/pid')}`;
  } catch {
    return hostname();
  }
}

const HOME = processHome();

/** The holder ran here and its process is gone: its lease protects nothing. */
function holderIsGone(lease: LeaseBody): boolean {
  if (lease.home !== HOME || lease.pid === undefined || lease.pid === process.pid) return false;
  try {
    process.kill(lease.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** A unit skipped because another run holds it. */
export interface LeasedUnit {
  unit: string;
  /** The run holding it. */
  runId: string;
}

/** One run's leases. */
export class UnitLeases {
  /** Units this run skipped, not yet handed to a summary. */
  #skipped: LeasedUnit[] = [];

  constructor(
    private readonly store: ObjectStore,
    private readonly runId: string,
    private readonly ttlMs = leaseMs(),
    private readonly now: () => Date = clockNow,
  ) {}

  /**
   * Runs `work` holding the unit's lease (a unit id, as plans print it), renewed while it runs,
   * released after; undefined (and the unit noted as skipped) when another run holds it.
   */
  async hold<T>(unit: string, work: (lease: Lease) => Promise<T>): Promise<{ value: T } | undefined> {
    const lease = await this.#take(unit);
    if (!lease) return undefined;
    try {
      return { value: await work(lease) };
    } finally {
      await lease.release();
    }
  }

  /** The units skipped since the last call, each once. */
  takeSkipped(): LeasedUnit[] {
    const skipped = new Map(this.#skipped.map((leased) => [leased.unit, leased]));
    this.#skipped = [];
    return [...skipped.values()];
  }

  async #take(unit: string): Promise<Lease | undefined> {
    const generations = (await this.store.list(leasePrefix(unit))).map((key) => leaseGeneration(key, unit) ?? 0);
    const newest = Math.max(0, ...generations);
    if (newest > 0) {
      const current = await this.#read(unit, newest);
      const live = !current.released && Date.parse(current.expiresAt) > this.now().getTime() && !holderIsGone(current);
      if (live) return this.#skip(unit, current.runId);
    }
    // Free, released, expired or its holder gone: the next generation is this run's, unless another run wrote it first.
    const lease = new Lease(this.store, unit, this.runId, newest, this.ttlMs, this.now);
    if (!(await lease.extend())) return this.#skip(unit, (await this.#read(unit, newest + 1)).runId);
    lease.keepRenewed();
    return lease;
  }

  #skip(unit: string, runId: string): undefined {
    this.#skipped.push({ unit, runId });
    return undefined;
  }

  async #read(unit: string, generation: number): Promise<LeaseBody> {
    const key = leaseKey(unit, generation);
    return parseStored(leaseSchema, (await this.store.get(key)) ?? new Uint8Array(), key);
  }
}

/** A lease this run holds. */
export class Lease {
  #expiresAt = 0;
  #lost = false;
  #timer: NodeJS.Timeout | undefined;
  #renewing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: ObjectStore,
    private readonly unit: string,
    private readonly runId: string,
    /** The newest generation written so far. */
    private generation: number,
    private readonly ttlMs: number,
    private readonly now: () => Date,
  ) {}

  /** Another run took the unit over (this run failed to renew in time): no new page of it may start. */
  get lost(): boolean {
    return this.#lost || this.now().getTime() >= this.#expiresAt;
  }

  /** Writes the next generation with a new expiry; false when another run wrote it first. */
  async extend(released = false): Promise<boolean> {
    const expiresAt = released ? this.now().getTime() : this.now().getTime() + this.ttlMs;
    const body: LeaseBody = {
      runId: this.runId,
      expiresAt: new Date(expiresAt).toISOString(),
      home: HOME,
      pid: process.pid,
      ...(released ? { released } : {}),
    };
    const written = await this.store.putIfAbsent(leaseKey(this.unit, this.generation + 1), JSON.stringify(body));
    if (!written) {
      this.#lost = true;
      return false;
    }
    this.generation += 1;
    this.#expiresAt = expiresAt;
    return true;
  }

  /** Renews the lease three times a lifetime, until it is released or lost. */
  keepRenewed(): void {
    this.#timer = setInterval(() => {
      this.#renewing = this.extend().then(
        (renewed) => renewed || this.#stop(),
        () => this.#stop(),
      );
    }, this.ttlMs / 3);
    this.#timer.unref();
  }

  /** Done with the unit: the next run may take it at once. A release that fails leaves the lease to expire. */
  async release(): Promise<void> {
    clearInterval(this.#timer);
    await this.#renewing;
    if (!this.#lost) await this.extend(true).catch(() => undefined);
  }

  #stop(): void {
    this.#lost = true;
    clearInterval(this.#timer);
  }
}
