import { randomBytes } from 'node:crypto';
import { link, mkdir, readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { LakeNotWritableError } from '../errors.js';
import type { ObjectStore } from './store.js';

/** Where writes are staged, inside the lake (a hard link must not cross file systems). */
const STAGING = '.staging';
/** Staged files older than this were left by a killed process. */
const STALE_MS = 10 * 60_000;

/**
 * A lake in a local directory. A write goes to a staged file first and is then hard-linked into
 * place: the link is atomic and fails when the target exists, so an object is whole or absent
 * and never overwritten. Staged files live apart from the data, so readers never see them.
 */
export class LocalStore implements ObjectStore {
  #staging: Promise<string> | undefined;

  constructor(readonly root: string) {}

  get location(): string {
    return `file://${this.root}`;
  }

  async exists(key: string): Promise<boolean> {
    try {
      await stat(this.#path(key));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.#path(key));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async putIfAbsent(key: string, body: string | Uint8Array): Promise<boolean> {
    const path = this.#path(key);
    const staging = await this.#stagingDir();
    const temp = join(staging, randomBytes(8).toString('hex'));
    try {
      await makeDirectory(dirname(path)).catch((error: unknown) => {
        throw this.#writeFailure(error, dirname(path));
      });
      await writeFile(temp, body);
      await link(temp, path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw this.#writeFailure(error, path);
    } finally {
      // A write cut short by a full disk leaves a partial file: it goes too.
      await unlink(temp).catch(() => undefined);
    }
  }

  /** Writes and removes a probe file: a read-only or full lake fails here, before any API request. */
  async checkWritable(): Promise<void> {
    const probe = join(await this.#stagingDir(), `probe-${randomBytes(4).toString('hex')}`);
    try {
      await writeFile(probe, 'probe');
    } catch (error) {
      throw this.#writeFailure(error, this.root);
    } finally {
      await unlink(probe).catch(() => undefined);
    }
  }

  #stagingDir(): Promise<string> {
    this.#staging ??= this.#prepareStaging().catch((error: unknown) => {
      this.#staging = undefined;
      throw this.#writeFailure(error, join(this.root, STAGING));
    });
    return this.#staging;
  }

  /** A failed write as one line that names the path and what to do about it. */
  #writeFailure(error: unknown, path: string): Error {
    const code = (error as NodeJS.ErrnoException).code;
    switch (code) {
      case 'ENOSPC':
      case 'EDQUOT':
        return new LakeNotWritableError(
          `the disk of the lake ${this.location} is full (${code} writing ${path}): free some space, then rerun to resume`,
        );
      case 'EROFS':
      case 'EACCES':
      case 'EPERM':
        return new LakeNotWritableError(
          `the lake ${this.location} is not writable (${code} on ${path}): fix its permissions or give another --lake`,
        );
      case 'ENOTDIR':
      case 'EEXIST':
        return new LakeNotWritableError(
          `the lake ${this.location} cannot hold ${path} (${code}: a file is in the way): give another --lake`,
        );
      case undefined:
        return error instanceof Error ? error : new Error(String(error));
      default:
        return new LakeNotWritableError(
          `the lake ${this.location} could not write ${path} (${code}): check the disk, then rerun to resume`,
        );
    }
  }

  /** Makes the staging directory, and removes what killed processes left in it. */
  async #prepareStaging(): Promise<string> {
    const staging = join(this.root, STAGING);
    await makeDirectory(staging);
    for (const name of await readdir(staging)) {
      const file = join(staging, name);
      const { mtimeMs } = await stat(file).catch(() => ({ mtimeMs: Date.now() }));
      if (Date.now() - mtimeMs > STALE_MS) await unlink(file).catch(() => undefined);
    }
    return staging;
  }

  async list(prefix: string): Promise<string[]> {
    // Walk from the deepest directory the prefix names, then filter by the full prefix.
    const base = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const keys: string[] = [];
    await this.#walk(this.#path(base), keys);
    return keys.filter((key) => key.startsWith(prefix)).sort();
  }

  async listChildren(prefix: string): Promise<string[]> {
    try {
      const entries = await readdir(this.#path(prefix.replace(/\/$/, '')), { withFileTypes: true });
      return entries
        .filter((entry) => entry.name !== STAGING)
        .map((entry) => entry.name)
        .sort();
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
  }

  async init(): Promise<void> {
    await makeDirectory(this.root).catch((error: unknown) => {
      throw this.#writeFailure(error, this.root);
    });
  }

  async #walk(dir: string, keys: string[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (path !== join(this.root, STAGING)) await this.#walk(path, keys);
      } else {
        keys.push(relative(this.root, path).split(sep).join('/'));
      }
    }
  }

  #path(key: string): string {
    return join(this.root, ...key.split('/'));
  }
}

/**
 * `mkdir -p` that reports why it was refused: Node's recursive mkdir turns a read-only file system
 * into ENOENT. Making the first missing directory alone gives the real code.
 */
async function makeDirectory(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    let missing = dir;
    while (!(await exists(dirname(missing))) && dirname(missing) !== missing) missing = dirname(missing);
    await mkdir(missing);
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
