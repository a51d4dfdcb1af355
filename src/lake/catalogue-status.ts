/**
 * How complete the lake's catalogue is, in the words every reader shares: the build's verdict,
 * `gmp lake status` and the report. Ingest works it out (src/ingest/catalogue.ts); the build
 * records it; the report reads the record.
 */

export type Backfill =
  /** No snapshot in the lake: the warehouse holds only the games changed on the days read. */
  | { state: 'not-opened' }
  /** The newest snapshot is open: read a share of the budget per daily run until it closes. */
  | {
      state: 'open';
      date: string;
      /** Requests the rest of it is expected to take. */
      apiRequestsLeft: number;
      /** Pages a daily run gives it at this month's budget; 0 when the month has none to spare. */
      pagesPerDailyRun: number;
      /** Daily runs until it closes at that share; null when the share is 0. */
      dailyRunsNeeded: number | null;
      /** The day it closes at one daily run a day; null when the share is 0. */
      expectedDate: string | null;
      monthsNeeded: number;
    }
  /** The newest snapshot is closed: complete, or capped (the API serves no more of it). */
  | { state: 'closed'; date: string; capped: boolean };

export interface CatalogueStatus {
  endpoint: string;
  backfill: Backfill;
  /** The whole listing's size as the API last reported it (the newest snapshot's page 1); null before one. */
  apiCount: number | null;
  /** The `updated` days a daily run still has to fetch, oldest first. */
  backlog: string[];
}

/** Days of a backlog as one phrase: "3 days behind: 2026-12-08 … 2026-12-10". */
export function describeBacklog(days: readonly string[]): string {
  if (!days.length) return 'caught up';
  if (days.length === 1) return `1 day behind: ${days[0]}`;
  return `${days.length} days behind: ${days[0]} … ${days.at(-1)}`;
}

/**
 * What keeps a catalogue from being current (none: complete and caught up), one phrase each ("the catalogue backfill was never
 * opened ...", "games is 3 days behind: ...").
 */
export function catalogueGaps(status: CatalogueStatus): string[] {
  const { endpoint, backfill, apiCount, backlog } = status;
  const reported = apiCount === null ? '' : ` (the API last reported ${apiCount.toLocaleString('en-US')} in all)`;
  const gaps: string[] = [];
  if (backfill.state === 'not-opened') {
    gaps.push(
      `the ${endpoint} catalogue backfill was never opened, so only the ${endpoint} changed on the days read are in the lake: \`gmp ingest --endpoint ${endpoint} --mode snapshot\` opens it (page 1, one request, tells its size), then daily runs read it with a share of the budget`,
    );
  } else if (backfill.state === 'open') {
    const pace =
      backfill.dailyRunsNeeded === null
        ? `this month's budget has none to spare for it (about ${backfill.monthsNeeded} months at the monthly budget)`
        : `about ${backfill.dailyRunsNeeded} daily runs at ${backfill.pagesPerDailyRun} pages each, until about ${backfill.expectedDate}`;
    gaps.push(
      `the ${endpoint} catalogue backfill of ${backfill.date} is open${reported}: about ${backfill.apiRequestsLeft} API requests left, ${pace}`,
    );
  } else if (backfill.capped) {
    gaps.push(`the ${endpoint} catalogue of ${backfill.date} is capped: the API served only part of it${reported}`);
  }
  if (backlog.length) gaps.push(`${endpoint} is ${describeBacklog(backlog)}`);
  return gaps;
}
