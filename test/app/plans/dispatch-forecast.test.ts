// Feeder-cap dispatch requests completed from the live feeder load forecast: validation, solving, checking, errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForecastService, type ForecastReady } from '../../../src/app/forecasts/index.js';
import { completeDispatchRequest } from '../../../src/app/plans/index.js';
import { solveDispatch, validateDispatchRequest } from '../../../solvers/dispatch/index.js';
import { checkDispatchPlan } from '../../../solvers/dispatch/index.js';
import { DAY, HOUR, MONDAY, feedForecasts, liveCity, smallCity, type LiveCity } from '../helpers/live-city.js';

const MIN = 60_000;
const city = smallCity(17);
const feeder = city.feeders[1].id;
/** Thursday 13:10 in Chicago. */
const NOW = MONDAY + 3 * DAY + 13 * HOUR + 10 * MIN;
let live: LiveCity;
let forecasts: ForecastService;

const iso = (ms: number) => new Date(ms).toISOString();
const resources = [
  {
    id: 'bat',
    kind: 'battery',
    feeder,
    powerKW: 250,
    energyKWh: 600,
    socKWh: 500,
    minSocKWh: 50,
    roundTripEfficiency: 0.9,
    costPerKWh: 0.05,
  },
  {
    id: 'hvac',
    kind: 'hvac',
    feeder,
    shedKW: 200,
    maxDurationMinutes: 60,
    reboundFraction: 0.3,
    reboundMinutes: 30,
    costPerKWh: 0.1,
  },
];

function capRequest(startMs: number, count: number, capKW: number): Record<string, unknown> {
  return {
    issuedAt: iso(NOW),
    event: { start: iso(startMs), intervalMinutes: 15, count },
    feeders: [{ id: feeder, capKW }],
    resources,
  };
}

beforeAll(async () => {
  live = liveCity(city, MONDAY, 17);
  forecasts = new ForecastService({ city, operators: live.pipeline.operators });
  live.pipeline.addResultListener((rows) => forecasts.ingest(rows));
  await feedForecasts(live, forecasts, NOW);
}, 600_000);

afterAll(async () => {
  await forecasts?.close();
  await live?.close();
});

describe('completeDispatchRequest', () => {
  it('fills forecastKW of a capped feeder from the forecast; the request validates, solves and passes the checker', async () => {
    const start = MONDAY + 3 * DAY + 16 * HOUR;
    const f = forecasts.forecast(
      { kind: 'feeder', id: feeder, fromMs: start, horizonMs: 2 * HOUR },
      NOW,
    ) as ForecastReady;
    expect(f.status).toBe('ready');
    const cap = Math.max(...f.forecast) - 150;
    const { request, feeders } = completeDispatchRequest(capRequest(start, 8, cap), city, forecasts, NOW);
    const kw = request.feeders![0].forecastKW!;
    // Each 15-minute interval lies inside one half-hour window: it gets that window's forecast.
    expect(kw).toHaveLength(8);
    kw.forEach((v, t) => expect(v).toBeCloseTo(f.forecast[Math.floor(t / 2)], 9));
    expect(feeders).toEqual([
      {
        feeder,
        source: 'forecast',
        method: f.method,
        fittedAtMs: f.model.fittedAtMs,
        lastObservationMs: f.lastObservationMs,
        observedIntervals: 0,
      },
    ]);
    const problem = validateDispatchRequest(request);
    const plan = await solveDispatch(problem);
    expect(checkDispatchPlan(request, plan)).toEqual([]);
    const over = kw.map((v) => Math.max(0, v - cap));
    expect(Math.max(...over)).toBeGreaterThan(0);
    expect(Math.max(...plan.feeders[0].shortfallKW!)).toBeLessThan(1e-6);
  });

  it('uses measured load for the part of an event already observed, and an upper band on request', () => {
    const start = MONDAY + 3 * DAY + 11 * HOUR;
    const { request, feeders } = completeDispatchRequest(capRequest(start, 16, 1), city, forecasts, NOW);
    const obs = forecasts.observed('feeder', feeder, start, start + HOUR);
    const kw = request.feeders![0].forecastKW!;
    expect(kw[0]).toBeCloseTo(obs.values[0]!, 9);
    expect(kw[3]).toBeCloseTo(obs.values[1]!, 9);
    expect(feeders[0].observedIntervals).toBeGreaterThanOrEqual(4);
    const upper = completeDispatchRequest(capRequest(start, 16, 1), city, forecasts, NOW, { band: 'upper95' }).request
      .feeders![0].forecastKW!;
    expect(upper.slice(0, 4)).toEqual(kw.slice(0, 4));
    expect(upper[15]).toBeGreaterThan(kw[15]);
  });

  it('leaves feeders with their own forecast or without a cap alone', () => {
    const raw = {
      event: { start: iso(NOW + HOUR), intervalMinutes: 30, count: 2 },
      targetKW: [10, 10],
      feeders: [{ id: 'elsewhere', capKW: 5, forecastKW: [6, 7] }, { id: feeder }],
      resources,
    };
    const { request, feeders } = completeDispatchRequest(raw, city, forecasts, NOW);
    expect(request).toEqual(raw);
    expect(feeders.map((f) => f.source)).toEqual(['request', 'request']);
  });

  it('names the feeder that has no forecast: outside the city, or not ready yet', () => {
    const outside = { ...capRequest(NOW + HOUR, 4, 100), feeders: [{ id: 'fdr-999', capKW: 100 }] };
    expect(() => completeDispatchRequest(outside, city, forecasts, NOW)).toThrow(
      /feeders\[0\]\.forecastKW: feeder "fdr-999" is not a feeder of city/,
    );
    const cold = new ForecastService({ city, operators: live.pipeline.operators });
    try {
      let err: unknown;
      try {
        completeDispatchRequest(capRequest(NOW + HOUR, 4, 100), city, cold, NOW);
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({
        code: 'UF_ERR_NOT_READY',
        details: { field: 'feeders[0].forecastKW', observations: 0 },
      });
      expect((err as Error).message).toMatch(/has no load forecast yet/);
    } finally {
      void cold.close();
    }
    expect(() =>
      completeDispatchRequest(
        { feeders: [{ id: feeder, capKW: 1 }], event: { start: 'soon', intervalMinutes: 15, count: 1 } },
        city,
        forecasts,
        NOW,
      ),
    ).toThrow(/event\.start: must be an ISO 8601 instant/);
    expect(() => completeDispatchRequest(capRequest(NOW + 6 * DAY, 96 * 3, 100), city, forecasts, NOW)).toThrow(
      /at most 168 h ahead/,
    );
  });
});
