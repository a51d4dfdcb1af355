import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real S3-compatible server (versitygw, posix backend) on loopback, for tests and benchmarks. */
export interface S3Server {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Env for child processes: credentials, region and S3_ENDPOINT. */
  env: Record<string, string>;
  /** Stops the server; its data stays until `close`. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export const versitygwPath = join(import.meta.dirname, '../../.tools/bin/versitygw');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface S3ServerOptions {
  /** Write one line per S3 request to this file (versitygw's access log), to count requests server-side. */
  accessLog?: string;
  /** The root credentials, when a test needs given ones (a documented local server's). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export async function startS3Server(options: S3ServerOptions = {}): Promise<S3Server> {
  if (!existsSync(versitygwPath))
    throw new Error(`${versitygwPath} is missing: run "make test" (it builds the S3 server)`);
  const dataDir = mkdtempSync(join(tmpdir(), 'gmp-s3-'));
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const { accessKeyId, secretAccessKey } = options.credentials ?? {
    accessKeyId: 'gmp-test-access',
    secretAccessKey: 'gmp-test-secret-0123456789',
  };
  let child: ChildProcess | undefined;

  const start = async () => {
    const logging = options.accessLog ? ['--access-log', options.accessLog] : [];
    child = spawn(versitygwPath, ['--port', `127.0.0.1:${port}`, ...logging, 'posix', dataDir], {
      env: { ...process.env, ROOT_ACCESS_KEY: accessKeyId, ROOT_SECRET_KEY: secretAccessKey },
      stdio: 'ignore',
    });
    await waitForHttp(endpoint);
  };
  const stop = async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    endpoint,
    accessKeyId,
    secretAccessKey,
    env: {
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
      AWS_REGION: 'us-east-1',
      S3_ENDPOINT: endpoint,
    },
    stop,
    start,
    close: async () => {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function waitForHttp(url: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`S3 server at ${url} did not start within ${timeoutMs} ms`);
}
