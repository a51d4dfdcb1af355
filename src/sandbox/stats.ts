/** Counts of API requests, so tests can assert what a client really spent. */
import type { CatalogueChanges } from './living.js';

export interface SandboxStats {
  requests: number;
  /** By endpoint name as in config/endpoints.json (`parent_platforms`, `creator_roles`); `unknown` for other paths. */
  byEndpoint: Record<string, number>;
  /** By HTTP status, as a string ("200", "404", ...). */
  byStatus: Record<string, number>;
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
  private inFlight = 0;
  private maxInFlight = 0;
  private injected: Record<InjectedFault, number> = { truncated: 0, latencySpike: 0 };

  started(endpoint: string): void {
    this.requests++;
    this.byEndpoint[endpoint] = (this.byEndpoint[endpoint] ?? 0) + 1;
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
    this.injected = { truncated: 0, latencySpike: 0 };
    this.maxInFlight = this.inFlight;
  }
}
