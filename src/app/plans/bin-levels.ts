// Bin levels for a collection day from the fill forecasts: the fill when the shift starts, and the fill by the next service day.
import type { BinLevel } from '../../../solvers/routing/collection/index.js';
import type { ForecastReady } from '../forecasts/index.js';
import type { ForecastSource } from './live-plan-deps.js';
import type { BinLevelRow } from './schemas.js';

export interface BinLevels {
  levels: Map<string, BinLevel>;
  rows: BinLevelRow[];
  unknown: { id: string; reason: string }[];
}

/** The forecast value of the window containing `ms`; before the first forecast window, the last observed value. */
function valueAt(f: ForecastReady, band: 'forecast' | 'upper80', ms: number): number {
  if (f.timestamps.length === 0 || ms < f.timestamps[0]) return f.lastValue;
  const h = Math.min(f.timestamps.length - 1, Math.floor((ms - f.timestamps[0]) / f.stepMs));
  return f[band][h];
}

/**
 * `fill` is the point forecast at the shift start (what the truck picks up); `forecastFill` the upper 80%
 * band at the next service day's shift start if the bin is skipped: an overflow costs more than an early
 * pickup, so a bin that may well pass its threshold before the next service is collected today.
 */
export function binLevelsFor(
  forecasts: ForecastSource,
  bins: readonly { id: string; threshold: number }[],
  shiftStartMs: number,
  nextStartMs: number,
  nowMs: number,
): BinLevels {
  const levels = new Map<string, BinLevel>();
  const rows: BinLevelRow[] = [];
  const unknown: { id: string; reason: string }[] = [];
  for (const b of bins) {
    const f = forecasts.forecast(
      { kind: 'bin', id: b.id, fromMs: nowMs, horizonMs: Math.max(1, nextStartMs - nowMs) + 3_600_000 },
      nowMs,
    );
    if (f.status === 'not-ready') {
      unknown.push({ id: b.id, reason: f.reason });
      continue;
    }
    const fill = Math.max(0, valueAt(f, 'forecast', shiftStartMs)) / 100;
    const forecastFill = Math.max(fill, valueAt(f, 'upper80', nextStartMs) / 100);
    levels.set(b.id, { fill, forecastFill });
    rows.push({
      id: b.id,
      fill,
      forecastFill,
      forecast: f.status,
      mustCollect: fill >= b.threshold || forecastFill >= b.threshold,
    });
  }
  return { levels, rows, unknown };
}
