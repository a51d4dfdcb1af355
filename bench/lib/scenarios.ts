import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { openLake } from '../../src/lake/open.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { countByOperation, type AccessLog } from './access-log.js';
import { forgetLocalState, launch, type BenchContext, type IngesterName } from './ingesters.js';
import { measure, type Measured } from './measure.js';
import type { Metrics } from './results.js';

export interface RunOptions {
  /** Kill the process (SIGKILL) once the API has answered this many requests. */
  killAtRequests?: number;
  env?: Record<string, string>;
  args?: string[];
  /** Called on every tick with the API's request count so far. */
  onRequests?: (requests: number) => void;
}

export interface RunResult {
  metrics: Metrics;
  measured: Measured;
}

const PAGE_OBJECT = /\/page=\d+\.json$/;

/** Runs ingesters against one sandbox and one S3 server, counting on both servers. */
export class Bench {
  constructor(
    readonly ctx: BenchContext,
    readonly sandbox: Sandbox,
    readonly log: AccessLog,
  ) {}

  /** A new, empty lake for an ingester (and no local state left from an earlier one). */
  async freshLake(bucket: string): Promise<void> {
    forgetLocalState(bucket, this.ctx);
    await this.#store(bucket).init();
  }

  async pageObjects(bucket: string): Promise<number> {
    return (await this.#store(bucket).list('')).filter((key) => PAGE_OBJECT.test(key)).length;
  }

  /** Bytes of the objects holding the data: our and the seed's pages, dlt's files of games. */
  async dataBytes(bucket: string): Promise<number> {
    const client = new S3Client({ endpoint: this.ctx.s3.endpoint, forcePathStyle: true, region: 'us-east-1' });
    let bytes = 0;
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      for (const { Key, Size } of page.Contents ?? [])
        if (Key && (PAGE_OBJECT.test(Key) || Key.includes('games_snapshot/games/'))) bytes += Size ?? 0;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    client.destroy();
    return bytes;
  }

  /** Every `every`-th stored page of a lake, as stored. */
  async samplePages(bucket: string, every: number): Promise<Uint8Array[]> {
    const store = this.#store(bucket);
    const keys = (await store.list(''))
      .filter((key) => PAGE_OBJECT.test(key))
      .filter((_, index) => index % every === 0);
    const pages = await Promise.all(keys.map((key) => store.get(key)));
    return pages.filter((page): page is Uint8Array => page !== undefined);
  }

  async objects(bucket: string, prefix = ''): Promise<string[]> {
    return this.#store(bucket).list(prefix);
  }

  /** One measured run: wall time, peak RSS, API requests (sandbox) and store requests (access log). */
  async run(name: IngesterName, bucket: string, options: RunOptions = {}): Promise<RunResult> {
    const { command, args, env } = launch(name, bucket, this.ctx, { env: options.env, args: options.args });
    this.sandbox.resetStats();
    const mark = this.log.mark();
    const measured = await measure(command, args, {
      env,
      onTick: () => options.onRequests?.(this.sandbox.stats().requests),
      killWhen:
        options.killAtRequests === undefined
          ? undefined
          : () => this.sandbox.stats().requests >= options.killAtRequests!,
    });
    await new Promise((resolve) => setTimeout(resolve, 200)); // let the server finish its log lines
    const requests = this.log.since(mark, bucket);
    return {
      measured,
      metrics: {
        wallMs: measured.wallMs,
        apiRequests: this.sandbox.stats().requests,
        storeRequests: requests.length,
        peakRssMb: measured.peakRssMb,
        cpuMs: measured.cpuMs,
        storeRequestsByOperation: countByOperation(requests),
      },
    };
  }

  #store(bucket: string) {
    return openLake({ lakeUrl: `s3://${bucket}/lake`, s3Endpoint: this.ctx.s3.endpoint });
  }
}

/** Fails the benchmark with the ingester's own last words when a run that should succeed did not. */
export function expectSuccess(name: string, result: RunResult): void {
  const { code, signal, stderr, stdout } = result.measured;
  if (code === 0) return;
  const last = (stderr.trim() || stdout.trim()).split('\n').slice(-3).join(' | ');
  throw new Error(`${name} exited with ${signal ?? code}: ${last}`);
}
