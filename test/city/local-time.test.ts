// Local time of the city: offsets across DST, local dates, and local times of day as instants.
import { describe, expect, it } from 'vitest';
import {
  dayOfDate,
  isoWeekday,
  localDate,
  localDateTime,
  localInstant,
  utcOffsetMs,
} from '../../src/city/local-time.js';

const H = 3_600_000;

describe('local time', () => {
  it('follows DST in Chicago', () => {
    expect(utcOffsetMs('America/Chicago', Date.UTC(2026, 0, 15, 12))).toBe(-6 * H);
    expect(utcOffsetMs('America/Chicago', Date.UTC(2026, 6, 15, 12))).toBe(-5 * H);
    expect(localDate('America/Chicago', Date.UTC(2026, 3, 7, 3))).toBe('2026-04-06');
  });

  it('turns a local date and time into an instant, on either side of the DST change', () => {
    const before = dayOfDate('2026-03-07', 'd');
    const after = dayOfDate('2026-03-09', 'd');
    expect(localInstant('America/Chicago', before, 7 * 60)).toBe(Date.UTC(2026, 2, 7, 13));
    expect(localInstant('America/Chicago', after, 7 * 60)).toBe(Date.UTC(2026, 2, 9, 12));
    // 02:30 does not exist on 2026-03-08: the instant after the jump is used.
    expect(localInstant('America/Chicago', after - 1, 150)).toBe(Date.UTC(2026, 2, 8, 8, 30));
    expect(isoWeekday(dayOfDate('2026-04-06', 'd'))).toBe(1);
  });

  it('names a bad date', () => {
    expect(() => dayOfDate('2026-02-30', 'date')).toThrow(/date must be a date YYYY-MM-DD/);
    expect(() => dayOfDate('2026-13-01', 'date')).toThrow(/date must be a date YYYY-MM-DD/);
    expect(() => utcOffsetMs('Mars/Olympus', 0)).toThrow(/unknown timezone/);
  });

  it('writes local date-times with the offset in force, across DST and past midnight', () => {
    const day = dayOfDate('2026-06-04', 'd');
    expect(localDateTime('America/Chicago', day, 420)).toBe('2026-06-04T07:00:00-05:00');
    expect(localDateTime('America/Chicago', dayOfDate('2026-01-15', 'd'), 420.5)).toBe('2026-01-15T07:00:30-06:00');
    expect(localDateTime('America/Chicago', day, 24 * 60 + 30)).toBe('2026-06-05T00:30:00-05:00');
    expect(localDateTime('Asia/Kolkata', day, 0)).toBe('2026-06-04T00:00:00+05:30');
    expect(localDateTime('UTC', day, 61)).toBe('2026-06-04T01:01:00+00:00');
    // 02:30 does not exist on 2026-03-08 in Chicago: as localInstant, half an hour after the jump, at the new offset.
    expect(localDateTime('America/Chicago', dayOfDate('2026-03-08', 'd'), 150)).toBe('2026-03-08T03:30:00-05:00');
  });
});
