// Late-drop monitor: the late share of the last minute against the usual share, from cumulative counters.
import { describe, expect, it } from 'vitest';
import { LateRateMonitor } from '../../src/stream/late-rate.js';

describe('LateRateMonitor', () => {
  it('flags a late share far above the usual one, and only with enough late readings', () => {
    const m = new LateRateMonitor({ windowMs: 60_000, minLate: 100, factor: 10, floor: 0.01 });
    let late = 0;
    let routed = 0;
    // Ten minutes of normal traffic: 0.1 % late.
    for (let t = 0; t <= 600_000; t += 1000) {
      m.sample(t, late, routed);
      routed += 10_000;
      late += 10;
    }
    const normal = m.status();
    expect(normal.abnormal).toBe(false);
    expect(normal.normalRatio).toBeCloseTo(0.001, 5);
    expect(normal.recentRatio).toBeCloseTo(0.001, 5);
    // A source's clock jumps ahead: half the readings are late for a minute.
    for (let t = 601_000; t <= 661_000; t += 1000) {
      routed += 10_000;
      late += 5_000;
      m.sample(t, late, routed);
    }
    const bad = m.status();
    expect(bad.abnormal).toBe(true);
    expect(bad.recentRatio).toBeGreaterThan(0.4);
    expect(bad.normalRatio).toBeLessThan(0.01);
    // It passes: a minute of normal traffic and the flag clears.
    for (let t = 662_000; t <= 730_000; t += 1000) {
      routed += 10_000;
      late += 10;
      m.sample(t, late, routed);
    }
    expect(m.status().abnormal).toBe(false);
  });

  it('does not flag a handful of late readings, however large their share', () => {
    const m = new LateRateMonitor();
    m.sample(0, 0, 0);
    m.sample(1000, 50, 60);
    expect(m.status()).toMatchObject({ recentLate: 50, abnormal: false });
  });
});
