import { ConfigError } from './errors.js';

/** Calendar days in UTC, as the lake's logical dates spell them (YYYY-MM-DD): the one owner of date arithmetic. */
export const DAY_MS = 86_400_000;
const MAX_RANGE_DAYS = 366;

export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export function yesterdayUtc(now = new Date()): string {
  return todayUtc(new Date(now.getTime() - DAY_MS));
}

/** Checks a YYYY-MM-DD flag value; `flag` names it in the error. */
export function parseDate(value: string, flag: string): string {
  // Date.parse is NaN for a month 13 (toISOString would throw) and rolls 02-30 over to March.
  const time = Date.parse(`${value}T00:00:00Z`);
  const valid =
    /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(time) && new Date(time).toISOString().startsWith(value);
  if (!valid) throw new ConfigError(`${flag} "${value}" is not a date: use YYYY-MM-DD`);
  return value;
}

/** Every day from `from` to `to`, inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const start = Date.parse(`${parseDate(from, '--from')}T00:00:00Z`);
  const end = Date.parse(`${parseDate(to, '--to')}T00:00:00Z`);
  if (end < start) throw new ConfigError(`--to ${to} is before --from ${from}`);
  const days = (end - start) / DAY_MS + 1;
  if (days > MAX_RANGE_DAYS)
    throw new ConfigError(`--from/--to spans ${days} days: run at most ${MAX_RANGE_DAYS} at a time`);
  return Array.from({ length: days }, (_, i) => todayUtc(new Date(start + i * DAY_MS)));
}

/** Days since 1970-01-01 of a YYYY-MM-DD date. */
export const dayNumber = (date: string): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS;

export const addDays = (date: string, days: number): string =>
  todayUtc(new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS));

/** Midnight UTC at the start of a YYYY-MM-DD date, in milliseconds. */
export const startOfDay = (date: string): number => Date.parse(`${date}T00:00:00Z`);

/** Whole days left in the month of `now` (UTC), today included. */
export function daysLeftInMonth(now = new Date()): number {
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  return Math.max(1, Math.ceil((end - Date.parse(`${todayUtc(now)}T00:00:00Z`)) / DAY_MS));
}
