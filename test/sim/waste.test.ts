// Bin shapes: fill levels rise between collections at per-bin rates and drop when a bin is collected.
import { describe, expect, it } from 'vitest';
import { createSimulator, NO_DISORDER } from '../../src/sim/index.js';
import { cdt, HOUR, mean, run, smallCity } from './helpers.js';

const city = smallCity();
const DAY = 24 * HOUR;

function fills(
  sim: ReturnType<typeof createSimulator>,
  from: number,
  to: number,
  chunk = HOUR,
): Map<string, { ts: number; value: number }[]> {
  const out = new Map<string, { ts: number; value: number }[]>();
  run(sim, from, to, chunk, (r) => {
    if (r.metric !== 'bin.fill') return;
    const series = out.get(r.sensor) ?? [];
    series.push({ ts: r.ts, value: r.value });
    out.set(r.sensor, series);
  });
  return out;
}

describe('bin fill levels', () => {
  const start = cdt('2026-06-15T00:00:00');

  it('rise between collections, at rates that differ per bin', () => {
    const sim = createSimulator(city, { seed: 4, sensorKinds: ['bin'], collection: 'manual', disorder: NO_DISORDER });
    const series = fills(sim, start, start + 2 * DAY);
    expect(series.size).toBe(city.waste.bins.length);
    let rising = 0;
    let pairs = 0;
    const gains: number[] = [];
    for (const s of series.values()) {
      for (let i = 24; i < s.length; i += 24) {
        pairs++;
        if (s[i].value > s[i - 24].value) rising++;
      }
      gains.push(s[s.length - 1].value - s[0].value);
    }
    expect(rising / pairs).toBeGreaterThan(0.9);
    const m = mean(gains);
    const sd = Math.sqrt(mean(gains.map((g) => (g - m) ** 2)));
    expect(sd / m).toBeGreaterThan(0.15);
  });

  it('drop to near empty when collected, and keep filling afterwards', () => {
    const sim = createSimulator(city, { seed: 4, sensorKinds: ['bin'], collection: 'manual', disorder: NO_DISORDER });
    const targets = city.waste.bins.slice(0, 10);
    const before = fills(sim, start, start + DAY);
    const at = start + DAY + 2 * HOUR;
    sim.collect(
      targets.map((b) => b.id),
      at,
    );
    const after = fills(sim, start + DAY, start + 2 * DAY);
    for (const b of targets) {
      const last = before.get(b.sensor)!.at(-1)!.value;
      const series = after.get(b.sensor)!;
      const next = series.find((p) => p.ts >= at)!;
      expect(next.value).toBeLessThan(Math.min(0.1, last));
      expect(series.at(-1)!.value).toBeGreaterThan(next.value);
      expect(sim.collectionCount(b.id)).toBe(1);
    }
    const untouched = city.waste.bins[20];
    expect(sim.collectionCount(untouched.id)).toBe(0);
    expect(() => sim.collect(['bin-nope'], at)).toThrow(/unknown bin "bin-nope"/);
  });

  it('are emptied by the default service schedule, so over two weeks bins empty and none runs away', () => {
    const sim = createSimulator(city, { seed: 4, sensorKinds: ['bin'], disorder: NO_DISORDER });
    const series = fills(sim, start, start + 14 * DAY, DAY);
    for (const [, s] of series) {
      expect(Math.max(...s.map((p) => p.value))).toBeLessThanOrEqual(1.2);
      const drops = s.filter((p, i) => i > 0 && p.value < s[i - 1].value - 0.3).length;
      expect(drops).toBeGreaterThanOrEqual(1);
    }
    for (const b of city.waste.bins) expect(sim.collectionCount(b.id)).toBeGreaterThanOrEqual(1);
  });
});
