import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { dbtRunSettings, duckdbExtensionDir, lakeLocation } from './settings.js';

describe('lakeLocation', () => {
  it('makes a file:// lake absolute against the working directory', () => {
    expect(lakeLocation('file://./.lake', '/home/me/project')).toBe('file:///home/me/project/.lake');
    expect(lakeLocation('file:///data/lake/', '/elsewhere')).toBe('file:///data/lake');
  });

  it('keeps an s3:// lake, without a trailing slash', () => {
    expect(lakeLocation('s3://game-lake')).toBe('s3://game-lake');
    expect(lakeLocation('s3://game-lake/prod/raw-zone/')).toBe('s3://game-lake/prod/raw-zone');
  });

  it('refuses anything else in one line, never echoing credentials', () => {
    expect(() => lakeLocation('http://example.com/lake')).toThrow(ConfigError);
    expect(() => lakeLocation('file://')).toThrow(/names no directory/);
    expect(() => lakeLocation('s3://user:secret@bucket')).toThrow(/a URL with credentials/);
    expect(() => lakeLocation('s3://user:secret@bucket')).not.toThrow(/secret/);
  });
});

describe('dbtRunSettings', () => {
  const prod = { target: 'prod' as const, lakeUrl: 's3://bucket', warehousePath: 'unused.duckdb' };

  it('gives dev absolute paths, the project profile and the offline extension folder', () => {
    const settings = dbtRunSettings(
      { target: 'dev', lakeUrl: 'file://lake', warehousePath: './.warehouse/game_market.duckdb' },
      { PATH: '/bin' },
      '/work/x',
    );
    expect(settings.warehousePath).toBe('/work/x/.warehouse/game_market.duckdb');
    expect(settings.targetPath).toBe('/work/x/.warehouse/game_market.dbt-target');
    expect(settings.env).toMatchObject({
      LAKE_URL: 'file:///work/x/lake',
      WAREHOUSE_PATH: '/work/x/.warehouse/game_market.duckdb',
      DUCKDB_EXTENSION_DIRECTORY: duckdbExtensionDir,
      DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
      DBT_TARGET: 'dev',
      PATH: '/bin',
    });
    expect(settings.env.DBT_PROFILES_DIR).toMatch(/\/dbt$/);
  });

  it('takes the lake and warehouse from its inputs, not from the environment it passes on', () => {
    const settings = dbtRunSettings(
      { target: 'dev', lakeUrl: 's3://bucket/p', s3Endpoint: 'http://127.0.0.1:9000', warehousePath: 'w.duckdb' },
      { LAKE_URL: 'file://ignored', WAREHOUSE_PATH: 'ignored.duckdb' },
      '/r',
    );
    expect(settings.env).toMatchObject({
      LAKE_URL: 's3://bucket/p',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      WAREHOUSE_PATH: '/r/w.duckdb',
    });
  });

  it("leaves out the launcher's malloc setting, which is for Node, on both targets", () => {
    const env = {
      PATH: '/bin',
      MALLOC_MMAP_THRESHOLD_: '131072',
      SNOWFLAKE_ACCOUNT: 'a',
      SNOWFLAKE_USER: 'u',
      SNOWFLAKE_PASSWORD: 'p',
    };
    for (const settings of [
      dbtRunSettings({ target: 'dev', lakeUrl: 'file://lake', warehousePath: 'w.duckdb' }, env, '/r'),
      dbtRunSettings(prod, env),
    ]) {
      expect(settings.env).not.toHaveProperty('MALLOC_MMAP_THRESHOLD_');
      expect(settings.env.PATH).toBe('/bin');
    }
  });

  it('asks for the Snowflake credentials before a prod run, naming the missing ones', () => {
    expect(() => dbtRunSettings(prod, { SNOWFLAKE_ACCOUNT: 'acme' })).toThrow(
      '--target prod needs SNOWFLAKE_USER, SNOWFLAKE_PASSWORD in the environment (Snowflake credentials)',
    );
    const settings = dbtRunSettings(prod, { SNOWFLAKE_ACCOUNT: 'a', SNOWFLAKE_USER: 'u', SNOWFLAKE_PASSWORD: 'p' });
    expect(settings.warehousePath).toBeUndefined();
    expect(settings.env.DBT_TARGET).toBe('prod');
  });
});
