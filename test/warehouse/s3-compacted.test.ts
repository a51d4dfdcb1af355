// A dev build over an S3 lake (versitygw) whose partitions are compacted: DuckDB reads the Parquet
// parts from the bucket through httpfs (installed with the venv, never downloaded), and the marts
// equal those of the build from the raw pages of the same bucket.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLakeUrl } from '../../src/lake/url.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { duckdbExtensionDir } from '../../src/transform/settings.js';
import { cleanEnv } from '../support/gmp.js';
import { freshLake, type TestLake } from '../support/lakes.js';
import { startS3Server, type S3Server } from '../support/s3-server.js';
import { API_KEY, filesContaining, gmpOk, ingestSandbox, MARTS, query, SANDBOX } from './support/warehouse.js';

/**
 * Every row of a table as JSON text, sorted; means to 12 digits (DuckDB sums in parallel). Load
 * stamps (`*loaded_at`) say when a build took a row in, not what the data is: left out.
 */
async function rowsOf(warehouse: string, table: string): Promise<string[]> {
  const steady = (key: string, value: unknown) =>
    key.endsWith('loaded_at')
      ? undefined
      : typeof value === 'number' && !Number.isInteger(value)
        ? Number(value.toPrecision(12))
        : value;
  return (await query(warehouse, `select * from ${table}`)).map((row) => JSON.stringify(row, steady)).sort();
}

/** The locations the last build of base_games read, as compiled: raw page globs and Parquet part globs. */
function readBy(warehouse: string): { pages: string[]; parts: string[] } {
  const compiled = readFileSync(
    join(warehouse.replace(/\.duckdb$/, '.dbt-target'), 'compiled', 'game_market', 'models', 'base', 'base_games.sql'),
    'utf8',
  );
  const globs = (pattern: RegExp) => [...compiled.matchAll(pattern)].map((match) => match[0]).sort();
  return {
    pages: globs(/[a-z0-9]+:\/\/[^'"\s]*\/raw\/games\/load=[^/]+\/date=[^/]+\/\*\*\/page=\*\.json/g),
    parts: globs(/[a-z0-9]+:\/\/[^'"\s]*\/compact\/games\/load=[^/]+\/date=[^/]+\/part-\*\.parquet/g),
  };
}

/** The lake's bucket and key prefix. */
function bucketOf(lake: TestLake): { bucket: string; prefix: string } {
  const url = parseLakeUrl(lake.url);
  if (url.kind !== 's3') throw new Error(`${lake.url} is not an S3 lake`);
  return url;
}

/** The extension files DuckDB has to load from: a download at run time would add to them. */
const extensionFiles = () => readdirSync(duckdbExtensionDir, { recursive: true, encoding: 'utf8' }).sort();

describe('gmp transform --target dev over compacted partitions in an S3 lake (versitygw, httpfs, dbt-duckdb)', () => {
  let s3: S3Server;
  let sandbox: Sandbox;
  let lake: TestLake;
  let workDir: string;
  let fromPages: string;
  let fromParts: string;
  let env: Record<string, string>;
  let extensionsBefore: string[];

  beforeAll(async () => {
    s3 = await startS3Server();
    sandbox = await startSandbox(SANDBOX);
    lake = await freshLake('s3', s3);
    workDir = mkdtempSync(join(tmpdir(), 'gmp-s3-compacted-'));
    fromPages = join(workDir, 'pages.duckdb');
    fromParts = join(workDir, 'parts.duckdb');
    env = cleanEnv({ ...lake.env, WAREHOUSE_PATH: fromPages, RAWG_API_KEY: API_KEY, RAWG_BASE_URL: sandbox.url });
    extensionsBefore = extensionFiles();
    await ingestSandbox(env);
    await gmpOk(['transform'], env);
    await gmpOk(['compact', '--json'], env);
    await gmpOk(['transform', '--warehouse', fromParts, '--full-refresh'], env);
  }, 900_000);

  afterAll(async () => {
    await sandbox?.close();
    await s3?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('reads the Parquet parts from the bucket and gives the same rows in every mart as the build from the raw pages', async () => {
    const { bucket, prefix } = bucketOf(lake);
    const root = `s3://${bucket}/${prefix}`;
    const partitions = ['load=snapshot/date=2024-06-01', 'load=updated/date=2024-05-31'];
    expect(readBy(fromPages)).toEqual({
      pages: partitions.map((p) => `${root}/raw/games/${p}/**/page=*.json`),
      parts: [],
    });
    expect(readBy(fromParts)).toEqual({
      pages: [],
      parts: partitions.map((p) => `${root}/compact/games/${p}/part-*.parquet`),
    });
    for (const table of [...MARTS, 'base_games', 'base_tags', 'stg_games']) {
      const rows = await rowsOf(fromParts, table);
      expect(rows.length, table).toBeGreaterThan(0);
      expect(rows, table).toEqual(await rowsOf(fromPages, table));
    }
  }, 300_000);

  it('installs no extension at run time: httpfs comes from the venv and Parquet is built into DuckDB', () => {
    expect(extensionsBefore).toContain(join('v1.5.5', 'linux_amd64', 'httpfs.duckdb_extension'));
    expect(extensionFiles()).toEqual(extensionsBefore);
  });

  it('never opens the raw pages of a compacted partition: with every page object in the bucket made invalid, a full build still gives the same marts', async () => {
    const { bucket, prefix } = bucketOf(lake);
    const client = new S3Client({
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    const pages = (await lake.store.list('raw/')).filter((key) => /\/page=\d+\.json$/.test(key));
    expect(pages.length).toBeGreaterThan(10);
    for (const key of pages)
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}/${key}`, Body: 'not json' }));
    expect(new TextDecoder().decode(await lake.store.get(pages[0]!))).toBe('not json');

    const again = join(workDir, 'again.duckdb');
    await gmpOk(['transform', '--warehouse', again, '--full-refresh'], env);
    for (const table of MARTS) expect(await rowsOf(again, table), table).toEqual(await rowsOf(fromParts, table));
  }, 300_000);

  it('keeps the S3 credentials out of the compiled SQL, the logs and the warehouse files', () => {
    for (const warehouse of [fromPages, fromParts]) {
      expect(filesContaining(warehouse.replace(/\.duckdb$/, '.dbt-target'), s3.secretAccessKey)).toEqual([]);
    }
    expect(filesContaining(workDir, s3.secretAccessKey)).toEqual([]);
  });
});
