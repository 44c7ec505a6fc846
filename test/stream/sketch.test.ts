// DDSketch: quantiles within the documented relative error, and merging equals sketching the union.
import { describe, expect, it } from 'vitest';
import { createSketch, sketchAdd, sketchMerge, sketchQuantile } from '../../src/stream/sketch.js';
import { rng } from '../helpers/rng.js';

function exact(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(q * (s.length - 1))];
}

describe('DDSketch', () => {
  it('answers p50/p95/p99 within 1% of the exact order statistic on skewed and signed data', () => {
    const r = rng(5);
    const datasets = [
      Array.from({ length: 20_000 }, () => Math.exp(r() * 12)),
      Array.from({ length: 5_000 }, () => (r() - 0.3) * 1000),
      Array.from({ length: 3_000 }, () => (r() < 0.2 ? 0 : 1 + r() * 5)),
    ];
    for (const values of datasets) {
      const s = createSketch(0.01);
      for (const v of values) sketchAdd(s, v);
      for (const q of [0.5, 0.95, 0.99]) {
        const want = exact(values, q);
        expect(Math.abs(sketchQuantile(s, q) - want)).toBeLessThanOrEqual(0.01 * Math.abs(want) + 1e-9);
      }
    }
  });

  it('merging per-partition sketches gives the sketch of all values', () => {
    const r = rng(8);
    const values = Array.from({ length: 4_000 }, () => r() * 500);
    const whole = createSketch();
    const a = createSketch();
    const b = createSketch();
    values.forEach((v, i) => {
      sketchAdd(whole, v);
      sketchAdd(i % 3 === 0 ? a : b, v);
    });
    sketchMerge(a, b);
    for (const q of [0, 0.1, 0.5, 0.9, 0.99, 1]) expect(sketchQuantile(a, q)).toBe(sketchQuantile(whole, q));
    expect(sketchQuantile(createSketch(), 0.5)).toBeNaN();
  });
});
