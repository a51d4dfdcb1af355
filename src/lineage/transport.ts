import { appendFileSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors.js';
import { redactUrl } from '../source/redact.js';
import type { RunEvent } from './event.js';

/** Where events go, as the OpenLineage clients configure it; `none` sends nothing and writes nothing. */
export type TransportConfig =
  | { type: 'none' }
  | { type: 'http'; url: string; endpoint: string; apiKey?: string; timeoutMs: number }
  | { type: 'file'; path: string }
  | { type: 'console' };

export interface Transport {
  /** Where the events go, safe to print. */
  readonly label: string;
  send(body: string): Promise<void>;
}

/** A lineage endpoint gets this long per event: a run is never held up waiting for it. */
export const HTTP_TIMEOUT_MS = 3_000;
const DEFAULT_ENDPOINT = 'api/v1/lineage';

/**
 * The transport the OpenLineage settings choose: `OPENLINEAGE_URL` (with `OPENLINEAGE_ENDPOINT`,
 * `OPENLINEAGE_API_KEY`) for HTTP, else the `transport:` of the YAML file `OPENLINEAGE_CONFIG`
 * names (http, file or console); `OPENLINEAGE_DISABLED=true` turns all of it off. Nothing set:
 * none.
 */
export function transportConfig(env: NodeJS.ProcessEnv): TransportConfig {
  if (env.OPENLINEAGE_DISABLED?.toLowerCase() === 'true') return { type: 'none' };
  if (env.OPENLINEAGE_URL) {
    return {
      type: 'http',
      url: env.OPENLINEAGE_URL,
      endpoint: env.OPENLINEAGE_ENDPOINT ?? DEFAULT_ENDPOINT,
      apiKey: env.OPENLINEAGE_API_KEY,
      timeoutMs: HTTP_TIMEOUT_MS,
    };
  }
  if (env.OPENLINEAGE_CONFIG) return fromConfigFile(env.OPENLINEAGE_CONFIG);
  return { type: 'none' };
}

function fromConfigFile(path: string): TransportConfig {
  let config: { transport?: Record<string, unknown> } | null;
  try {
    config = parseYaml(readFileSync(path, 'utf8')) as typeof config;
  } catch (error) {
    throw new ConfigError(
      `OPENLINEAGE_CONFIG ${path} cannot be read (${(error as Error).message.split('\n')[0]}): fix it or unset OPENLINEAGE_CONFIG`,
    );
  }
  const transport = config?.transport ?? {};
  const text = (field: string) => (typeof transport[field] === 'string' ? (transport[field] as string) : undefined);
  switch (transport.type) {
    case 'http': {
      const url = text('url');
      if (!url) throw new ConfigError(`OPENLINEAGE_CONFIG ${path}: an http transport needs a url`);
      const auth = (transport.auth ?? {}) as Record<string, unknown>;
      const apiKey = typeof auth.apiKey === 'string' ? auth.apiKey : undefined;
      const timeout = typeof transport.timeout === 'number' ? transport.timeout * 1000 : HTTP_TIMEOUT_MS;
      return {
        type: 'http',
        url,
        endpoint: text('endpoint') ?? DEFAULT_ENDPOINT,
        apiKey,
        timeoutMs: Math.min(timeout, HTTP_TIMEOUT_MS),
      };
    }
    case 'file': {
      const file = text('log_file_path');
      if (!file) throw new ConfigError(`OPENLINEAGE_CONFIG ${path}: a file transport needs a log_file_path`);
      return { type: 'file', path: file };
    }
    case 'console':
      return { type: 'console' };
    default:
      throw new ConfigError(
        `OPENLINEAGE_CONFIG ${path}: transport.type must be http, file or console (got ${JSON.stringify(transport.type ?? null)})`,
      );
  }
}

export function openTransport(config: TransportConfig): Transport | undefined {
  switch (config.type) {
    case 'none':
      return undefined;
    case 'console':
      // stderr: stdout carries the commands' own output (--json lines).
      return { label: 'the console', send: async (body) => void process.stderr.write(`${body}\n`) };
    case 'file':
      return { label: config.path, send: async (body) => appendFileSync(config.path, `${body}\n`) };
    case 'http': {
      const target = new URL(
        config.endpoint.replace(/^\/+/, ''),
        config.url.endsWith('/') ? config.url : `${config.url}/`,
      );
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;
      return {
        label: redactUrl(target.toString()),
        send: async (body) => {
          const response = await fetch(target, {
            method: 'POST',
            headers,
            body,
            signal: AbortSignal.timeout(config.timeoutMs),
          });
          await response.body?.cancel();
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
        },
      };
    }
  }
}

export type { RunEvent };
