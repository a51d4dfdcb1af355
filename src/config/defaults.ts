/**
 * The embedded defaults of every setting that has one, relative to the working directory. The CLI
 * offers them as flag defaults; modules below it receive values and assume none of their own.
 */
export const DEFAULT_LAKE_URL = 'file://./.lake';
export const DEFAULT_WAREHOUSE_PATH = './.warehouse/game_market.duckdb';
export const DEFAULT_REPORT_PATH = 'reports/market-report.html';
