// Watermark: minimum over partitions, idle partitions stop holding it back, never goes backwards.
import { describe, expect, it } from 'vitest';
import { WatermarkTracker } from '../../src/stream/watermark.js';

describe('WatermarkTracker', () => {
  it('is the minimum over partitions of max event time minus the bound, and ignores idle partitions', () => {
    const wm = new WatermarkTracker({ outOfOrdernessMs: 100, idleTimeoutMs: 1_000 });
    wm.observe('a', 10_000, 0);
    wm.observe('b', 5_000, 0);
    expect(wm.update(0)).toBe(true);
    expect(wm.current).toBe(4_899);
    wm.observe('a', 20_000, 900);
    expect(wm.update(900)).toBe(false);
    expect(wm.current).toBe(4_899);
    // b has been silent for more than the idle timeout: a alone decides.
    wm.observe('a', 21_000, 1_500);
    expect(wm.update(1_500)).toBe(true);
    expect(wm.current).toBe(20_899);
    // b wakes up far behind: the watermark does not go back.
    wm.observe('b', 6_000, 1_600);
    expect(wm.update(1_600)).toBe(false);
    expect(wm.current).toBe(20_899);
    expect(wm.finish()).toBe(true);
    expect(wm.current).toBe(Infinity);
  });
});
