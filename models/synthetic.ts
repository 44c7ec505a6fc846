// Seeded synthetic series (feeder demand, bin fill, traffic counts) for tests and benchmarks; never used to fit defaults.
import { mulberry32 as rng } from '../src/random.js';
import { DAY_MS, dayNumber, weekday } from './calendar.js';

/** A small seeded generator (mulberry32) so fixtures are reproducible without shipping data. */
export { rng };

export function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** Whole days of a seeded series: the first step's start, the step length, the number of days and the seed. */
export interface SyntheticDays {
  startMs: number;
  stepMs: number;
  days: number;
  seed: number;
}

export interface SyntheticDemand {
  startMs: number;
  stepMs: number;
  values: Float64Array;
  temperature: Float64Array;
  holidays: string[];
}

/**
 * Half-hourly-style demand: morning and evening peaks, lower weekends with a different shape, holidays that
 * look like Sundays, U-shaped temperature response around 16 °C, slow level drift and AR(1) noise.
 */
export function syntheticDemand(opts: SyntheticDays & { base?: number }): SyntheticDemand {
  const rand = rng(opts.seed);
  const perDay = Math.round(DAY_MS / opts.stepMs);
  const n = opts.days * perDay;
  const base = opts.base ?? 1000;
  const values = new Float64Array(n);
  const temperature = new Float64Array(n);
  const holidayDays = new Set<number>();
  const firstDay = dayNumber(opts.startMs);
  for (let d = 0; d < opts.days; d++)
    if (rand() < 0.02 && weekday((firstDay + d) * DAY_MS) !== 0) holidayDays.add(firstDay + d);
  let weather = 0;
  let noise = 0;
  let drift = 0;
  for (let t = 0; t < n; t++) {
    const ms = opts.startMs + t * opts.stepMs;
    const hour = ((ms % DAY_MS) / DAY_MS) * 24;
    const day = dayNumber(ms);
    const wd = weekday(ms);
    const restDay = wd === 0 || wd === 6 || holidayDays.has(day);
    if (t % perDay === 0) weather = 0.8 * weather + 2.5 * gaussian(rand);
    const seasonal = 12 - 8 * Math.cos((2 * Math.PI * (day % 365)) / 365);
    temperature[t] = seasonal + weather + 4 * Math.sin((2 * Math.PI * (hour - 9)) / 24);
    const morning = Math.exp(-((hour - (restDay ? 10 : 8)) ** 2) / 4);
    const evening = Math.exp(-((hour - 19) ** 2) / 5);
    const night = 0.55 + 0.1 * Math.cos((2 * Math.PI * (hour - 3)) / 24);
    const shape =
      night +
      (restDay ? 0.2 : 0.35) * morning +
      0.45 * evening +
      (restDay ? 0 : 0.15) * (hour > 8 && hour < 18 ? 1 : 0);
    const temp = 0.012 * Math.max(0, 16 - temperature[t]) ** 1.3 + 0.02 * Math.max(0, temperature[t] - 22) ** 1.2;
    drift = 0.999 * drift + 0.002 * gaussian(rand);
    noise = 0.85 * noise + 0.02 * gaussian(rand);
    values[t] = base * (shape * (1 + drift) + temp + noise) * (wd === 5 ? 0.97 : 1);
  }
  const holidays = [...holidayDays].map((d) => new Date(d * DAY_MS).toISOString().slice(0, 10));
  return { startMs: opts.startMs, stepMs: opts.stepMs, values, temperature, holidays };
}

/** Hourly-or-finer bin levels: weekday-dependent fill with a daytime peak, collections every few days to ~2–8%. */
export function syntheticBin(opts: { startMs: number; stepMs: number; steps: number; seed: number }): Float64Array {
  const rand = rng(opts.seed);
  const perDay = DAY_MS / opts.stepMs;
  const dailyFill = 15 + 25 * rand();
  const weekdayFactor = [0.6, 1.1, 1, 1, 1.05, 1.2, 1.3];
  const cycleDays = 2 + Math.floor(4 * rand());
  const out = new Float64Array(opts.steps);
  let level = 5 + 30 * rand();
  let sinceCollection = Math.floor(rand() * cycleDays * perDay);
  for (let t = 0; t < opts.steps; t++) {
    const ms = opts.startMs + t * opts.stepMs;
    const hour = ((ms % DAY_MS) / DAY_MS) * 24;
    if (sinceCollection >= cycleDays * perDay && hour >= 6 && hour < 7) {
      level = 2 + 6 * rand();
      sinceCollection = 0;
    } else {
      const daytime = 0.3 + 1.4 * Math.exp(-((hour - 14) ** 2) / 18);
      const r = (dailyFill / perDay) * weekdayFactor[weekday(ms)] * daytime * (1 + 0.3 * gaussian(rand));
      level = Math.min(100, level + Math.max(0, r));
    }
    sinceCollection++;
    out[t] = Math.min(100, Math.max(0, level + 0.8 * gaussian(rand)));
  }
  return out;
}

/** 5-min vehicle counts: AM/PM peaks on weekdays, a midday hump at weekends, Poisson-like noise. */
export function syntheticTraffic(opts: SyntheticDays & { peak?: number }): Float64Array {
  const rand = rng(opts.seed);
  const perDay = Math.round(DAY_MS / opts.stepMs);
  const peak = opts.peak ?? 60;
  const out = new Float64Array(opts.days * perDay);
  let noise = 0;
  for (let t = 0; t < out.length; t++) {
    const ms = opts.startMs + t * opts.stepMs;
    const hour = ((ms % DAY_MS) / DAY_MS) * 24;
    const wd = weekday(ms);
    const weekend = wd === 0 || wd === 6;
    const shape = weekend
      ? 0.1 + 0.6 * Math.exp(-((hour - 13) ** 2) / 12)
      : 0.08 +
        Math.exp(-((hour - 8) ** 2) / 1.5) +
        0.9 * Math.exp(-((hour - 17.5) ** 2) / 2.5) +
        0.4 * Math.exp(-((hour - 12.5) ** 2) / 6);
    noise = 0.9 * noise + 0.05 * gaussian(rand);
    const mean = peak * shape * (1 + noise);
    out[t] = Math.max(0, Math.round(mean + Math.sqrt(Math.max(mean, 0)) * gaussian(rand)));
  }
  return out;
}
