import { createRequire } from 'node:module';
import type { S3Client } from '@aws-sdk/client-s3';
import { BucketMissingError, LakeNotWritableError, StoreUnavailableError } from '../errors.js';
import { SignedPut } from './s3-put.js';
import type { ObjectStore } from './store.js';

/**
 * The AWS SDK, loaded when the first S3 lake is opened: a run on a local lake (a transform that
 * finds nothing new among them) starts without its hundreds of modules.
 */
let loaded: typeof import('@aws-sdk/client-s3') | undefined;
const sdk = () =>
  (loaded ??= createRequire(import.meta.url)('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3'));

/** The object `checkWritable` writes: under `_ledger/`, which ingest writes anyway, outside any month's folder. */
export const WRITE_PROBE = '_ledger/.write-probe';

export interface S3StoreOptions {
  bucket: string;
  /** Key prefix inside the bucket, without slashes at either end ('' for the bucket's root). */
  prefix: string;
  /** An S3-compatible server (MinIO, versitygw...): path-style addressing. Unset: AWS S3. */
  endpoint?: string;
  region?: string;
}

/**
 * A lake in an S3 bucket. Writes are conditional (`If-None-Match: *`), so two runs never
 * overwrite each other's pages; a PUT is atomic, so an object is whole or absent.
 */
export class S3Store implements ObjectStore {
  readonly #sdk = sdk();
  readonly #client: S3Client;
  readonly #options: S3StoreOptions;
  readonly #signedPut: SignedPut;

  constructor(options: S3StoreOptions) {
    this.#options = options;
    this.#client = new this.#sdk.S3Client({
      region: options.region ?? 'us-east-1',
      ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 3_000, requestTimeout: 15_000 },
      // Checksums only where S3 requires them: S3-compatible servers differ in what they accept.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    this.#signedPut = new SignedPut(this.#client, options.bucket);
  }

  get location(): string {
    const where = `s3://${this.#options.bucket}${this.#options.prefix ? `/${this.#options.prefix}` : ''}`;
    return this.#options.endpoint ? `${where} at ${this.#options.endpoint}` : where;
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.#client.send(new this.#sdk.HeadObjectCommand({ Bucket: this.#options.bucket, Key: this.#key(key) }));
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw this.#translate(error);
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const response = await this.#client.send(
        new this.#sdk.GetObjectCommand({ Bucket: this.#options.bucket, Key: this.#key(key) }),
      );
      return await response.Body!.transformToByteArray();
    } catch (error) {
      if (nameOf(error) === 'NoSuchKey') return undefined;
      throw this.#translate(error);
    }
  }

  async putIfAbsent(key: string, body: string | Uint8Array): Promise<boolean> {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    // The common answers cheaply; any other through the SDK, which retries and explains failures.
    const outcome = await this.#signedPut.put(this.#key(key), bytes, 'application/json');
    if (outcome !== 'other') return outcome === 'stored';
    try {
      await this.#client.send(
        new this.#sdk.PutObjectCommand({
          Bucket: this.#options.bucket,
          Key: this.#key(key),
          // A copy: the SDK may still be sending it when it answers, and the caller then reuses its buffer.
          Body: Buffer.from(bytes),
          ContentType: 'application/json',
          IfNoneMatch: '*',
        }),
      );
      return true;
    } catch (error) {
      // 412: the object exists. 409: another conditional write of it is in progress.
      const status = statusOf(error);
      if (status === 412 || status === 409) return false;
      throw this.#translate(error);
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.#client.send(
          new this.#sdk.ListObjectsV2Command({
            Bucket: this.#options.bucket,
            Prefix: this.#key(prefix),
            ContinuationToken: token,
          }),
        );
        for (const object of page.Contents ?? []) {
          if (object.Key) keys.push(object.Key.slice(this.#rootLength));
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (error) {
      throw this.#translate(error);
    }
    return keys.sort();
  }

  async listChildren(prefix: string): Promise<string[]> {
    const names: string[] = [];
    let token: string | undefined;
    const at = this.#key(prefix);
    try {
      do {
        const page = await this.#client.send(
          new this.#sdk.ListObjectsV2Command({
            Bucket: this.#options.bucket,
            Prefix: at,
            Delimiter: '/',
            ContinuationToken: token,
          }),
        );
        for (const common of page.CommonPrefixes ?? [])
          if (common.Prefix) names.push(common.Prefix.slice(at.length).replace(/\/$/, ''));
        for (const object of page.Contents ?? []) if (object.Key) names.push(object.Key.slice(at.length));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (error) {
      throw this.#translate(error);
    }
    return names.sort();
  }

  async init(): Promise<void> {
    try {
      await this.#client.send(new this.#sdk.CreateBucketCommand({ Bucket: this.#options.bucket }));
    } catch (error) {
      const name = nameOf(error);
      if (name === 'BucketAlreadyOwnedByYou' || name === 'BucketAlreadyExists') return;
      throw this.#translate(error);
    }
  }

  /**
   * One conditional PUT of a tiny probe object (`{}`, so every lake object parses as JSON),
   * outside every prefix the pipeline reads as data.
   * S3 checks permissions before preconditions, so both outcomes prove PUTs are allowed: 200 the
   * first time, 412 on every later run (the probe is never rewritten, and never needs deleting).
   */
  async checkWritable(): Promise<void> {
    try {
      await this.#client.send(
        new this.#sdk.PutObjectCommand({
          Bucket: this.#options.bucket,
          Key: this.#key(WRITE_PROBE),
          Body: '{}\n',
          ContentType: 'application/json',
          IfNoneMatch: '*',
        }),
      );
    } catch (error) {
      const status = statusOf(error);
      if (status === 412 || status === 409) return;
      if (nameOf(error) === 'AccessDenied') {
        throw new LakeNotWritableError(
          `the lake ${this.location} refuses writes (${nameOf(error)} on ${WRITE_PROBE}): the AWS credentials need s3:PutObject on the bucket`,
        );
      }
      throw this.#translate(error);
    }
  }

  get #rootLength(): number {
    return this.#options.prefix ? this.#options.prefix.length + 1 : 0;
  }

  #key(key: string): string {
    return this.#options.prefix ? `${this.#options.prefix}/${key}` : key;
  }

  #translate(error: unknown): Error {
    const name = nameOf(error);
    if (name === 'NoSuchBucket') {
      return new BucketMissingError(
        `bucket "${this.#options.bucket}" does not exist (${this.location}): create it with "gmp lake init"`,
      );
    }
    if (error instanceof sdk().S3ServiceException) {
      return new StoreUnavailableError(
        `object store ${this.location} refused the request (${name}): check the bucket and the AWS credentials`,
      );
    }
    const code = networkCode(error);
    return new StoreUnavailableError(
      `object store ${this.location} is unreachable (${code}): check S3_ENDPOINT and that the server is running`,
    );
  }
}

function nameOf(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

function statusOf(error: unknown): number | undefined {
  return error instanceof sdk().S3ServiceException ? error.$metadata.httpStatusCode : undefined;
}

function networkCode(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error) {
    const code = (current as NodeJS.ErrnoException).code;
    if (code) return code;
    current = current.cause;
  }
  return error instanceof Error ? error.name : 'unknown error';
}
