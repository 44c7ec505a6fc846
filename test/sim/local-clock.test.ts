// The simulator's local calendar: timezone offsets across DST, weekends and holidays.
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../src/city/local-time.js';
import { LocalClock, OFFDAY, WORKDAY } from '../../src/sim/local-clock.js';

describe('LocalClock', () => {
  const clock = new LocalClock('America/Chicago', ['2026-07-03']);

  it('gives the UTC offset in winter and summer', () => {
    expect(clock.offsetMs(Date.parse('2026-01-15T12:00:00Z'))).toBe(-6 * 3_600_000);
    expect(clock.offsetMs(Date.parse('2026-06-15T12:00:00Z'))).toBe(-5 * 3_600_000);
    // DST starts 2026-03-08 at 02:00 local (08:00 UTC).
    expect(clock.offsetMs(Date.parse('2026-03-08T07:30:00Z'))).toBe(-6 * 3_600_000);
    expect(clock.offsetMs(Date.parse('2026-03-08T08:30:00Z'))).toBe(-5 * 3_600_000);
  });

  it('classifies weekdays, weekends and holidays', () => {
    const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
    expect(clock.dayType(day('2026-06-15'))).toBe(WORKDAY);
    expect(clock.dayType(day('2026-06-20'))).toBe(OFFDAY);
    expect(clock.dayType(day('2026-07-03'))).toBe(OFFDAY);
    expect(clock.dayType(day('2026-07-02'))).toBe(WORKDAY);
  });
});
