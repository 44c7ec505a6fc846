// The collection calendar: which local dates are service days, the next one after a date, and shift start instants.
import { configError, inputError } from '../../errors.js';
import { dateOfDay, dayOfDate, isoWeekday, localInstant } from '../../city/local-time.js';

export interface ServiceCalendar {
  timezone: string;
  /** Local time the shifts start, HH:MM. */
  shiftStart: string;
  /** ISO weekdays (1 Monday … 7 Sunday) with collection. */
  serviceDays: readonly number[];
  /** Local dates (YYYY-MM-DD) without collection. */
  holidays: readonly string[];
}

/** A service day is found within this many days, or the calendar has none. */
const SEARCH_DAYS = 14;

export function shiftMinutes(cal: ServiceCalendar): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(cal.shiftStart);
  if (!m) throw configError(`collection shift start must be HH:MM, got "${cal.shiftStart}"`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export function isServiceDay(cal: ServiceCalendar, day: number): boolean {
  return cal.serviceDays.includes(isoWeekday(day)) && !cal.holidays.includes(dateOfDay(day));
}

/** The first service day after `day`. */
export function nextServiceDay(cal: ServiceCalendar, day: number): number {
  for (let d = day + 1; d <= day + SEARCH_DAYS; d++) if (isServiceDay(cal, d)) return d;
  throw configError(
    `no service day within ${SEARCH_DAYS} days after ${dateOfDay(day)}: check the collection service days`,
  );
}

/** Resolves a requested service date: its shift start and the next service day's, as instants. */
export function serviceWindow(
  cal: ServiceCalendar,
  date: string,
): { day: number; shiftStartMs: number; nextDate: string; nextStartMs: number } {
  const day = dayOfDate(date, 'date');
  if (!isServiceDay(cal, day)) {
    const why = cal.holidays.includes(date)
      ? 'a holiday'
      : `not a service weekday (service on ISO weekdays ${cal.serviceDays.join(', ')})`;
    throw inputError(`date ${date} has no collection: it is ${why}`, { field: 'date' });
  }
  const minutes = shiftMinutes(cal);
  const next = nextServiceDay(cal, day);
  return {
    day,
    shiftStartMs: localInstant(cal.timezone, day, minutes),
    nextDate: dateOfDay(next),
    nextStartMs: localInstant(cal.timezone, next, minutes),
  };
}
