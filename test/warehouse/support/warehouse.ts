import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect } from 'vitest';
import type { Sandbox } from '../../../src/sandbox/server.js';
import { modelsIn } from '../../../src/transform/dbt-models.js';
import { runGmp, type GmpResult } from '../../support/gmp.js';

/** The sandbox catalogue the warehouse tests build on: small enough for a build in seconds. */
export const SANDBOX = { games: 400, seed: 11, today: '2024-06-01' } as const;
/** The snapshot's logical date, and the updated partition (games changed that day) ingested beside it. */
export const SNAPSHOT_DATE = '2024-06-01';
export const WINDOW_DATE = '2024-05-31';
/** Game details fetched beside them (one request each): the most added games, as the planner chooses. */
export const DETAILS_BATCH = 40;
/** Looks like a real RAWG key, so a leak anywhere is found by a plain search. */
export const API_KEY = 'fedcba9876543210fedcba9876543210';

export { dbtDir } from '../../../src/paths.js';

/** Runs gmp and fails the test, showing stderr, unless it exits 0. */
export async function gmpOk(args: string[], env: Record<string, string>): Promise<GmpResult> {
  const result = await runGmp(args, env);
  expect(result.code, `gmp ${args.join(' ')} failed:\n${result.stderr}`).toBe(0);
  return result;
}

/** Ingests a snapshot of every listing, one updated partition of games and a batch of game details from the sandbox. */
export async function ingestSandbox(env: Record<string, string>): Promise<void> {
  await gmpOk(['ingest', '--all', '--mode', 'snapshot', '--date', SNAPSHOT_DATE], env);
  await gmpOk(['ingest', '--endpoint', 'games', '--mode', 'updated', '--date', WINDOW_DATE], env);
  // A batch of game details, the only source of publishers and developers per game.
  await gmpOk(['ingest', '--endpoint', 'game_details', '--max-pages', String(DETAILS_BATCH)], env);
}

/** Rows of a query against a warehouse file, opened read-only, as plain JSON values. */
export async function query(warehousePath: string, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(warehousePath, { access_mode: 'READ_ONLY' });
  try {
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(sql);
      return reader.getRowObjectsJson() as Record<string, unknown>[];
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

export async function count(warehousePath: string, table: string): Promise<number> {
  const [row] = await query(warehousePath, `select count(*) as n from ${table}`);
  return Number(row!.n);
}

/**
 * Every mart of the dbt project (dbt/models/marts/) but the game history, fct_game_versions, which
 * the tests that compare builds add beside the incremental intermediates.
 */
export const MARTS = modelsIn('marts').filter((mart) => mart !== 'fct_game_versions');

/** The intermediate models that are incremental by game or by nested object: an incremental build must equal a full one on them too. */
export const INCREMENTAL_INTERMEDIATES = [
  'int_games_latest',
  'int_game_genres',
  'int_game_platforms',
  'int_game_parent_platforms',
  'int_game_stores',
  'int_game_tags',
  'int_tag_details_from_games',
  'int_genre_details_from_games',
  'int_platform_details_from_games',
  'int_store_details_from_games',
];

/** Columns that say which build loaded a row: an incremental sequence and a full refresh differ there by construction. */
const BUILD_STAMPS = new Set(['loaded_at', 'last_loaded_at']);

/**
 * Rows as JSON text, sorted: two builds hold the same data when these are equal. Means are
 * rounded to 12 digits (a parallel sum has no fixed order, even within one build); the build
 * stamps are left out. Column names of either case (Snowflake's are upper case).
 */
export function comparableRows(rows: readonly Record<string, unknown>[]): string[] {
  const steady = (key: string, value: unknown) =>
    BUILD_STAMPS.has(key.toLowerCase())
      ? undefined
      : typeof value === 'number' && !Number.isInteger(value)
        ? Number(value.toPrecision(12))
        : value;
  return rows.map((row) => JSON.stringify(row, steady)).sort();
}

/** A page of the sandbox's games listing, fetched the way ingest does. */
export async function sandboxGames(sandbox: Sandbox, page = 1): Promise<SandboxGame[]> {
  const response = await fetch(`${sandbox.url}/games?page=${page}&page_size=40&key=${API_KEY}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { results: SandboxGame[] }).results;
}

export interface SandboxGame {
  id: number;
  name: string;
  released: string | null;
  rating: number;
  metacritic: number | null;
  updated: string;
  genres: { id: number; name: string; slug: string }[];
  platforms: { platform: { id: number; name: string; slug: string } }[];
  parent_platforms: { platform: { id: number; name: string; slug: string } }[];
  stores: { store: { id: number; name: string; slug: string } }[];
  tags: { id: number; name: string; slug: string; language: string }[];
}

/** Files under `dir` (recursively) whose bytes contain `needle`. */
export function filesContaining(dir: string, needle: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  const walk = (path: string) => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path)) walk(join(path, name));
    } else if (readFileSync(path).includes(needle)) {
      found.push(path);
    }
  };
  walk(dir);
  return found;
}

/** Every file under a folder with its modification time and size: dbt writes here whenever it starts. */
export function filesState(dir: string): Record<string, string> {
  const state: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const stat = statSync(join(dir, name));
    if (stat.isFile()) state[name] = `${stat.mtimeMs} ${stat.size}`;
  }
  return state;
}

export const sortedIds = (ids: number[]) => [...ids].sort((a, b) => a - b);
