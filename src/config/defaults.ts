/**
 * The embedded defaults of every setting that has one, relative to the working directory. The CLI
 * offers them as flag defaults; modules below it receive values and assume none of their own.
 */
export const DEFAULT_LAKE_URL = 'file://./.lake';
export const DEFAULT_WAREHOUSE_PATH = './.warehouse/game_market.duckdb';
/**
 * With RAWG_API_KEY set, the lake and warehouse default to these instead: a lake is bound to one
 * API, so the sandbox's (`make run`) and the real API's never meet unless LAKE_URL says so.
 */
export const DEFAULT_API_LAKE_URL = 'file://./.lake-api';
export const DEFAULT_API_WAREHOUSE_PATH = './.warehouse/api/game_market.duckdb';

/** The default lake of a command run in `env`: the real API's with a key, else the sandbox's. */
export const defaultLakeUrl = (env: NodeJS.ProcessEnv): string =>
  env.RAWG_API_KEY ? DEFAULT_API_LAKE_URL : DEFAULT_LAKE_URL;
export const defaultWarehousePath = (env: NodeJS.ProcessEnv): string =>
  env.RAWG_API_KEY ? DEFAULT_API_WAREHOUSE_PATH : DEFAULT_WAREHOUSE_PATH;
export const DEFAULT_REPORT_PATH = 'reports/market-report.html';
/** How many games the built-in sandbox's catalogue holds: `gmp sandbox` and `gmp pipeline` without a key. */
export const DEFAULT_SANDBOX_GAMES = 2000;
/** With a real key, a pipeline run fetches at most this many pages unless told otherwise. */
export const DEFAULT_REAL_API_MAX_PAGES = 100;
