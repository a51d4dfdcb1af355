import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const INGESTERS = ['ours', 'seed', 'dlt'] as const;
export type IngesterName = (typeof INGESTERS)[number];

const root = join(import.meta.dirname, '../..');
export const paths = {
  cli: join(root, 'dist/cli.js'),
  /** The `gmp` launcher (package.json bin, the images' entrypoint): ours is measured as users start it. */
  gmp: join(root, 'bin/gmp.js'),
  seed: join(root, 'bench/.work/baselines/seed.js'),
  dltScript: join(root, 'bench/baselines/dlt_games.py'),
  dltPython: join(root, '.tools/dlt-venv/bin/python'),
};

/** What every ingester needs to know: where the API is, and the S3 server it writes to. */
export interface BenchContext {
  apiUrl: string;
  apiKey: string;
  s3: { endpoint: string; env: Record<string, string>; accessKeyId: string; secretAccessKey: string };
  /** Scratch space for an ingester's local state (dlt's pipelines directory). */
  workDir: string;
  /** Our endpoints config (GMP_ENDPOINTS) for every run that names none. */
  oursEndpoints?: string;
}

export interface Launch {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** A minimal environment: nothing from the caller's shell leaks into a measured run. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'LANG', 'TMPDIR']) if (process.env[name]) env[name] = process.env[name]!;
  return env;
}

/** How to start one ingester against one bucket; `extraEnv` adds settings (e.g. GMP_ENDPOINTS). */
export function launch(
  name: IngesterName,
  bucket: string,
  ctx: BenchContext,
  extra: { env?: Record<string, string>; args?: string[] } = {},
): Launch {
  const api = { RAWG_BASE_URL: ctx.apiUrl, RAWG_API_KEY: ctx.apiKey };
  switch (name) {
    case 'ours':
      return {
        command: paths.gmp,
        args: ['ingest', '--endpoint', 'games', '--json', ...(extra.args ?? [])],
        env: {
          ...baseEnv(),
          ...ctx.s3.env,
          ...api,
          LAKE_URL: `s3://${bucket}/lake`,
          ...(ctx.oursEndpoints ? { GMP_ENDPOINTS: ctx.oursEndpoints } : {}),
          ...extra.env,
        },
      };
    case 'seed':
      return {
        command: process.execPath,
        args: [paths.seed],
        // The AWS SDK warns on stderr about Node 20's end of support; ours silences it the same way.
        env: {
          ...baseEnv(),
          ...ctx.s3.env,
          ...api,
          LAKE_URL: `s3://${bucket}/lake`,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          ...extra.env,
        },
      };
    case 'dlt':
      return {
        command: paths.dltPython,
        args: [paths.dltScript],
        env: {
          ...baseEnv(),
          ...api,
          DLT_PIPELINES_DIR: dltPipelinesDir(bucket, ctx),
          DESTINATION__FILESYSTEM__BUCKET_URL: `s3://${bucket}/lake`,
          DESTINATION__FILESYSTEM__CREDENTIALS__AWS_ACCESS_KEY_ID: ctx.s3.accessKeyId,
          DESTINATION__FILESYSTEM__CREDENTIALS__AWS_SECRET_ACCESS_KEY: ctx.s3.secretAccessKey,
          DESTINATION__FILESYSTEM__CREDENTIALS__ENDPOINT_URL: ctx.s3.endpoint,
          DESTINATION__FILESYSTEM__CREDENTIALS__REGION_NAME: 'us-east-1',
          RUNTIME__DLTHUB_TELEMETRY: 'false',
          ...extra.env,
        },
      };
  }
}

/** dlt keeps its state (and extracted-but-unloaded data) in a local directory, one per lake. */
function dltPipelinesDir(bucket: string, ctx: BenchContext): string {
  const dir = join(ctx.workDir, 'dlt', bucket);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Forgets an ingester's local state for a lake (a cold start is cold for dlt too). */
export function forgetLocalState(bucket: string, ctx: BenchContext): void {
  rmSync(join(ctx.workDir, 'dlt', bucket), { recursive: true, force: true });
}
