// Local calendar of the simulated city: UTC offset of its timezone, day of week, weekend and holiday days.
export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Day types index the daily profiles: working days and weekends/holidays. */
export const WORKDAY = 0;
export const OFFDAY = 1;

export class LocalClock {
  private readonly format: Intl.DateTimeFormat;
  private readonly holidays: Set<number>;
  private readonly offsets = new Map<number, number>();
  private lastDay = NaN;
  private lastType = WORKDAY;

  constructor(timezone: string, holidays: readonly string[]) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    this.holidays = new Set(holidays.map((d) => Math.floor(Date.parse(`${d}T00:00:00Z`) / DAY_MS)));
  }

  /** Local time minus UTC at `ts`, cached per hour (offsets change on whole hours in every zone we simulate). */
  offsetMs(ts: number): number {
    const hour = Math.floor(ts / HOUR_MS);
    let off = this.offsets.get(hour);
    if (off === undefined) {
      const at = hour * HOUR_MS;
      const p: Record<string, number> = {};
      for (const part of this.format.formatToParts(new Date(at))) if (part.type !== 'literal') p[part.type] = Number(part.value);
      off = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - at;
      this.offsets.set(hour, off);
    }
    return off;
  }

  /** ISO weekday (1 = Monday … 7 = Sunday) of a local day number (days since 1970-01-01 local). */
  static isoWeekday(localDay: number): number {
    return ((((localDay + 3) % 7) + 7) % 7) + 1;
  }

  isHoliday(localDay: number): boolean {
    return this.holidays.has(localDay);
  }

  /** Day type of a local day; the last answer is kept because consecutive readings nearly always share the day. */
  dayType(localDay: number): number {
    if (localDay !== this.lastDay) {
      this.lastDay = localDay;
      this.lastType = LocalClock.isoWeekday(localDay) >= 6 || this.holidays.has(localDay) ? OFFDAY : WORKDAY;
    }
    return this.lastType;
  }
}
