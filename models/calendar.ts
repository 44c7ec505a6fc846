// Calendar arithmetic on epoch milliseconds (UTC wall clock): day numbers, weekdays, holiday dates.
import { inputError } from '../src/errors.js';

export const DAY_MS = 86_400_000;

/** Days since 1970-01-01 (UTC). */
export function dayNumber(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** 0 = Sunday … 6 = Saturday; 1970-01-01 was a Thursday. */
export function weekday(ms: number): number {
  return (((dayNumber(ms) + 4) % 7) + 7) % 7;
}

/** Parses holiday dates `YYYY-MM-DD` into sorted day numbers; the message names the bad entry. */
export function holidayDays(dates: readonly string[]): number[] {
  const out: number[] = [];
  for (const d of dates) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
    const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
    if (!Number.isFinite(ms) || new Date(ms).getUTCDate() !== Number(m?.[3])) {
      throw inputError(`holiday "${d}" is not a date of the form YYYY-MM-DD`, { field: 'holidays', value: d });
    }
    out.push(dayNumber(ms));
  }
  return [...new Set(out)].sort((a, b) => a - b);
}
