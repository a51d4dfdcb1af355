/**
 * The embedded defaults of every setting that has one, relative to the working directory. The CLI
 * offers them as flag defaults; modules below it receive values and assume none of their own.
 */
export const DEFAULT_LAKE_URL = 'file://./.lake';
export const DEFAULT_WAREHOUSE_PATH = './.warehouse/game_market.duckdb';
export const DEFAULT_REPORT_PATH = 'reports/market-report.html';
/** How many games the built-in sandbox's catalogue holds: `gmp sandbox` and `gmp pipeline` without a key. */
export const DEFAULT_SANDBOX_GAMES = 2000;
/** With a real key, a pipeline run fetches at most this many pages unless told otherwise. */
export const DEFAULT_REAL_API_MAX_PAGES = 100;
