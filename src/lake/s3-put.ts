import { createHash, createHmac } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { S3Client } from '@aws-sdk/client-s3';

/** What one signed PUT learnt: `stored`, `exists` (412/409), or anything else, for the SDK to handle. */
export type PutOutcome = 'stored' | 'exists' | 'other';

const agents = { 'http:': new HttpAgent({ keepAlive: true }), 'https:': new HttpsAgent({ keepAlive: true }) };

/**
 * A conditional PUT (`If-None-Match: *`) signed with SigV4 and sent with Node's HTTP client: the
 * SDK's request pipeline cost three times the CPU of the request itself, once per page. The
 * client's own endpoint rules, region and credential chain (which refreshes role credentials) are
 * used, so the request goes where the SDK would send it. Every answer but 200, 412 and 409, and
 * every network failure, is left to the SDK, which retries and names the failure.
 */
export class SignedPut {
  readonly #client: S3Client;
  readonly #bucket: string;
  #base: Promise<URL> | undefined;

  constructor(client: S3Client, bucket: string) {
    this.#client = client;
    this.#bucket = bucket;
  }

  async put(key: string, body: Uint8Array, contentType: string): Promise<PutOutcome> {
    let url: URL;
    let headers: Record<string, string>;
    try {
      const base = await this.#baseUrl();
      url = new URL(base);
      url.pathname = `${base.pathname.replace(/\/$/, '')}/${key.split('/').map(uriEncode).join('/')}`;
      headers = await this.#signedHeaders(url, body, contentType);
    } catch {
      return 'other';
    }
    return new Promise((resolve) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      // The answer counts once the request is over, its body no longer being sent: the caller may reuse the body's buffer.
      let outcome: PutOutcome = 'other';
      const request = send(
        url,
        { method: 'PUT', headers, agent: agents[url.protocol === 'https:' ? 'https:' : 'http:'], timeout: 15_000 },
        (response) => {
          response.resume();
          response.on('error', () => (outcome = 'other'));
          response.on('end', () => {
            const status = response.statusCode;
            outcome = status === 200 ? 'stored' : status === 412 || status === 409 ? 'exists' : 'other';
          });
        },
      );
      request.on('timeout', () => request.destroy());
      request.on('error', () => (outcome = 'other'));
      request.on('close', () => resolve(outcome));
      request.end(body);
    });
  }

  /** Where the bucket is, by the SDK's endpoint rules (path-style on a custom endpoint, virtual-hosted on AWS). */
  #baseUrl(): Promise<URL> {
    this.#base ??= (async () => {
      const { config } = this.#client;
      const region = await config.region();
      const custom = config.endpoint ? await config.endpoint() : undefined;
      const endpoint = custom
        ? `${custom.protocol}//${custom.hostname}${custom.port ? `:${custom.port}` : ''}${custom.path}`
        : undefined;
      const resolved = config.endpointProvider({
        Bucket: this.#bucket,
        Region: region,
        ForcePathStyle: config.forcePathStyle,
        UseFIPS: false,
        UseDualStack: false,
        Accelerate: false,
        ...(endpoint ? { Endpoint: endpoint } : {}),
      });
      return new URL(resolved.url.toString());
    })();
    this.#base.catch(() => (this.#base = undefined));
    return this.#base;
  }

  async #signedHeaders(url: URL, body: Uint8Array, contentType: string): Promise<Record<string, string>> {
    const { config } = this.#client;
    const [credentials, region] = await Promise.all([config.credentials(), config.region()]);
    const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
    const day = amzDate.slice(0, 8);
    const headers: Record<string, string> = {
      'content-length': String(body.byteLength),
      'content-type': contentType,
      host: url.host,
      'if-none-match': '*',
      // The body's hash is signed: the server refuses a body changed on the way.
      'x-amz-content-sha256': createHash('sha256').update(body).digest('hex'),
      'x-amz-date': amzDate,
      ...(credentials.sessionToken ? { 'x-amz-security-token': credentials.sessionToken } : {}),
    };
    const names = Object.keys(headers).sort();
    const canonical = [
      'PUT',
      url.pathname,
      '',
      ...names.map((name) => `${name}:${headers[name]}`),
      '',
      names.join(';'),
      headers['x-amz-content-sha256'],
    ].join('\n');
    const scope = `${day}/${region}/s3/aws4_request`;
    const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join(
      '\n',
    );
    let signingKey: Buffer = hmac(`AWS4${credentials.secretAccessKey}`, day);
    for (const part of [region, 's3', 'aws4_request']) signingKey = hmac(signingKey, part);
    const signature = createHmac('sha256', signingKey).update(toSign).digest('hex');
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
    return headers;
  }
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** RFC 3986 encoding of one path segment, as SigV4 wants it. */
function uriEncode(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}
