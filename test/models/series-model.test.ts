// The series forecaster: candidates chosen by held-out error, baselines in the backtest, special days' intervals.
import { describe, expect, it } from 'vitest';
import { backtestSeries } from '../../models/backtest.js';
import { DAY_MS, dayNumber, holidayDays, weekday } from '../../models/calendar.js';
import { fitSeries, forecastModel } from '../../models/generic.js';
import { restoreModel, serializeModel } from '../../models/serialize.js';
import { appendSeriesModel, COMBINED, seriesPoint, YEAR_DAYS, type SeriesModel } from '../../models/series-model.js';
import { gaussian, rng, syntheticDemand } from '../../models/synthetic.js';

const STEP = 1_800_000;
const H = 48;

describe('backtest against seasonal naive, weekly naive and the decomposition', () => {
  // 16 weeks with weekends and five holidays, four of them in the fitted history and one (2025-04-17) in the test days.
  const d = syntheticDemand({ startMs: Date.UTC(2025, 0, 6), stepMs: STEP, days: 112, seed: 14 });
  const holidays = holidayDays(d.holidays);
  const K = 20;
  const report = backtestSeries(
    { startMs: d.startMs, stepMs: STEP, values: d.values, season: 48, holidays, min: 0 },
    H,
    K,
  );

  it('reports every baseline and the ratio to the best one', () => {
    expect(report.weeklyNaiveMase).not.toBeNull();
    expect(report.decompositionMase).not.toBeNull();
    expect(report.bestBaselineMase).toBe(
      Math.min(report.seasonalNaiveMase, report.weeklyNaiveMase!, report.decompositionMase!),
    );
    expect(report.ratioToBestBaseline).toBeCloseTo(report.model.mase / report.bestBaselineMase, 12);
    expect(report.methods).toHaveLength(K);
  });

  it('recomputes weekly naive as a direct computation would', () => {
    const n = d.values.length;
    let mase = 0;
    for (let k = K; k >= 1; k--) {
      const o = n - k * H;
      let scale = 0;
      for (let t = 48; t < o; t++) scale += Math.abs(d.values[t] - d.values[t - 48]);
      scale /= o - 48;
      let e = 0;
      for (let h = 0; h < H; h++) e += Math.abs(d.values[o + h] - d.values[o + h - 336]);
      mase += e / H / scale / K;
    }
    expect(report.weeklyNaiveMase).toBeCloseTo(mase, 9);
  });

  it('is not worse than the best baseline, and its intervals cover within 5 points of nominal', () => {
    expect(report.ratioToBestBaseline).toBeLessThanOrEqual(1);
    expect(Math.abs(report.model.coverage80 - 0.8)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(report.model.coverage95 - 0.95)).toBeLessThanOrEqual(0.05);
  });

  it('scores the special day apart', () => {
    expect(report.specialDays?.steps).toBe(48);
    expect(report.specialDays!.coverage95).toBeGreaterThanOrEqual(0.9);
    expect(report.specialDays!.mase).toBeLessThan(report.seasonalNaiveMase);
  });
});

describe('the yearly candidate', () => {
  const year = YEAR_DAYS * 48;
  const week = 7 * 48;

  it('is scored only when the history reaches a year and a week before the held-out origins', () => {
    const short = syntheticDemand({ startMs: Date.UTC(2024, 0, 1), stepMs: STEP, days: 300, seed: 21 });
    const m = fitSeries({ startMs: short.startMs, stepMs: STEP, values: short.values, season: 48, min: 0 }, H);
    expect(m.selection.map((s) => s.method)).not.toContain('yearly-naive');
    const long = syntheticDemand({ startMs: Date.UTC(2024, 0, 1), stepMs: STEP, days: 420, seed: 21 });
    const l = fitSeries({ startMs: long.startMs, stepMs: STEP, values: long.values, season: 48, min: 0 }, H);
    const yearly = l.selection.find((s) => s.method === 'yearly-naive');
    expect(yearly?.mae).toBeGreaterThan(0);
  });

  it('forecasts a series that repeats yearly, at the current level, from a year back', () => {
    // a random year (no weekly or daily pattern) repeated with a level 50 higher each year
    const rand = rng(9);
    const pattern = Float64Array.from({ length: year }, () => 100 * rand());
    const n = 2 * year + 30 * 48;
    const values = Float64Array.from({ length: n }, (_, t) => pattern[t % year] + 50 * Math.floor(t / year));
    const model = fitSeries({ startMs: Date.UTC(2024, 0, 1), stepMs: STEP, values, season: 48 }, H);
    expect(model.selection[0].mae).toBeLessThan(1e-6);
    expect(['yearly-naive', 'combination']).toContain(model.method);
    const fc = forecastModel(model, H).forecast;
    fc.forEach((v, h) => expect(v).toBeCloseTo(pattern[(n + h) % year] + 100, 6));
    // moved over a day without refitting, it reads the year before the new steps
    const moved = appendSeriesModel(
      model,
      Array.from({ length: 48 }, (_, h) => pattern[(n + h) % year] + 100),
    );
    seriesPoint(moved, H).forEach((v, h) => expect(v).toBeCloseTo(pattern[(n + 48 + h) % year] + 100, 6));
    const restored = restoreModel(serializeModel(model)) as SeriesModel;
    expect(forecastModel(restored, H)).toEqual(forecastModel(model, H));
  });

  it('joins the combination with a weight where it helps', () => {
    // plus a 14-day swell: the day and week candidates do not repeat it, a year back (26 periods) does
    const d = syntheticDemand({ startMs: Date.UTC(2024, 0, 1), stepMs: STEP, days: 2 * YEAR_DAYS + 20, seed: 5 });
    const values = d.values.map((v, t) => v + 400 * Math.sin((2 * Math.PI * (t % year)) / (year / 26)));
    const model = fitSeries({ startMs: d.startMs, stepMs: STEP, values, season: 48, min: 0 }, H);
    expect(model.method).toBe('combination');
    expect(model.combined).toEqual([...COMBINED, 'yearly-naive']);
    expect(model.weights![COMBINED.length]).toBeGreaterThan(0);
    expect(model.yearTail).toHaveLength(year + week);
  });
});

