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

  it('keeps a source with a message in progress active however long it takes', () => {
    const wm = new WatermarkTracker({ outOfOrdernessMs: 100, idleTimeoutMs: 1_000 });
    wm.observe('sim', 10_000, 0);
    wm.observe('http', 50_000, 0);
    wm.update(0);
    expect(wm.current).toBe(9_899);
    // The simulator's next batch waits on busy workers for longer than the idle timeout while HTTP keeps talking.
    wm.begin('sim');
    wm.observe('http', 60_000, 5_000);
    expect(wm.update(5_000)).toBe(false);
    expect(wm.current).toBe(9_899);
    wm.end('sim');
    wm.observe('sim', 12_000, 5_000);
    expect(wm.update(5_000)).toBe(true);
    expect(wm.current).toBe(11_899);
  });
});
