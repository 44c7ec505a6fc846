// Bin fill: collections recognized as events, fill rate fitted within cycles, threshold time and calibrated bands.
import { describe, expect, it } from 'vitest';
import { appendBinFill, detectCollections, fitBinFill, forecastBinFill } from '../../models/bin-fill.js';
import { restoreModel, serializeModel } from '../../models/serialize.js';
import { syntheticBin } from '../../models/synthetic.js';
import type { BinFillModel } from '../../models/bin-fill.js';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 2, 2);

/** A bin filling exactly `rate` points per hour, emptied to 3% every `cycle` hours. */
function sawtooth(steps: number, rate: number, cycle: number): { levels: Float64Array; collections: number[] } {
  const levels = new Float64Array(steps);
  const collections: number[] = [];
  let level = 10;
  for (let t = 0; t < steps; t++) {
    if (t > 0 && t % cycle === 0) {
      level = 3;
      collections.push(t);
    } else if (t > 0) level = Math.min(100, level + rate);
    levels[t] = level;
  }
  return { levels, collections };
}

describe('bin fill forecaster', () => {
  it('finds collections and fits the rate inside cycles only', () => {
    const { levels, collections } = sawtooth(24 * 14, 1.5, 40);
    const found: number[] = [];
    detectCollections(levels).forEach((c, t) => c && found.push(t));
    expect(found).toEqual(collections);
    const model = fitBinFill({ startMs: START, stepMs: HOUR, levels }, 24);
    expect(model.collections).toEqual(collections.map((t) => START + t * HOUR));
    const fc = forecastBinFill(model, 24, 80);
    const last = levels[levels.length - 1];
    for (let h = 0; h < 24; h++) expect(fc.level[h]).toBeCloseTo(Math.min(100, last + 1.5 * (h + 1)), 1);
    const expected = model.endMs + ((80 - last) / 1.5) * HOUR;
    expect(Math.abs((fc.thresholdAtMs ?? 0) - expected)).toBeLessThan(0.05 * HOUR);
  });

  it('reports a threshold beyond the horizon, and the current time when already above it', () => {
    const { levels } = sawtooth(24 * 10, 0.5, 1000);
    const truncated = levels.map((v, t) => (t < 200 ? v : Math.min(v, 30 + 0.5 * (t - 200))));
    const model = fitBinFill({ startMs: START, stepMs: HOUR, levels: truncated }, 12);
    const fc = forecastBinFill(model, 12, 95);
    expect(fc.thresholdAtMs).not.toBeNull();
    expect(fc.thresholdAtMs!).toBeGreaterThan(fc.timestamps[11]);
    expect(forecastBinFill(model, 12, 10).thresholdAtMs).toBe(model.endMs);
  });

  it('beats persistence on generated bins and covers near nominal between collections', () => {
    let errModel = 0;
    let errPersist = 0;
    let in80 = 0;
    let in95 = 0;
    let count = 0;
    const H = 24;
    for (let seed = 1; seed <= 40; seed++) {
      const levels = syntheticBin({ startMs: START, stepMs: HOUR, steps: 24 * 21, seed });
      for (const back of [H + 30, H]) {
        const o = levels.length - back;
        const model = fitBinFill({ startMs: START, stepMs: HOUR, levels: levels.slice(0, o) }, H);
        const fc = forecastBinFill(model, H);
        const hits = detectCollections(levels.slice(o - 1, o + H));
        for (let h = 0; h < H; h++) {
          if (hits[h + 1]) break;
          const a = levels[o + h];
          errModel += Math.abs(a - fc.level[h]);
          errPersist += Math.abs(a - levels[o - 1]);
          if (a >= fc.lower80[h] && a <= fc.upper80[h]) in80++;
          if (a >= fc.lower95[h] && a <= fc.upper95[h]) in95++;
          count++;
        }
      }
    }
    expect(count).toBeGreaterThan(500);
    expect(errModel).toBeLessThan(0.6 * errPersist);
    expect(Math.abs(in80 / count - 0.8)).toBeLessThan(0.08);
    expect(Math.abs(in95 / count - 0.95)).toBeLessThan(0.05);
  });

  it('round-trips through JSON', () => {
    const levels = syntheticBin({ startMs: START, stepMs: HOUR, steps: 24 * 14, seed: 3 });
    const model = fitBinFill({ startMs: START, stepMs: HOUR, levels }, 48);
    const restored = restoreModel(serializeModel(model)) as BinFillModel;
    expect(forecastBinFill(restored, 48)).toEqual(forecastBinFill(model, 48));
    expect(() => restoreModel('{"kind":"nope"}')).toThrow(/expected one of/);
  });
});

describe('appendBinFill', () => {
  it('moves the forecast origin and records a collection seen in the new readings', () => {
    const { levels } = sawtooth(24 * 10, 1, 1000);
    const model = fitBinFill({ startMs: START, stepMs: HOUR, levels: levels.slice(0, 200) }, 12);
    const moved = appendBinFill(model, [levels[200], 4, 5]);
    expect(moved.endMs).toBe(model.endMs + 3 * HOUR);
    expect(moved.collections).toEqual([...model.collections, model.endMs + 2 * HOUR]);
    expect(forecastBinFill(moved, 1).level[0]).toBeCloseTo(6, 1);
  });
});
