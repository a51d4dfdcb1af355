import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runLines } from '../../../src/transform/process.js';
import { venvPython } from '../../../src/transform/venv.js';
import { freePort } from '../../support/s3-server.js';

const fakesnowPath = join(import.meta.dirname, '../../../.tools/fakesnow-venv/bin/fakesnow');
const emulatorScript = join(import.meta.dirname, 'snowflake_emulator.py');

/** The fakesnow Snowflake emulator on loopback, and the env dbt's prod profile needs to reach it. */
export interface SnowflakeEmulator {
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startFakesnow(): Promise<SnowflakeEmulator> {
  if (!existsSync(fakesnowPath))
    throw new Error(`${fakesnowPath} is missing: run "make test" (it installs the emulator)`);
  const port = await freePort();
  const child: ChildProcess = spawn(fakesnowPath, ['-s', '--host', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`fakesnow did not start:\n${log}`)), 60_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Uvicorn running')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`fakesnow exited with ${code}:\n${log}`)));
  });
  return {
    env: {
      SNOWFLAKE_ACCOUNT: 'fakesnow',
      SNOWFLAKE_USER: 'fake',
      SNOWFLAKE_PASSWORD: 'snow',
      SNOWFLAKE_DATABASE: 'GAME_MARKET',
      SNOWFLAKE_HOST: '127.0.0.1',
      SNOWFLAKE_PORT: String(port),
      SNOWFLAKE_PROTOCOL: 'http',
    },
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Creates RAW.<ENDPOINT> stand-ins for the external tables and fills them from a local lake. */
export async function loadRawTables(emulator: SnowflakeEmulator, lakeDir: string): Promise<void> {
  const result = await runLines(venvPython, [emulatorScript, 'load', lakeDir], {
    env: { ...process.env, ...emulator.env },
  });
  expect(result.exitCode, result.tail.join('\n')).toBe(0);
}

/** The rows of each statement, in one connection (a connection costs seconds). */
export async function querySnowflake(
  emulator: SnowflakeEmulator,
  statements: string[],
): Promise<Record<string, unknown>[][]> {
  const results: Record<string, unknown>[][] = [];
  const result = await runLines(venvPython, [emulatorScript, 'query', ...statements], {
    env: { ...process.env, ...emulator.env },
    onLine: (line) => {
      if (line.startsWith('[')) results.push(JSON.parse(line) as Record<string, unknown>[]);
    },
  });
  expect(result.exitCode, result.tail.join('\n')).toBe(0);
  expect(results).toHaveLength(statements.length);
  return results;
}
