// Traffic flow per lane group from 5-min counts: 15 min to 2 h ahead, against seasonal naive, with calibrated bands.
import { describe, expect, it } from 'vitest';
import { fitTrafficFlow, forecastTrafficFlow } from '../../models/traffic-flow.js';
import { syntheticTraffic } from '../../models/synthetic.js';

const STEP = 300_000;
const START = Date.UTC(2026, 3, 6);

describe('traffic flow forecaster', () => {
  it('forecasts each lane group 2 h ahead better than yesterday-same-time, with near-nominal coverage', () => {
    const days = 22;
    const groups = [
      { id: 'north-through', counts: syntheticTraffic({ startMs: START, stepMs: STEP, days, seed: 1, peak: 60 }) },
      { id: 'east-left', counts: syntheticTraffic({ startMs: START, stepMs: STEP, days, seed: 2, peak: 15 }) },
    ];
    const H = 24;
    const n = groups[0].counts.length;
    let errModel = 0;
    let errNaive = 0;
    let in80 = 0;
    let in95 = 0;
    let count = 0;
    for (let k = 0; k < 16; k++) {
      const o = n - H - k * 37;
      const model = fitTrafficFlow(
        { startMs: START, stepMs: STEP, laneGroups: groups.map((g) => ({ id: g.id, counts: g.counts.slice(0, o) })) },
        H,
      );
      const out = forecastTrafficFlow(model, H);
      expect(out.map((g) => g.id)).toEqual(['north-through', 'east-left']);
      out.forEach((g, gi) => {
        const actual = groups[gi].counts;
        for (let h = 0; h < H; h++) {
          const a = actual[o + h];
          expect(g.forecast.lower95[h]).toBeGreaterThanOrEqual(0);
          errModel += Math.abs(a - g.forecast.forecast[h]);
          errNaive += Math.abs(a - actual[o + h - 288]);
          if (a >= g.forecast.lower80[h] && a <= g.forecast.upper80[h]) in80++;
          if (a >= g.forecast.lower95[h] && a <= g.forecast.upper95[h]) in95++;
          count++;
        }
      });
    }
    expect(errModel).toBeLessThan(0.85 * errNaive);
    expect(Math.abs(in80 / count - 0.8)).toBeLessThan(0.07);
    expect(Math.abs(in95 / count - 0.95)).toBeLessThan(0.05);
  });
});

describe('traffic flow input', () => {
  it('refuses a missing count instead of forecasting NaN', () => {
    const counts = syntheticTraffic({ startMs: START, stepMs: STEP, days: 3, seed: 4 });
    counts[500] = NaN;
    expect(() => fitTrafficFlow({ startMs: START, stepMs: STEP, laneGroups: [{ id: 'a', counts }] }, 12)).toThrow(
      /values\[500\] is NaN/,
    );
  });
});
