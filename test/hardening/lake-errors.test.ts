/**
 * A lake that cannot take writes: a full disk (a tiny tmpfs) and a read-only one. One line that
 * names the lake and what to do, exit 1, no staging file left, and for a read-only lake no API
 * request spent. Mounting needs root: without it the tmpfs cases are skipped (the read-only one
 * falls back to a directory without write permission).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runsSince } from '../../src/lake/run-record.js';
import { openLake } from '../../src/lake/open.js';
import { WRITE_PROBE } from '../../src/lake/s3.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { cleanEnv, runGmp } from '../support/gmp.js';
import { freshLake } from '../support/lakes.js';
import { startS3Server, type S3Server } from '../support/s3-server.js';
import { failureLine, KEY } from './support.js';

const mounted: string[] = [];

/** A tmpfs of `size` at a fresh directory, or undefined when this process may not mount one. */
function tmpfs(size: string, readOnly = false): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'gmp-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${readOnly ? ',ro' : ''}`, 'tmpfs', dir], {
      stdio: 'ignore',
    });
  } catch {
    return undefined;
  }
  mounted.push(dir);
  return dir;
}
const canMount =
  process.getuid?.() === 0 &&
  (() => {
    const probe = tmpfs('64k');
    return probe !== undefined;
  })();

let sandbox: Sandbox;
let s3: S3Server;
beforeAll(async () => {
  sandbox = await startSandbox({ games: 2000, seed: 4 });
  s3 = await startS3Server();
});
afterAll(async () => {
  await sandbox?.close();
  await s3?.close();
  for (const dir of mounted) execFileSync('umount', [dir]);
});

const env = (lakeDir: string) =>
  cleanEnv({ RAWG_API_KEY: KEY, RAWG_BASE_URL: sandbox.url, LAKE_URL: `file://${lakeDir}` });

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('a lake that cannot take writes', () => {
  it.skipIf(!canMount)(
    'a full disk (a 192 KB tmpfs): names the lake, says to free space; no staging or partial file left',
    async () => {
      const lakeDir = tmpfs('192k')!;
      const line = failureLine(await runGmp(['ingest', '--endpoint', 'games'], env(lakeDir)), 1);
      expect(line).toMatch(
        new RegExp(
          `the disk of the lake file://${lakeDir} is full \\(ENOSPC writing ${lakeDir}/\\S+\\): free some space, then rerun to resume`,
        ),
      );
      expect(readdirSync(join(lakeDir, '.staging'))).toEqual([]);
      // Every object there is whole.
      for (const file of filesUnder(lakeDir).filter((path) => path.endsWith('.json')))
        expect(() => JSON.parse(readFileSync(file, 'utf8')), file).not.toThrow();
    },
  );

  it('a read-only lake: names it, before any API request', async () => {
    let lakeDir = canMount ? tmpfs('64k', true) : undefined;
    if (!lakeDir) {
      lakeDir = mkdtempSync(join(tmpdir(), 'gmp-readonly-'));
      chmodSync(lakeDir, 0o555);
    }
    sandbox.resetStats();
    const line = failureLine(await runGmp(['ingest', '--endpoint', 'genres'], env(lakeDir)), 1);
    expect(line).toMatch(
      new RegExp(
        `^gmp: the lake file://${lakeDir} is not writable \\((EROFS|EACCES) on ${lakeDir}/\\.staging\\): fix its permissions or give another --lake$`,
      ),
    );
    expect(sandbox.stats().requests).toBe(0);
    expect(existsSync(join(lakeDir, '.staging'))).toBe(false);
  });
});

describe('the write check on S3 (a real S3 server)', () => {
  it('passes on a writable bucket, run after run, with one probe object that is not a run record', async () => {
    const lake = await freshLake('s3', s3);
    await lake.store.checkWritable();
    await lake.store.checkWritable();
    expect(await lake.store.list('')).toEqual([WRITE_PROBE]);
    expect(await runsSince(lake.store)).toEqual([]);
  });

  it('names a bucket that does not exist', async () => {
    const store = openLake({ lakeUrl: 's3://no-such-bucket-here/lake', s3Endpoint: s3.endpoint });
    await expect(store.checkWritable()).rejects.toThrow(
      /bucket "no-such-bucket-here" does not exist .*: create it with "gmp lake init"/,
    );
  });
});
