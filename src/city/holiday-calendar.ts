// Public holidays of a country or region from the date-holidays library, as local dates, for cities that name a calendar.
import Holidays from 'date-holidays';

export interface HolidayCalendarSpec {
  /** ISO 3166-1 alpha-2 country code, e.g. "GB". */
  country: string;
  /** The library's region (state) code within the country, e.g. "ENG"; none for nationwide holidays only. */
  region?: string;
}

/** Holiday types that close offices and schools: the days whose demand and traffic look like a Sunday's. */
const CLOSING_TYPES = new Set(['public', 'bank']);

/** Why the library cannot give this calendar (unknown country or region), or null when it can. */
export function holidayCalendarProblem(spec: HolidayCalendarSpec): string | null {
  const hd = new Holidays();
  const countries = hd.getCountries() ?? {};
  if (!(spec.country in countries))
    return `country "${spec.country}" has no holiday calendar (use an ISO 3166-1 alpha-2 code such as GB or US)`;
  if (spec.region !== undefined) {
    const regions = hd.getStates(spec.country) ?? {};
    if (!(spec.region in regions)) {
      const known = Object.keys(regions);
      return `region "${spec.region}" of ${spec.country} has no holiday calendar${known.length > 0 ? ` (known: ${known.join(', ')})` : ' (the country has no regions)'}`;
    }
  }
  return null;
}

/** Public and bank holidays (including substitute days) of years `fromYear`..`toYear`, `YYYY-MM-DD`, sorted. */
export function calendarHolidayDates(spec: HolidayCalendarSpec, fromYear: number, toYear: number): string[] {
  const hd = spec.region === undefined ? new Holidays(spec.country) : new Holidays(spec.country, spec.region);
  const out = new Set<string>();
  for (let y = fromYear; y <= toYear; y++) {
    for (const h of hd.getHolidays(y) || []) if (CLOSING_TYPES.has(h.type)) out.add(h.date.slice(0, 10));
  }
  return [...out].sort();
}

/** The city's own holiday dates and, when it names a calendar, that calendar's for years `fromYear`..`toYear`. */
export function cityHolidayDates(
  city: { holidays: readonly string[]; holidayCalendar?: HolidayCalendarSpec },
  fromYear: number,
  toYear: number,
): string[] {
  if (!city.holidayCalendar) return [...city.holidays];
  return [...new Set([...city.holidays, ...calendarHolidayDates(city.holidayCalendar, fromYear, toYear)])].sort();
}
