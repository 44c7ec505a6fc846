// Disorder: out-of-order arrival, late readings, duplicates and dropouts at roughly the configured rates (loose bounds).
import { describe, expect, it } from 'vitest';
import { createSimulator, NO_DISORDER } from '../../src/sim/index.js';
import { cdt, MINUTE, run, smallCity } from './helpers.js';

const city = smallCity();
const from = cdt('2026-06-16T08:00:00');

describe('simulated disorder', () => {
  it('delivers out of order within the network delay', () => {
    const sim = createSimulator(city, {
      seed: 1,
      disorder: { meanDelayMs: 500, lateProbability: 0, duplicateProbability: 0, dropoutProbability: 0 },
    });
    const out = sim.step(from, from + 30 * MINUTE);
    let inversions = 0;
    for (let i = 1; i < out.length; i++) if (out[i].ts < out[i - 1].ts) inversions++;
    expect(inversions / out.length).toBeGreaterThan(0.05);
    const ordered = createSimulator(city, { seed: 1, disorder: NO_DISORDER }).step(from, from + 30 * MINUTE);
    for (let i = 1; i < ordered.length; i++) expect(ordered[i].ts).toBeGreaterThanOrEqual(ordered[i - 1].ts);
  });

  it('sends late readings and duplicates at about the configured shares', () => {
    const lateMaxMs = 2 * MINUTE;
    const sim = createSimulator(city, {
      seed: 2,
      speed: 20,
      disorder: {
        lateProbability: 0.01,
        lateMinMs: MINUTE,
        lateMaxMs,
        duplicateProbability: 0.02,
        dropoutProbability: 0,
      },
    });
    const end = from + 20 * MINUTE;
    let total = 0;
    let late = 0;
    const seen = new Set<string>();
    let duplicates = 0;
    run(sim, from, end, 1000, (r, chunkStart) => {
      // Late readings of the last lateMaxMs have not all arrived by the end; count only earlier event times.
      if (r.ts >= end - lateMaxMs) return;
      total++;
      if (chunkStart - r.ts >= MINUTE - 1000) late++;
      const key = `${r.sensor}|${r.metric}|${r.ts}`;
      if (seen.has(key)) duplicates++;
      seen.add(key);
    });
    expect(total).toBeGreaterThan(50_000);
    expect(late / total).toBeGreaterThan(0.007);
    expect(late / total).toBeLessThan(0.013);
    expect(duplicates / total).toBeGreaterThan(0.014);
    expect(duplicates / total).toBeLessThan(0.026);
  });

  it('silences sensors for a while in dropouts', () => {
    const sim = createSimulator(city, {
      seed: 3,
      sensorKinds: ['detector'],
      disorder: { ...NO_DISORDER, dropoutProbability: 0.01, dropoutMinMs: 2 * MINUTE, dropoutMaxMs: 4 * MINUTE },
    });
    const times = new Map<string, number[]>();
    run(sim, from, from + 6 * 60 * MINUTE, 60 * MINUTE, (r) => {
      if (r.metric !== 'detector.count') return;
      const list = times.get(r.sensor) ?? [];
      list.push(r.ts);
      times.set(r.sensor, list);
    });
    let expected = 0;
    let received = 0;
    let longGaps = 0;
    for (const ts of times.values()) {
      const gaps = ts.slice(1).map((t, i) => t - ts[i]);
      const interval = Math.min(...gaps);
      expected += Math.round((ts[ts.length - 1] - ts[0]) / interval) + 1;
      received += ts.length;
      longGaps += gaps.filter((g) => g >= 2 * MINUTE).length;
    }
    // Each report starts a dropout with p = 0.01 lasting ~3 min: with 20-60 s intervals, roughly 3-10% of reports are lost.
    const lost = 1 - received / expected;
    expect(lost).toBeGreaterThan(0.02);
    expect(lost).toBeLessThan(0.15);
    expect(longGaps).toBeGreaterThan(10);
  });
});
