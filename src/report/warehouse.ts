import { statSync } from 'node:fs';
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { ReportError } from '../errors.js';

/** dbt-duckdb builds the dev target's models in this schema (dbt/profiles.yml, target dev). */
export const MARTS_SCHEMA = 'main';

/**
 * The marts the report reads (models of dbt/models/marts/); a warehouse without them was never
 * built (or only partly). market-data.ts can name no other: its table names take a ReportMart.
 */
export const REPORT_MARTS = [
  'dim_games',
  'fct_game_versions',
  'mart_genre_releases_by_year',
  'mart_platform_release_share_by_year',
  'mart_store_coverage',
  'mart_top_rated_games',
  'dim_game_details',
  'mart_top_companies',
] as const;
export type ReportMart = (typeof REPORT_MARTS)[number];

/** A row as plain JS values: the queries cast to INTEGER, DOUBLE and VARCHAR, so no bigint or Date. */
export type Row = Record<string, string | number | boolean | null>;

/** The warehouse, open read-only: a running dbt build keeps its lock, and the report never writes. */
export interface Warehouse {
  readonly path: string;
  rows(sql: string, params?: DuckDBValue[]): Promise<Row[]>;
  close(): void;
}

const runFirst = '`gmp pipeline` (or `gmp transform`)';

export async function openWarehouse(path: string): Promise<Warehouse> {
  const size = fileSize(path);
  if (!size) throw new ReportError(`no warehouse at ${path}: run ${runFirst} first`);
  let instance: DuckDBInstance;
  try {
    // DuckDB loads only when a warehouse is opened: every other command starts without it.
    const { DuckDBInstance } = await import('@duckdb/node-api');
    instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  } catch (error) {
    throw new ReportError(openFailure(path, error));
  }
  let connection: DuckDBConnection | undefined;
  try {
    connection = await instance.connect();
    const open = connection;
    const warehouse: Warehouse = {
      path,
      rows: async (sql, params) => (await open.runAndReadAll(sql, params)).getRowObjectsJS() as Row[],
      close: () => {
        open.closeSync();
        instance.closeSync();
      },
    };
    await checkMarts(warehouse);
    return warehouse;
  } catch (error) {
    connection?.closeSync();
    instance.closeSync();
    throw error;
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function openFailure(path: string, error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
  if (/lock/i.test(message))
    return `the warehouse at ${path} is in use by another process (a dbt build?): run the report when it has finished`;
  if (/not a valid DuckDB database/i.test(message))
    return `no warehouse at ${path} (the file is not a DuckDB database): run ${runFirst} first`;
  return `cannot open the warehouse at ${path}: ${message}`;
}

/** Fails with one line when the marts are missing or hold no games: an empty page helps nobody. */
async function checkMarts(warehouse: Warehouse): Promise<void> {
  const present = new Set(
    (
      await warehouse.rows(
        `select table_name::varchar as name from information_schema.tables where table_schema = $1`,
        [MARTS_SCHEMA],
      )
    ).map((row) => row.name as string),
  );
  const missing = REPORT_MARTS.filter((mart) => !present.has(mart));
  if (missing.length === REPORT_MARTS.length)
    throw new ReportError(`no warehouse at ${warehouse.path} (it holds no marts): run ${runFirst} first`);
  if (missing.length)
    throw new ReportError(
      `the warehouse at ${warehouse.path} lacks ${missing.join(', ')}: run \`gmp transform\` to rebuild it`,
    );
  const [games] = await warehouse.rows(`select count(*)::integer as games from ${MARTS_SCHEMA}.dim_games`);
  if (!games?.games) throw new ReportError(`the warehouse at ${warehouse.path} holds no games: run ${runFirst} first`);
}
