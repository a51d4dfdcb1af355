/**
 * The lake's object store, in the project's own vocabulary. Keys are relative to the lake's root
 * (`raw/games/load=snapshot/...`); backends map them onto a directory or a bucket and prefix.
 */
export interface ObjectStore {
  /** Where the lake is, safe to print (no credentials). */
  readonly location: string;
  exists(key: string): Promise<boolean>;
  /** The object's bytes, or undefined when there is none. */
  get(key: string): Promise<Uint8Array | undefined>;
  /**
   * Writes the whole object unless one exists already; false when it did (nothing is overwritten).
   * Once it settles the body is not read again: the caller may reuse its buffer.
   */
  putIfAbsent(key: string, body: string | Uint8Array): Promise<boolean>;
  /** Every key under a prefix, in lexical order. */
  list(prefix: string): Promise<string[]>;
  /** The names one level below a prefix ending in `/` (`date=2026-12-01`), sorted: one LIST, not the whole tree. */
  listChildren(prefix: string): Promise<string[]>;
  /** Creates the bucket (or directory) when it is missing. */
  init(): Promise<void>;
  /**
   * Fails with one line when the lake cannot take writes (read-only, full, PUT refused); a run
   * calls it before its first API request, so a lake it cannot write costs no request.
   */
  checkWritable(): Promise<void>;
}

/** Wraps a store and counts the requests made through it. */
export class CountingStore implements ObjectStore {
  requests = 0;
  constructor(private readonly inner: ObjectStore) {}

  get location(): string {
    return this.inner.location;
  }

  exists(key: string): Promise<boolean> {
    this.requests += 1;
    return this.inner.exists(key);
  }

  get(key: string): Promise<Uint8Array | undefined> {
    this.requests += 1;
    return this.inner.get(key);
  }

  putIfAbsent(key: string, body: string | Uint8Array): Promise<boolean> {
    this.requests += 1;
    return this.inner.putIfAbsent(key, body);
  }

  async list(prefix: string): Promise<string[]> {
    const keys = await this.inner.list(prefix);
    // An S3 LIST returns at most 1,000 keys a request.
    this.requests += Math.max(1, Math.ceil(keys.length / 1000));
    return keys;
  }

  async listChildren(prefix: string): Promise<string[]> {
    const names = await this.inner.listChildren(prefix);
    this.requests += Math.max(1, Math.ceil(names.length / 1000));
    return names;
  }

  init(): Promise<void> {
    this.requests += 1;
    return this.inner.init();
  }

  checkWritable(): Promise<void> {
    this.requests += 1;
    return this.inner.checkWritable();
  }
}