describe('fitSeries', () => {
  it('keeps the candidate with the smallest held-out error, and a week that repeats exactly goes to a weekly method', () => {
    const rand = rng(5);
    const days = 42;
    const week = Float64Array.from({ length: 336 }, () => 100 + 50 * rand());
    const values = Float64Array.from({ length: days * 48 }, (_, t) => week[t % 336] + 0.1 * gaussian(rand));
    const model = fitSeries({ startMs: Date.UTC(2025, 0, 6), stepMs: STEP, values, season: 48 }, H);
    const maes = model.selection.map((s) => s.mae);
    expect(maes).toEqual([...maes].sort((a, b) => a - b));
    expect(model.method).toBe(model.selection[0].method);
    expect(['weekly-naive', 'decomposition', 'combination']).toContain(model.method);
    const naive = model.selection.find((s) => s.method === 'weekly-naive')!;
    expect(model.selection[0].mae).toBeLessThanOrEqual(naive.mae);
    const restored = restoreModel(serializeModel(model)) as SeriesModel;
    expect(forecastModel(restored, 2 * H)).toEqual(forecastModel(model, 2 * H));
  });

  it('weighs ARX, decomposition and the naive methods with held-out weights that no single method beats', () => {
    const d = syntheticDemand({ startMs: Date.UTC(2025, 0, 6), stepMs: STEP, days: 42, seed: 8 });
    const model = fitSeries({ startMs: d.startMs, stepMs: STEP, values: d.values, season: 48, min: 0 }, H);
    const comb = model.selection.find((s) => s.method === 'combination')!;
    // The weights minimize held-out squared error over a grid that contains every single method, so their
    // combination's absolute error stays near the best single one's and, on noisy demand, below it.
    const singles = model.selection.filter((s) => s.method !== 'combination').map((s) => s.mae);
    expect(comb.mae).toBeLessThan(Math.min(...singles));
    expect(model.method).toBe('combination');
    const w = model.weights!;
    expect(w).toHaveLength(COMBINED.length);
    expect(w.every((x) => x >= 0)).toBe(true);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const parts = COMBINED.map((m) => seriesPoint({ ...model, method: m }, H));
    const point = seriesPoint(model, H);
    point.forEach((v, h) =>
      expect(v).toBeCloseTo(
        parts.reduce((s, p, j) => s + w[j] * p[h], 0),
        9,
      ),
    );
  });

  it('widens the band of a special day the history never showed out to the ordinary-day forecast', () => {
    const d = syntheticDemand({ startMs: Date.UTC(2025, 0, 6), stepMs: STEP, days: 42, seed: 3 });
    const endMs = d.startMs + (d.values.length - 1) * STEP;
    // The next day after the history that is a weekday becomes a holiday.
    let next = dayNumber(endMs) + 1;
    while (weekday(next * DAY_MS) === 0 || weekday(next * DAY_MS) === 6) next++;
    const lead = Math.round((next * DAY_MS - endMs) / STEP) - 1;
    const horizon = lead + 48;
    const model = fitSeries(
      { startMs: d.startMs, stepMs: STEP, values: d.values, season: 48, holidays: [next], min: 0 },
      H,
    );
    expect(model.specialDayScale).toBeNull();
    const fc = forecastModel(model, horizon);
    const ordinary = seriesPoint(model, horizon, undefined, []);
    const plain = forecastModel({ ...model, holidays: [] }, horizon);
    let differs = 0;
    for (let h = 0; h < horizon; h++) {
      if (h < lead) {
        expect(fc.upper80[h] - fc.lower80[h]).toBeCloseTo(plain.upper80[h] - plain.lower80[h], 9);
        continue;
      }
      const lo = Math.min(fc.forecast[h], ordinary[h]);
      const hi = Math.max(fc.forecast[h], ordinary[h]);
      expect(fc.lower80[h]).toBeLessThanOrEqual(lo);
      expect(fc.upper80[h]).toBeGreaterThanOrEqual(hi);
      expect(fc.upper95[h]).toBeGreaterThanOrEqual(fc.upper80[h]);
      if (Math.abs(fc.forecast[h] - ordinary[h]) > 1) differs++;
    }
    // The holiday is forecast like a Sunday, not like the weekday it falls on.
    expect(differs).toBeGreaterThan(24);
  });

  it('widens by the recent held-out errors only when a holiday or a day near one is in the last week or the horizon', () => {
    const d = syntheticDemand({ startMs: Date.UTC(2025, 0, 6), stepMs: STEP, days: 42, seed: 3 });
    const endMs = d.startMs + (d.values.length - 1) * STEP;
    const end = dayNumber(endMs);
    const fitted = fitSeries({ startMs: d.startMs, stepMs: STEP, values: d.values, season: 48, min: 0 }, H);
    // the last held-out day erred twice as much as the calibration says
    const model = { ...fitted, recentScale: 2 };
    const width = (m: SeriesModel) => {
      const fc = forecastModel(m, H);
      return fc.upper80.map((u, h) => u - fc.lower80[h]);
    };
    const base = width({ ...model, recentScale: 1 });
    // an ordinary stretch: the band is the calibrated one
    width(model).forEach((w, h) => expect(w).toBeCloseTo(base[h], 9));
    // a holiday five days before the end of the history (no forecast day is next to it): the band doubles
    const season = { ...model, holidays: [end - 5] };
    const doubled = width(season);
    const calibrated = width({ ...season, recentScale: 1 });
    doubled.forEach((w, h) => expect(w).toBeCloseTo(2 * calibrated[h], 6));
    // a holiday eight days before: out of the week, the band is the calibrated one again
    const past = { ...model, holidays: [end - 8] };
    width(past).forEach((w, h) => expect(w).toBeCloseTo(width({ ...past, recentScale: 1 })[h], 9));
  });

  it('forecasts the days next to a holiday half as holidays without history of such days, the band spanning both', () => {
    const d = syntheticDemand({ startMs: Date.UTC(2025, 0, 6), stepMs: STEP, days: 42, seed: 4 });
    const endMs = d.startMs + (d.values.length - 1) * STEP;
    // A Wednesday holiday two days after the history: its eve (Tuesday) and the day after (Thursday) are next to it.
    let next = dayNumber(endMs) + 2;
    while (weekday(next * DAY_MS) !== 3) next++;
    const lead = Math.round(((next - 1) * DAY_MS - endMs) / STEP) - 1;
    const horizon = lead + 3 * 48;
    const model = fitSeries(
      { startMs: d.startMs, stepMs: STEP, values: d.values, season: 48, holidays: [next], min: 0 },
      H,
    );
    expect(model.nearHoliday).toEqual({ weight: 0.5, learnedFromDays: 0 });
    const fc = forecastModel(model, horizon);
    const plain = forecastModel({ ...model, holidays: [] }, horizon);
    const asHolidays = seriesPoint(model, horizon, undefined, [next - 1, next, next + 1]);
    let reached = 0;
    for (const day of [0, 2]) {
      for (let h = lead + day * 48; h < lead + (day + 1) * 48; h++) {
        expect(fc.forecast[h]).toBeCloseTo((plain.forecast[h] + asHolidays[h]) / 2, 9);
        expect(fc.lower80[h]).toBeLessThanOrEqual(Math.min(plain.lower80[h], asHolidays[h]) + 1e-9);
        expect(fc.upper80[h]).toBeGreaterThanOrEqual(Math.max(plain.upper80[h], asHolidays[h]) - 1e-9);
        if (fc.upper80[h] - fc.lower80[h] > plain.upper80[h] - plain.lower80[h] + 1) reached++;
      }
    }
    // A weekday taken as a holiday is forecast much lower for most of the day: the band had to reach out.
    expect(reached).toBeGreaterThan(24);
    for (let h = 0; h < lead; h++) {
      expect(fc.forecast[h]).toBeCloseTo(plain.forecast[h], 9);
      expect(fc.upper80[h] - fc.lower80[h]).toBeCloseTo(plain.upper80[h] - plain.lower80[h], 9);
    }
  });
});
