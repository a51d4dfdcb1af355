import { DAY_MS } from '../dates.js';

/** Calendar days as integers (days since 1970-01-01 UTC): cheap to compare and to hash. */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The day number of a "YYYY-MM-DD" string, or undefined when it is not a real calendar date. */
export function dayFromIso(text: string): number | undefined {
  const match = ISO_DATE.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  // Date.UTC rolls 2024-02-31 over to March: a round trip catches it.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return undefined;
  return ms / DAY_MS;
}

/** Formatted days 1970..2243 by day number, filled as they are used: every game formats a few. */
const isoDays: (string | undefined)[] = new Array(100_000);

export function isoFromDay(day: number): string {
  const cached = isoDays[day];
  if (cached !== undefined) return cached;
  const text = new Date(day * DAY_MS).toISOString().slice(0, 10);
  if (day >= 0 && day < isoDays.length) isoDays[day] = text;
  return text;
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));

/** "YYYY-MM-DDTHH:MM:SS" without a zone, as RAWG writes `updated`. */
export function isoDateTime(day: number, secondOfDay: number): string {
  const hours = Math.floor(secondOfDay / 3600);
  const minutes = Math.floor(secondOfDay / 60) % 60;
  return `${isoFromDay(day)}T${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[secondOfDay % 60]}`;
}

export function yearOfDay(day: number): number {
  return Number(isoFromDay(day).slice(0, 4));
}

const firstDays = new Map<number, number>();

export function firstDayOfYear(year: number): number {
  let day = firstDays.get(year);
  if (day === undefined) firstDays.set(year, (day = Date.UTC(year, 0, 1) / DAY_MS));
  return day;
}
