// Rolling-origin backtest: the baseline's scores recomputed independently, and the model's margin over it.
import { describe, expect, it } from 'vitest';
import { backtestSeries } from '../../models/backtest.js';
import { syntheticDemand } from '../../models/synthetic.js';

describe('backtestSeries', () => {
  const d = syntheticDemand({ startMs: Date.UTC(2024, 8, 2), stepMs: 1_800_000, days: 240, seed: 31 });
  const H = 48;
  const K = 60;
  const report = backtestSeries({ startMs: d.startMs, stepMs: d.stepMs, values: d.values, season: 48, min: 0 }, H, K);

  it('scores the seasonal-naive baseline as a direct computation would', () => {
    const n = d.values.length;
    let mae = 0;
    let mase = 0;
    for (let k = K; k >= 1; k--) {
      const o = n - k * H;
      let scale = 0;
      for (let t = 48; t < o; t++) scale += Math.abs(d.values[t] - d.values[t - 48]);
      scale /= o - 48;
      let e = 0;
      for (let h = 0; h < H; h++) e += Math.abs(d.values[o + h] - d.values[o + h - 48]);
      mae += e / H / K;
      mase += e / H / scale / K;
    }
    expect(report.seasonalNaive.mae).toBeCloseTo(mae, 9);
    expect(report.seasonalNaive.mase).toBeCloseTo(mase, 9);
    expect(report.originTimes).toHaveLength(K);
  });

  // Sixty test days without the temperature column: the generator's day-to-day weather swing is
  // unforecastable here, so the margin is smaller than with temperature (feeder-load.test.ts asserts 0.8 there),
  // and coverage needs many days to judge because a day's errors move together.
  it('beats the baseline on demand without temperature and keeps coverage near nominal', () => {
    expect(report.maseRatio).toBeLessThan(0.85);
    expect(Math.abs(report.model.coverage80 - 0.8)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(report.model.coverage95 - 0.95)).toBeLessThanOrEqual(0.05);
  });

  it('refuses more origins than the history allows', () => {
    expect(() =>
      backtestSeries({ startMs: d.startMs, stepMs: d.stepMs, values: d.values.slice(0, 500), season: 48 }, 48, 10),
    ).toThrow(/reduce --origins/);
  });
});
