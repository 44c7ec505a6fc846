// Interval calibration from residuals: widths follow per-step spread, quantiles follow the pooled shape.
import { describe, expect, it } from 'vitest';
import { applyIntervals, calibrateIntervals } from '../../models/intervals.js';
import { gaussian, rng } from '../../models/synthetic.js';

describe('calibrateIntervals', () => {
  it('recovers Gaussian quantiles and a scale growing with the step', () => {
    const rand = rng(9);
    const h = 10;
    const origins = 400;
    const res = new Float64Array(origins * h);
    for (let o = 0; o < origins; o++) for (let s = 0; s < h; s++) res[o * h + s] = (1 + s) * gaussian(rand);
    const cal = calibrateIntervals(res, h);
    expect(cal.hi80).toBeGreaterThan(1.1);
    expect(cal.hi80).toBeLessThan(1.45);
    expect(cal.lo95).toBeLessThan(-1.75);
    expect(cal.lo95).toBeGreaterThan(-2.2);
    expect(cal.scale[h - 1]).toBeGreaterThan(3 * cal.scale[0]);
    // Empirical coverage on fresh draws.
    let in80 = 0;
    let in95 = 0;
    const trials = 4000;
    for (let i = 0; i < trials; i++) {
      const s = i % h;
      const b = applyIntervals([0], { ...cal, scale: [cal.scale[s]] });
      const r = (1 + s) * gaussian(rand);
      if (r >= b.lower80[0] && r <= b.upper80[0]) in80++;
      if (r >= b.lower95[0] && r <= b.upper95[0]) in95++;
    }
    expect(Math.abs(in80 / trials - 0.8)).toBeLessThan(0.04);
    expect(Math.abs(in95 / trials - 0.95)).toBeLessThan(0.025);
  });

  it('takes interpolated quantiles of |standardized residuals| exactly', () => {
    const values = Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 1 : -1) * (100 - i));
    const cal = calibrateIntervals(Float64Array.from(values), 1);
    const rms = Math.sqrt(values.reduce((s, v) => s + v * v, 0) / values.length);
    expect(cal.scale[0]).toBeCloseTo(rms, 9);
    expect(cal.hi80 * rms).toBeCloseTo(80.2, 9);
    expect(cal.hi95 * rms).toBeCloseTo(95.05, 9);
    expect(cal.lo80).toBe(-cal.hi80);
  });

  it('ignores NaN residuals and keeps the forecast inside its bands', () => {
    const res = new Float64Array([1, NaN, 2, NaN, 3, 4]);
    const cal = calibrateIntervals(res, 2);
    const b = applyIntervals([10, 10], cal);
    for (let s = 0; s < 2; s++) {
      expect(b.lower95[s]).toBeLessThanOrEqual(10);
      expect(b.upper95[s]).toBeGreaterThanOrEqual(10);
      expect(Number.isFinite(b.upper95[s])).toBe(true);
    }
  });
});

describe('calibrateIntervals on sparse residuals', () => {
  it('gives every step a finite width when early steps were never reached', () => {
    const h = 6;
    const rand = rng(2);
    const res = new Float64Array(50 * h).fill(NaN);
    for (let o = 0; o < 50; o++) for (let s = 3; s < h; s++) res[o * h + s] = gaussian(rand);
    const cal = calibrateIntervals(res, h);
    expect(cal.scale.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    expect(JSON.parse(JSON.stringify(cal))).toEqual(cal);
  });
});
