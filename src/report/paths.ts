import { DEFAULT_WAREHOUSE_PATH } from '../transform/settings.js';

/** The warehouse dbt's dev target builds, and where the report goes; relative to the working directory. */
export { DEFAULT_WAREHOUSE_PATH };
export const DEFAULT_REPORT_PATH = 'reports/market-report.html';
