// Lane-group demand for a plan period, as an hourly flow rate, from the lane-group flow forecast.
import type { ForecastReady } from '../forecasts/index.js';

const HOUR_MS = 3_600_000;
const QUARTER_MS = 900_000;

/**
 * `mean` is the period's average rate; `peak15` the highest 15-minute rate within it, as the HCM sizes
 * timing plans on the peak 15 minutes (its peak hour factor) so the busiest part of the period is served.
 */
export type DemandStatistic = 'mean' | 'peak15';

/** Demand in veh/h over [fromMs, untilMs) from a forecast of counts per step covering that span. */
export function periodDemand(f: ForecastReady, fromMs: number, untilMs: number, statistic: DemandStatistic): number {
  const rates: number[] = [];
  f.timestamps.forEach((t, h) => {
    if (t >= fromMs && t < untilMs) rates.push((f.forecast[h] * HOUR_MS) / f.stepMs);
  });
  if (rates.length === 0) return 0;
  if (statistic === 'mean') return rates.reduce((s, r) => s + r, 0) / rates.length;
  const w = Math.min(rates.length, Math.max(1, Math.round(QUARTER_MS / f.stepMs)));
  let sum = 0;
  for (let i = 0; i < w; i++) sum += rates[i];
  let best = sum;
  for (let i = w; i < rates.length; i++) {
    sum += rates[i] - rates[i - w];
    if (sum > best) best = sum;
  }
  return best / w;
}

/** Whether new demand differs enough from the demand a plan was computed on to recompute it. */
export function materialChange(
  before: Readonly<Record<string, number>>,
  after: Readonly<Record<string, number>>,
  threshold: { relative: number; absoluteVehPerHour: number },
): boolean {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const k of keys) {
    const a = before[k] ?? 0;
    const b = after[k] ?? 0;
    const d = Math.abs(b - a);
    if (d >= threshold.absoluteVehPerHour && d >= threshold.relative * Math.max(a, b)) return true;
  }
  return false;
}
