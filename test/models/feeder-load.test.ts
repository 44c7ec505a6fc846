// Feeder load accuracy on a generated demand series, scored by a rolling-origin loop written independently here.
import { describe, expect, it } from 'vitest';
import { fitFeederLoad, forecastFeederLoad } from '../../models/feeder-load.js';
import { restoreModel, serializeModel } from '../../models/serialize.js';
import { appendSeriesModel } from '../../models/series-model.js';
import { syntheticDemand } from '../../models/synthetic.js';
import type { FeederLoadModel } from '../../models/feeder-load.js';

const STEP = 1_800_000;
const SEASON = 48;
const H = 48;

/** MASE ratio versus seasonal naive and interval coverage over `origins` days at the end of the series. */
function score(seed: number, withTemperature: boolean, origins: number) {
  const d = syntheticDemand({ startMs: Date.UTC(2025, 0, 6), stepMs: STEP, days: 91, seed });
  const n = d.values.length;
  let errModel = 0;
  let errNaive = 0;
  let in80 = 0;
  let in95 = 0;
  let count = 0;
  for (let k = 1; k <= origins; k++) {
    const o = n - k * H;
    const model = fitFeederLoad(
      {
        startMs: d.startMs,
        stepMs: STEP,
        values: d.values.slice(0, o),
        temperature: withTemperature ? d.temperature.slice(0, o) : undefined,
        holidays: d.holidays,
      },
      H,
    );
    const fc = forecastFeederLoad(model, H, withTemperature ? d.temperature.slice(o, o + H) : undefined);
    for (let h = 0; h < H; h++) {
      const a = d.values[o + h];
      errModel += Math.abs(a - fc.forecast[h]);
      errNaive += Math.abs(a - d.values[o + h - SEASON]);
      if (a >= fc.lower80[h] && a <= fc.upper80[h]) in80++;
      if (a >= fc.lower95[h] && a <= fc.upper95[h]) in95++;
      count++;
    }
  }
  return { ratio: errModel / errNaive, cover80: in80 / count, cover95: in95 / count };
}

describe('feeder load forecaster', () => {
  // Coverage is judged over all seeds' test days together: a day's errors move together, so 28 days of
  // one series are too few to tell a 5-point miss from chance.
  it('beats seasonal naive by 20% at horizon 48 with temperature, intervals within 5 points of nominal', () => {
    const scores = [1, 2, 5, 6].map((seed) => score(seed, true, 28));
    for (const s of scores) expect(s.ratio).toBeLessThanOrEqual(0.8);
    const cover80 = scores.reduce((a, s) => a + s.cover80, 0) / scores.length;
    const cover95 = scores.reduce((a, s) => a + s.cover95, 0) / scores.length;
    expect(Math.abs(cover80 - 0.8)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(cover95 - 0.95)).toBeLessThanOrEqual(0.05);
  });

  it('still beats seasonal naive without temperature, where day-to-day weather is unforecastable noise', () => {
    const s = score(4, false, 28);
    expect(s.ratio).toBeLessThan(0.95);
    // One series' 28 days: a wider tolerance than the pooled check above.
    expect(Math.abs(s.cover80 - 0.8)).toBeLessThanOrEqual(0.07);
    expect(Math.abs(s.cover95 - 0.95)).toBeLessThanOrEqual(0.05);
  });

  it('round-trips through JSON and forecasts the same numbers', () => {
    const d = syntheticDemand({ startMs: Date.UTC(2025, 5, 2), stepMs: 900_000, days: 10, seed: 8 });
    const n = d.values.length - 192;
    const model = fitFeederLoad(
      { startMs: d.startMs, stepMs: 900_000, values: d.values.slice(0, n), temperature: d.temperature.slice(0, n) },
      192,
    );
    const restored = restoreModel(serializeModel(model)) as FeederLoadModel;
    const a = forecastFeederLoad(model, 192, d.temperature.slice(n));
    const b = forecastFeederLoad(restored, 192, d.temperature.slice(n));
    expect(b).toEqual(a);
    expect(a.forecast.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(() => forecastFeederLoad(model, 192)).toThrow(/supply a temperature forecast/);
  });
});

describe('appendSeriesModel', () => {
  it('forecasts from appended observations exactly as a model whose tails already held them', () => {
    const d = syntheticDemand({ startMs: Date.UTC(2025, 3, 7), stepMs: STEP, days: 30, seed: 12 });
    const n = d.values.length - 10;
    const model = fitFeederLoad({ startMs: d.startMs, stepMs: STEP, values: d.values.slice(0, n) }, H);
    const s = model.series;
    const moved = { ...model, series: appendSeriesModel(s, d.values.slice(n)) };
    const endMs = d.startMs + (d.values.length - 1) * STEP;
    const last = (k: number): number[] => Array.from(d.values.slice(d.values.length - k));
    const direct = {
      ...model,
      series: {
        ...s,
        endMs,
        tail: last(s.tail.length),
        arx: { ...s.arx, tail: last(s.arx.tail.length), endMs },
        decomposition: s.decomposition && { ...s.decomposition, tail: last(s.decomposition.tail.length), endMs },
      },
    };
    expect(forecastFeederLoad(moved, H)).toEqual(forecastFeederLoad(direct, H));
    expect(forecastFeederLoad(moved, H).timestamps[0]).toBe(d.startMs + d.values.length * STEP);
  });
});
