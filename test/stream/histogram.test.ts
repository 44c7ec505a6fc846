// Emit-delay histogram: quantiles within its bucket resolution, and the delays of an interval from two copies.
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/stream/histogram.js';

describe('LatencyHistogram', () => {
  it('answers quantiles within about 2% of the recorded values', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.record(i / 10);
    expect(h.quantile(0.5)).toBeGreaterThanOrEqual(50);
    expect(h.quantile(0.5)).toBeLessThanOrEqual(50 * 1.03);
    expect(h.quantile(0.99)).toBeGreaterThanOrEqual(99);
    expect(h.quantile(0.99)).toBeLessThanOrEqual(99 * 1.03);
  });

  it('gives the delays recorded after a copy, without the start-up ones', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 50; i++) h.record(500);
    const start = h.clone();
    for (let i = 0; i < 1000; i++) h.record(5, 1);
    const steady = h.since(start);
    expect(steady.count).toBe(1000);
    expect(steady.quantile(0.99)).toBeLessThanOrEqual(5 * 1.03);
    expect(h.quantile(0.99)).toBeGreaterThan(400);
  });
});
