import type { ObjectStore } from '../../src/lake/store.js';

/**
 * A lake in memory, for unit tests: the ObjectStore contract of the local and S3 stores (objects
 * written whole and never overwritten, lexical listings, one level of children) without a disk
 * or a server. Every call yields to the event loop first, as real I/O does, so concurrent callers
 * interleave; the check and the write of a conditional put happen in one step, so exactly one
 * of two racing writers wins.
 */
export class MemoryStore implements ObjectStore {
  readonly location = 'memory://lake';
  readonly #objects = new Map<string, Uint8Array>();
  /** Called before each write is attempted; a test makes a write fail by throwing here. */
  beforePut?: (key: string) => void;

  async exists(key: string): Promise<boolean> {
    await tick();
    return this.#objects.has(key);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    await tick();
    const body = this.#objects.get(key);
    return body && new Uint8Array(body);
  }

  async putIfAbsent(key: string, body: string | Uint8Array): Promise<boolean> {
    await tick();
    this.beforePut?.(key);
    if (this.#objects.has(key)) return false;
    // A copy: the caller may reuse its buffer, as it may with a file or an upload.
    this.#objects.set(key, typeof body === 'string' ? new TextEncoder().encode(body) : new Uint8Array(body));
    return true;
  }

  async list(prefix: string): Promise<string[]> {
    await tick();
    return [...this.#objects.keys()].filter((key) => key.startsWith(prefix)).sort();
  }

  async listChildren(prefix: string): Promise<string[]> {
    await tick();
    const names = new Set<string>();
    for (const key of this.#objects.keys())
      if (key.startsWith(prefix)) names.add(key.slice(prefix.length).split('/')[0]!);
    return [...names].sort();
  }

  async init(): Promise<void> {
    await tick();
  }

  async checkWritable(): Promise<void> {
    await tick();
  }

  /** Every object's text, by key, in lexical order: what a test compares between two lakes. */
  contents(prefix = ''): Map<string, string> {
    const keys = [...this.#objects.keys()].filter((key) => key.startsWith(prefix)).sort();
    return new Map(keys.map((key) => [key, new TextDecoder().decode(this.#objects.get(key))]));
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
