// The simulator is a pure function of city, seed and calls: same seed, same readings, whatever the step sizes.
import { describe, expect, it } from 'vitest';
import { loadSampleCity } from '../../src/city/index.js';
import { createSimulator } from '../../src/sim/index.js';
import type { Reading } from '../../src/telemetry/reading.js';
import { METRIC_INDEX } from '../../src/telemetry/metrics.js';
import { cdt, MINUTE, run, smallCity } from './helpers.js';

const from = cdt('2026-06-16T07:00:00');

function collectAll(seed: number, chunkMs: number): Reading[] {
  const sim = createSimulator(smallCity(), { seed });
  const all: Reading[] = [];
  run(sim, from, from + 20 * MINUTE, chunkMs, (r) => all.push(r));
  return all;
}

describe('simulator determinism', () => {
  it('gives identical readings for a seed, independently of step sizes', () => {
    const a = collectAll(7, 20 * MINUTE);
    expect(a.length).toBeGreaterThan(1000);
    expect(collectAll(7, 20 * MINUTE)).toEqual(a);
    expect(collectAll(7, 1000)).toEqual(a);
    expect(collectAll(7, 7 * MINUTE)).toEqual(a);
  });

  it('differs across seeds', () => {
    const a = collectAll(7, MINUTE);
    const b = collectAll(8, MINUTE);
    expect(b).not.toEqual(a);
    expect(Math.abs(a.length - b.length) / a.length).toBeLessThan(0.3);
  });

  it('never hands out a reading before its event time, and uses only registered metrics and city sensors', () => {
    const city = smallCity();
    const sensors = new Set([
      ...city.intersections.flatMap((x) => x.approaches.flatMap((a) => a.laneGroups.flatMap((g) => g.detectors))),
      ...city.feeders.flatMap((f) => [f.meterSensor, ...f.resources.map((r) => r.sensor)]),
      ...city.waste.bins.map((b) => b.sensor),
      ...city.weatherStations.map((s) => s.sensor),
    ]);
    const sim = createSimulator(city, { seed: 1 });
    run(sim, from, from + 10 * MINUTE, 5000, (r, chunkStart) => {
      expect(r.ts).toBeLessThan(chunkStart + 5000);
      expect(METRIC_INDEX.has(r.metric)).toBe(true);
      expect(sensors.has(r.sensor)).toBe(true);
      expect(Number.isFinite(r.value)).toBe(true);
    });
  });

  it('rejects going back in time', () => {
    const sim = createSimulator(smallCity(), { seed: 1 });
    sim.step(from, from + MINUTE);
    expect(() => sim.step(from, from + 2 * MINUTE)).toThrow(/cannot go back in time/);
  });

  it('sends a few to a few hundred readings per second for the sample city at natural speed, and scales with speed', () => {
    const city = loadSampleCity();
    const natural = createSimulator(city, { seed: 1 });
    expect(natural.readingsPerSecond).toBeGreaterThan(5);
    expect(natural.readingsPerSecond).toBeLessThan(500);
    const n = natural.step(from, from + 5 * MINUTE).length / 300;
    expect(n).toBeGreaterThan(0.8 * natural.readingsPerSecond);
    expect(n).toBeLessThan(1.2 * natural.readingsPerSecond);
    const fast = createSimulator(city, { seed: 1, speed: 50 });
    expect(fast.readingsPerSecond).toBeCloseTo(50 * natural.readingsPerSecond, 3);
    const m = fast.step(from, from + 20_000).length / 20;
    expect(m / n).toBeGreaterThan(35);
    expect(m / n).toBeLessThan(65);
  });

  it('validates its options', () => {
    expect(() => createSimulator(smallCity(), { seed: 1.5 })).toThrow(/seed must be an integer/);
    expect(() => createSimulator(smallCity(), { seed: 1, speed: 0 })).toThrow(/speed/);
    expect(() => createSimulator(smallCity(), { seed: 1, disorder: { lateProbability: 2 } })).toThrow(
      /disorder.lateProbability must be at most 1/,
    );
  });
});
