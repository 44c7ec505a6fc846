// Built-in holiday calendars: known public holidays of a country and region, and clear errors for unknown codes.
import { describe, expect, it } from 'vitest';
import { calendarHolidayDates, cityHolidayDates, holidayCalendarProblem } from '../../src/city/holiday-calendar.js';
import { crossReferenceErrors } from '../../src/city/crossref.js';
import { loadSampleCity } from '../../src/city/sample.js';

describe('holiday calendars', () => {
  it('gives the public and bank holidays of a region, substitute days included', () => {
    const eng = calendarHolidayDates({ country: 'GB', region: 'ENG' }, 2000, 2000);
    expect(eng).toEqual(
      expect.arrayContaining([
        '2000-01-03',
        '2000-04-21',
        '2000-04-24',
        '2000-05-29',
        '2000-08-28',
        '2000-12-25',
        '2000-12-26',
      ]),
    );
    // Observances (Mother's Day) do not close offices.
    expect(eng).not.toContain('2000-04-02');
    const vic = calendarHolidayDates({ country: 'AU', region: 'VIC' }, 2014, 2014);
    expect(vic).toEqual(expect.arrayContaining(['2014-01-27', '2014-03-10', '2014-11-04']));
    expect(calendarHolidayDates({ country: 'AU', region: 'NSW' }, 2014, 2014)).not.toContain('2014-11-04');
  });

  it('names an unknown country or region', () => {
    expect(holidayCalendarProblem({ country: 'GB', region: 'ENG' })).toBeNull();
    expect(holidayCalendarProblem({ country: 'QQ' })).toMatch(/country "QQ" has no holiday calendar/);
    expect(holidayCalendarProblem({ country: 'GB', region: 'XYZ' })).toMatch(/region "XYZ" of GB .*known: .*ENG/);
  });

  it("adds the calendar to the city's own holidays, and the city check reports a bad calendar by path", () => {
    const city = structuredClone(loadSampleCity());
    city.holidayCalendar = { country: 'US' };
    const dates = cityHolidayDates(city, 2025, 2025);
    expect(dates).toEqual(expect.arrayContaining(['2025-01-20', ...city.holidays.filter((d) => d.startsWith('2025'))]));
    expect(new Set(dates).size).toBe(dates.length);
    city.holidayCalendar = { country: 'US', region: 'ZZ' };
    expect(crossReferenceErrors(city).map((e) => `${e.path}: ${e.message}`)).toEqual([
      expect.stringMatching(/^holidayCalendar: region "ZZ" of US/),
    ]);
  });
});
