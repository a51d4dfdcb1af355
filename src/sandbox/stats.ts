/** Counts of API requests, so tests can assert what a client really spent. */
import { now } from '../clock.js';
import type { CatalogueChanges } from './living.js';

export interface SandboxStats {
  requests: number;
  /** By endpoint name as in config/endpoints.json (`parent_platforms`, `creator_roles`); `unknown` for other paths. */
  byEndpoint: Record<string, number>;
  /** By HTTP status, as a string ("200", "404", ...). */
  byStatus: Record<string, number>;
  /** By request (path and query, the key left out): a count above 1 is a page asked again. */
  byRequest: Record<string, number>;
  /** By the UTC month (YYYY-MM) the request arrived in, on the clock runs charge by. */
  byMonth: Record<string, number>;
  inFlight: number;
  maxInFlight: number;
  /** Faults injected that no status shows: bodies cut short, latency spikes. */
  injected: Record<InjectedFault, number>;
  /** What changed in a living catalogue since the sandbox started (ids), once anything has; never reset. */
  changes?: CatalogueChanges;
}

export type InjectedFault = 'truncated' | 'latencySpike';

export class StatsCounter {
  private requests = 0;
  private byEndpoint: Record<string, number> = {};
  private byStatus: Record<string, number> = {};
  private byRequest: Record<string, number> = {};
  private byMonth: Record<string, number> = {};
  private inFlight = 0;
  private maxInFlight = 0;
  private injected: Record<InjectedFault, number> = { truncated: 0, latencySpike: 0 };

  started(endpoint: string, url?: URL): void {
    this.requests++;
    this.byEndpoint[endpoint] = (this.byEndpoint[endpoint] ?? 0) + 1;
    if (url) {
      const params = new URLSearchParams(url.searchParams);
      params.delete('key');
      params.sort();
      const request = `${url.pathname}?${params}`;
      this.byRequest[request] = (this.byRequest[request] ?? 0) + 1;
    }
    const month = now().toISOString().slice(0, 7);
    this.byMonth[month] = (this.byMonth[month] ?? 0) + 1;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
  }

  answered(status: number): void {
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
  }

  inject(fault: InjectedFault): void {
    this.injected[fault] += 1;
  }

  /** The response is finished or the client went away. */
  ended(): void {
    this.inFlight--;
  }

  snapshot(): SandboxStats {
    return {
      requests: this.requests,
      byEndpoint: { ...this.byEndpoint },
      byStatus: { ...this.byStatus },
      byRequest: { ...this.byRequest },
      byMonth: { ...this.byMonth },
      inFlight: this.inFlight,
      maxInFlight: this.maxInFlight,
      injected: { ...this.injected },
    };
  }

  /** Zero the counts; requests still in flight stay counted as in flight. */
  reset(): void {
    this.requests = 0;
    this.byEndpoint = {};
    this.byStatus = {};
    this.byRequest = {};
    this.byMonth = {};
    this.injected = { truncated: 0, latencySpike: 0 };
    this.maxInFlight = this.inFlight;
  }
}
