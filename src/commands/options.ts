import type { Argv } from 'yargs';
import { loadEndpoints } from '../config/load.js';
import type { EndpointsFile } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import {
  DEFAULT_API_LAKE_URL,
  DEFAULT_API_WAREHOUSE_PATH,
  DEFAULT_LAKE_URL,
  DEFAULT_WAREHOUSE_PATH,
  defaultLakeUrl,
  defaultWarehousePath,
} from '../config/defaults.js';
import { openLake } from '../lake/open.js';
import type { ObjectStore } from '../lake/store.js';
import { parseBaseUrl } from '../source/base-url.js';
import { redactUrl } from '../source/redact.js';
import type { ApiSettings } from '../ingest/run.js';

/** Flags shared by the commands that touch the lake; each falls back to its env variable. */
export function withLake<T>(yargs: Argv<T>) {
  return yargs
    .option('lake', {
      type: 'string',
      describe: 'the lake: file://DIR or s3://BUCKET[/PREFIX] [env LAKE_URL]',
      default: process.env.LAKE_URL || defaultLakeUrl(process.env),
      defaultDescription: `${DEFAULT_LAKE_URL}; ${DEFAULT_API_LAKE_URL} with RAWG_API_KEY set`,
    })
    .option('s3-endpoint', {
      type: 'string',
      describe: 'an S3-compatible server such as MinIO; unset for AWS S3 [env S3_ENDPOINT]',
      default: process.env.S3_ENDPOINT,
    });
}

/** The dev DuckDB warehouse flag of `transform` and `report`. */
export function withWarehouse<T>(yargs: Argv<T>, describe: string) {
  return yargs.option('warehouse', {
    type: 'string',
    describe: `${describe} [env WAREHOUSE_PATH]`,
    default: warehouseFromEnv(),
    defaultDescription: `${DEFAULT_WAREHOUSE_PATH}; ${DEFAULT_API_WAREHOUSE_PATH} with RAWG_API_KEY set`,
  });
}

/** The warehouse a command without a --warehouse flag builds and reads. */
export function warehouseFromEnv(): string {
  return process.env.WAREHOUSE_PATH || defaultWarehousePath(process.env);
}

/** The interpreter that makes the dbt venv. */
export function pythonFromEnv(): string | undefined {
  return process.env.GMP_PYTHON || undefined;
}

export function withApi<T>(yargs: Argv<T>) {
  return yargs
    .option('base-url', {
      type: 'string',
      describe: 'the API base URL [env RAWG_BASE_URL]; default from config/endpoints.json',
      default: process.env.RAWG_BASE_URL,
      // --help shows the default: never with the credentials the URL may carry.
      defaultDescription: process.env.RAWG_BASE_URL ? redactUrl(process.env.RAWG_BASE_URL) : undefined,
    })
    .check((args) => {
      if (typeof args.baseUrl === 'string' && args.baseUrl) checkBaseUrl(args.baseUrl);
      return true;
    });
}

/** The API base URL as given, once it is known to be an http(s) URL. */
export function checkBaseUrl(text: string): string {
  parseBaseUrl(text, '--base-url (or RAWG_BASE_URL)');
  return text;
}

export function lakeFrom(args: { lake: string; s3Endpoint?: string }): ObjectStore {
  return openLake({
    lakeUrl: args.lake,
    s3Endpoint: args.s3Endpoint,
    region: process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION,
  });
}

/** The API to call and its key. The key comes from the environment only: flags show up in `ps`. */
export function apiFrom(file: EndpointsFile, args: { baseUrl?: string }): ApiSettings {
  const apiKey = process.env.RAWG_API_KEY;
  if (!apiKey) {
    throw new ConfigError(
      'RAWG_API_KEY is not set: export your RAWG key, or run `gmp pipeline` without one to use the built-in sandbox API',
    );
  }
  return { baseUrl: args.baseUrl || file.source.baseUrl, apiKey };
}

/** The endpoints file GMP_ENDPOINTS names, or config/endpoints.json: every command passes it down. */
export function endpointsFromEnv(): EndpointsFile {
  return loadEndpoints(process.env.GMP_ENDPOINTS || undefined);
}

export type { ApiSettings };
