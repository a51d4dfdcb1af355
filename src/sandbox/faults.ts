/**
 * Injected failures: slow answers, 5xx, 429 and truncated bodies, drawn per request. They are
 * meant to exercise a client's retries, so they are random (Math.random by default), not seeded.
 */
import { z } from 'zod';
import { MAX_GAMES } from './catalogue.js';
import { livingSchema } from './living.js';
import { itemShapeSchema } from './item-shape.js';

const rate = z.number().min(0).max(1);

export const faultsSchema = z.strictObject({
  latencyMs: z.number().min(0).max(60_000),
  latencySpikeRate: rate,
  errorRate: rate,
  rate429: rate,
  retryAfterSeconds: z.int().min(0).max(3_600),
  truncateRate: rate,
});

export type SandboxFaults = z.infer<typeof faultsSchema>;

export const defaultFaults: SandboxFaults = {
  latencyMs: 0,
  latencySpikeRate: 0,
  errorRate: 0,
  rate429: 0,
  retryAfterSeconds: 1,
  truncateRate: 0,
};

/** A run-time change: any fault, living or item shape setting, the catalogue size, and the quota (null = unlimited). */
export const controlSchema = faultsSchema
  .partial()
  .extend(livingSchema.partial().shape)
  .extend(itemShapeSchema.partial().shape)
  .extend({
    games: z.int().min(0).max(MAX_GAMES).optional(),
    quota: z.int().min(0).nullable().optional(),
  });

export type SandboxControl = z.infer<typeof controlSchema>;

/** What happens to one API request before and after it is answered. */
export interface FaultDraw {
  /** Answer with this injected status instead of serving the request. */
  failWith: 429 | 500 | 502 | 503 | undefined;
  /** Cut a 200 body in half. */
  truncate: boolean;
  /** Wait this long before answering. */
  delayMs: number;
}

const SERVER_ERRORS = [500, 502, 503] as const;

export function drawFaults(faults: SandboxFaults, random: () => number = Math.random): FaultDraw {
  let failWith: FaultDraw['failWith'];
  if (random() < faults.rate429) failWith = 429;
  else if (random() < faults.errorRate) failWith = SERVER_ERRORS[Math.floor(random() * SERVER_ERRORS.length)];
  const truncate = random() < faults.truncateRate;
  const spike = random() < faults.latencySpikeRate ? Math.max(200, 10 * faults.latencyMs) : 0;
  return { failWith, truncate, delayMs: faults.latencyMs + spike };
}

/** The short bodies of injected failures, in the forms proxies and frameworks really send. */
export function faultResponse(status: 429 | 500 | 502 | 503): { contentType: string; body: string } {
  switch (status) {
    case 429:
      return { contentType: 'application/json', body: '{"detail":"Request was throttled."}' };
    case 500:
      return { contentType: 'application/json', body: '{"detail":"A server error occurred."}' };
    case 502:
      return { contentType: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>' };
    case 503:
      return { contentType: 'text/plain', body: 'Service Temporarily Unavailable' };
  }
}
