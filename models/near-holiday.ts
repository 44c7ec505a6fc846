// Days near a holiday (its eve, the day after, a bridge day, the days between Christmas and New Year): many people
// take them off, so they fall between an ordinary day and a holiday. How far towards a holiday is learned from the
// series' own near-holiday days where its history has some, else taken as a half.
import { DAY_MS, weekday } from './calendar.js';

/** Holidays at most this many days apart make every day between them a near-holiday day. */
export const HOLIDAY_SPAN_DAYS = 8;

/**
 * With no near-holiday day in the history: between two outcomes with nothing to weigh them, the midpoint has the
 * smallest worst-case error.
 */
export const NEAR_HOLIDAY_PRIOR = 0.5;

/** Days either side of a near-holiday day whose levels stand for its ordinary and its holiday level. */
const REFERENCE_DAYS = 21;

/** A weekday kind and the rest-day kind closer than this (relative) tell nothing about a day between them. */
const MIN_CONTRAST = 0.05;

export interface NearHolidayWeight {
  /** 0: a near-holiday day is forecast as an ordinary day; 1: as a holiday. */
  weight: number;
  /** How many near-holiday days of the history it was learned from (0: the prior). */
  learnedFromDays: number;
}

/** A day that is not a holiday but next to one, or between two holidays at most `HOLIDAY_SPAN_DAYS` apart. */
export function isNearHoliday(day: number, holidays: ReadonlySet<number>): boolean {
  if (holidays.has(day)) return false;
  if (holidays.has(day - 1) || holidays.has(day + 1)) return true;
  for (let before = 2; before < HOLIDAY_SPAN_DAYS; before++) {
    if (!holidays.has(day - before)) continue;
    for (let after = 2; before + after <= HOLIDAY_SPAN_DAYS; after++) if (holidays.has(day + after)) return true;
  }
  return false;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The share of the way from its weekday's level to the holiday level that the history's near-holiday days went,
 * averaged over them: each day's mean against the median of the same weekday's ordinary days and the median of
 * holidays and Sundays within three weeks. Days with an incomplete record, or whose weekday level is about the
 * rest-day level (a Saturday in a city that rests on Saturdays), are left out.
 */
export function learnNearHolidayWeight(
  startMs: number,
  stepMs: number,
  values: ArrayLike<number>,
  holidays: readonly number[],
): NearHolidayWeight {
  const perDay = DAY_MS / stepMs;
  if (!Number.isInteger(perDay) || holidays.length === 0) return { weight: NEAR_HOLIDAY_PRIOR, learnedFromDays: 0 };
  const firstDay = Math.ceil(startMs / DAY_MS);
  const offset = Math.round((firstDay * DAY_MS - startMs) / stepMs);
  const means = new Map<number, number>();
  for (let i = offset; i + perDay <= values.length; i += perDay) {
    let s = 0;
    let ok = true;
    for (let j = 0; j < perDay && ok; j++) {
      const v = values[i + j];
      ok = v === v;
      s += v;
    }
    if (ok) means.set(firstDay + (i - offset) / perDay, s / perDay);
  }
  const hol = new Set(holidays);
  const shares: number[] = [];
  for (const [day, level] of means) {
    if (!isNearHoliday(day, hol)) continue;
    const wd = weekday(day * DAY_MS);
    const ordinary: number[] = [];
    const rest: number[] = [];
    for (let e = day - REFERENCE_DAYS; e <= day + REFERENCE_DAYS; e++) {
      const m = means.get(e);
      if (m === undefined || e === day) continue;
      if (hol.has(e) || weekday(e * DAY_MS) === 0) rest.push(m);
      else if (weekday(e * DAY_MS) === wd && !isNearHoliday(e, hol)) ordinary.push(m);
    }
    if (ordinary.length === 0 || rest.length === 0) continue;
    const w = median(ordinary);
    const r = median(rest);
    if (Math.abs(w - r) <= MIN_CONTRAST * Math.abs(w)) continue;
    shares.push(Math.min(1, Math.max(0, (w - level) / (w - r))));
  }
  if (shares.length === 0) return { weight: NEAR_HOLIDAY_PRIOR, learnedFromDays: 0 };
  return { weight: shares.reduce((a, b) => a + b, 0) / shares.length, learnedFromDays: shares.length };
}
