// Local wall-clock time of the city's timezone: UTC offsets, local dates and local times of day as instants.
// The one place that reads a timezone's rules, for the simulator's calendar and the plans' dates alike.
import { inputError } from '../errors.js';

export const DAY_MS = 86_400_000;
const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timezone: string): Intl.DateTimeFormat {
  let f = formats.get(timezone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: timezone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw inputError(`unknown timezone "${timezone}"; use an IANA name such as America/Chicago`, {
        field: 'timezone',
      });
    }
    formats.set(timezone, f);
  }
  return f;
}

/** Local time minus UTC at instant `ms` (e.g. -5 h in Chicago in summer). */
export function utcOffsetMs(timezone: string, ms: number): number {
  const at = Math.floor(ms / 1000) * 1000;
  const p: Record<string, number> = {};
  for (const part of formatFor(timezone).formatToParts(new Date(at)))
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - at;
}

/** The local calendar date (YYYY-MM-DD) of instant `ms`. */
export function localDate(timezone: string, ms: number): string {
  return new Date(ms + utcOffsetMs(timezone, ms)).toISOString().slice(0, 10);
}

/** Parses YYYY-MM-DD into days since 1970-01-01; the message names the field. */
export function dayOfDate(date: string, field: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || !Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw inputError(`${field} must be a date YYYY-MM-DD, got ${JSON.stringify(date)}`, { field });
  }
  return ms / DAY_MS;
}

export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday (1 Monday … 7 Sunday) of a day number. */
export function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/**
 * The instant at which the local clock shows `minutes` after midnight of local day `day`. In a DST gap the
 * time does not exist and the instant after the jump is returned; in an overlap, the first of the two.
 */
export function localInstant(timezone: string, day: number, minutes: number): number {
  const wall = day * DAY_MS + minutes * 60_000;
  const first = wall - utcOffsetMs(timezone, wall);
  const second = wall - utcOffsetMs(timezone, first);
  const valid = [first, second].filter((c) => c + utcOffsetMs(timezone, c) === wall);
  return valid.length > 0 ? Math.min(...valid) : Math.max(first, second);
}

/**
 * The local date-time, with the city's UTC offset, at which the clock shows `minutes` after midnight of local day
 * `day` (later minutes run into the next days), to the second: e.g. 2026-06-04T07:00:00-05:00. One rule for every
 * time the service writes for people on the ground (GPX stop times of custom and live routes alike).
 */
export function localDateTime(timezone: string, day: number, minutes: number): string {
  const at = Math.round(localInstant(timezone, day, minutes) / 1000) * 1000;
  const offset = utcOffsetMs(timezone, at);
  const abs = Math.round(Math.abs(offset) / 60_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${new Date(at + offset).toISOString().slice(0, 19)}${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
