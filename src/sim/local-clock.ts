// Local calendar of the simulated city: UTC offset of its timezone (cached for the hot loop), weekend and holiday days.
import { DAY_MS, isoWeekday, utcOffsetMs } from '../city/local-time.js';

const HOUR_MS = 3_600_000;

/** Day types index the daily profiles: working days and weekends/holidays. */
export const WORKDAY = 0;
export const OFFDAY = 1;

export class LocalClock {
  private readonly timezone: string;
  private readonly holidays: Set<number>;
  private readonly offsets = new Map<number, number>();
  private lastDay = NaN;
  private lastType = WORKDAY;

  constructor(timezone: string, holidays: readonly string[]) {
    utcOffsetMs(timezone, 0); // an unknown timezone is refused here, not in the middle of a simulation
    this.timezone = timezone;
    this.holidays = new Set(holidays.map((d) => Math.floor(Date.parse(`${d}T00:00:00Z`) / DAY_MS)));
  }

  /** Local time minus UTC at `ts`, cached per hour (offsets change on whole hours in every zone we simulate). */
  offsetMs(ts: number): number {
    const hour = Math.floor(ts / HOUR_MS);
    let off = this.offsets.get(hour);
    if (off === undefined) {
      off = utcOffsetMs(this.timezone, hour * HOUR_MS);
      this.offsets.set(hour, off);
    }
    return off;
  }

  isHoliday(localDay: number): boolean {
    return this.holidays.has(localDay);
  }

  /** Day type of a local day; the last answer is kept because consecutive readings nearly always share the day. */
  dayType(localDay: number): number {
    if (localDay !== this.lastDay) {
      this.lastDay = localDay;
      this.lastType = isoWeekday(localDay) >= 6 || this.holidays.has(localDay) ? OFFDAY : WORKDAY;
    }
    return this.lastType;
  }
}
