// Near-holiday days: which days count, and how far towards a holiday the history's own near-holiday days went.
import { describe, expect, it } from 'vitest';
import { DAY_MS, dayNumber, weekday } from '../../models/calendar.js';
import { isNearHoliday, learnNearHolidayWeight, NEAR_HOLIDAY_PRIOR } from '../../models/near-holiday.js';

const STEP = 3_600_000;
const day = (iso: string) => dayNumber(Date.parse(`${iso}T00:00:00Z`));

describe('near-holiday days', () => {
  it('are the days next to a holiday and those between holidays at most a week apart', () => {
    const hol = new Set([day('2014-12-25'), day('2014-12-26'), day('2015-01-01')]);
    for (const d of ['2014-12-24', '2014-12-27', '2014-12-29', '2014-12-31', '2015-01-02'])
      expect(isNearHoliday(day(d), hol), d).toBe(true);
    for (const d of ['2014-12-25', '2014-12-22', '2015-01-05']) expect(isNearHoliday(day(d), hol), d).toBe(false);
    // Holidays two weeks apart leave the days between them ordinary.
    const apart = new Set([day('2014-11-04'), day('2014-11-18')]);
    expect(isNearHoliday(day('2014-11-11'), apart)).toBe(false);
  });

  /** Six weeks of hourly load: 100 on weekdays, 40 on Sundays and holidays, 70 on Saturdays, `bridge` on the near-holiday day. */
  function series(holidays: number[], bridgeDay: number, bridge: number): Float64Array {
    const start = day('2014-10-06');
    return Float64Array.from({ length: 42 * 24 }, (_, t) => {
      const d = start + Math.floor(t / 24);
      const wd = weekday(d * DAY_MS);
      if (d === bridgeDay) return bridge;
      if (holidays.includes(d) || wd === 0) return 40;
      return wd === 6 ? 70 : 100;
    });
  }

  it('learns how far towards a holiday the near-holiday days of the history went', () => {
    // A Tuesday holiday; the Monday before it is a bridge day at 70 (half way from 100 to 40); the Wednesday after is ordinary.
    const holiday = day('2014-11-04');
    const values = series([holiday], day('2014-11-03'), 70);
    const w = learnNearHolidayWeight(day('2014-10-06') * DAY_MS, STEP, values, [holiday]);
    expect(w.learnedFromDays).toBe(2);
    expect(w.weight).toBeCloseTo((0.5 + 0) / 2, 9);
  });

  it('takes the prior without a near-holiday day in the history', () => {
    const values = series([], -1, 0);
    expect(learnNearHolidayWeight(day('2014-10-06') * DAY_MS, STEP, values, [day('2015-01-01')])).toEqual({
      weight: NEAR_HOLIDAY_PRIOR,
      learnedFromDays: 0,
    });
  });
});
