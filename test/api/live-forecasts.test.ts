// Forecast queries and feeder-cap dispatch over HTTP: intervals, horizons, role and contractor scope, cold start, plans from forecasts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDispatchPlan } from '../../solvers/dispatch/index.js';
import type { ForecastReady } from '../../src/app/forecasts/index.js';
import { rng } from '../helpers/rng.js';
import { startHarness, T0, type Credential, type Harness } from './harness.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ live: { days: 3 } });
});

afterAll(async () => {
  await h?.close();
});

const get = (url: string, who: Credential, headers: Record<string, string> = {}) =>
  h.app.inject({ url, headers: { ...h.auth(who), ...headers } });

function expectBands(f: ForecastReady): void {
  f.forecast.forEach((v, i) => {
    expect(f.lower95[i]).toBeLessThanOrEqual(f.lower80[i]);
    expect(f.lower80[i]).toBeLessThanOrEqual(v);
    expect(v).toBeLessThanOrEqual(f.upper80[i]);
    expect(f.upper80[i]).toBeLessThanOrEqual(f.upper95[i]);
  });
}

describe('forecast queries', () => {
  it("answer a feeder's load forecast with 80/95% intervals and the fitted model, as the forecast service does", async () => {
    const res = await get('/v1/forecasts/feeders/fdr-001?horizon=6h', 'utility');
    expect(res.statusCode, res.body).toBe(200);
    const f = res.json() as ForecastReady;
    expect(f).toEqual(h.live!.forecasts.forecast({ kind: 'feeder', id: 'fdr-001', horizonMs: 6 * HOUR }, h.clock.now));
    expect(f.status).toBe('ready');
    expect(f.unit).toBe('kW');
    expect(f.timestamps).toHaveLength(12);
    expect(f.model.fittedAtMs).toBe(h.live!.forecasts.modelInfo('feeder', 'fdr-001')!.fittedAtMs);
    expectBands(f);
    expect((await get('/v1/forecasts/feeders/fdr-001?horizon=PT6H', 'utility')).json()).toEqual(f);
    expect((await get('/v1/forecasts/feeders/fdr-001', 'utility')).json().timestamps).toHaveLength(48);
    expect(
      (
        await get('/v1/forecasts/feeders/fdr-001?horizon=6h', 'utility', {
          'if-none-match': res.headers.etag as string,
        })
      ).statusCode,
    ).toBe(304);
    const from = T0 + 6 * HOUR;
    const later = (
      await get(`/v1/forecasts/feeders/fdr-001?horizon=90m&from=${new Date(from).toISOString()}`, 'operator')
    ).json();
    expect(later.timestamps).toEqual([from, from + 30 * MIN, from + 60 * MIN]);
  });

  it("answer a bin's fill forecast with its threshold crossing to the contractor of its depot only", async () => {
    const own = h.city.waste.bins.find((b) => b.depot === 'depot-1')!;
    const res = await get(`/v1/forecasts/bins/${own.id}?horizon=2d`, 'cleanway');
    expect(res.statusCode).toBe(200);
    const f = res.json() as ForecastReady;
    expect(f.timestamps).toHaveLength(48);
    expect(f.threshold?.percent).toBe(own.threshold * 100);
    expectBands(f);
    const other = await get(`/v1/forecasts/bins/${own.id}`, 'metro');
    expect(other.statusCode).toBe(404);
    expect(other.json().detail).toBe(
      (await get('/v1/forecasts/bins/bin-9999', 'metro')).json().detail.replace('bin-9999', own.id),
    );
    const list = (await get('/v1/forecasts/bins', 'metro')).json();
    const metroBins = h.city.waste.bins.filter((b) => b.depot === 'depot-2').map((b) => b.id);
    expect(list.items.map((s: { id: string }) => s.id)).toEqual(metroBins);
    expect(list.total).toBe(metroBins.length);
    expect((await get('/v1/forecasts/bins', 'operator')).json().total).toBe(h.city.waste.bins.length);
  });

  it('answer lane-group flow forecasts to traffic centers, and list series with their state, a page at a time', async () => {
    const x = h.city.intersections[1];
    const g = x.approaches[0].laneGroups[0];
    const res = await get(`/v1/forecasts/lane-groups/${x.id}/${g.id}?horizon=1h`, 'traffic');
    expect(res.statusCode).toBe(200);
    expect(res.json().id).toBe(`${x.id}/${g.id}`);
    expect(res.json().timestamps).toHaveLength(12);
    expect((await get(`/v1/forecasts/lane-groups/${x.id}/nope`, 'traffic')).statusCode).toBe(404);
    const page1 = (await get('/v1/forecasts/lane-groups?limit=5', 'traffic')).json();
    expect(page1).toMatchObject({ kind: 'laneGroup', operator: 'lane-group-flow-5m', stepMs: 5 * MIN, unit: 'veh' });
    expect(page1.items).toHaveLength(5);
    expect(page1.items.every((s: { status: string; model: unknown }) => s.status === 'ready' && s.model !== null)).toBe(
      true,
    );
    const page2 = (
      await get(`/v1/forecasts/lane-groups?limit=5&after=${encodeURIComponent(page1.next)}`, 'traffic')
    ).json();
    const all = h.live!.forecasts.series('laneGroup').map((s) => s.id);
    expect([...page1.items, ...page2.items].map((s: { id: string }) => s.id)).toEqual(all.slice(0, 10));
    expect(page1.total).toBe(all.length);
    // A well-formed cursor that names no series of the caller is refused as such (422), not as malformed.
    const bad = await get('/v1/forecasts/lane-groups?after=zzz', 'traffic');
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors[0].path).toBe('querystring.after');
  });

  it('name the query parameter of a bad horizon or instant', async () => {
    // Well-formed but empty: refused as such.
    const zero = await get('/v1/forecasts/feeders/fdr-002?horizon=0h', 'utility');
    expect(zero.statusCode).toBe(422);
    expect(zero.json().errors[0].path).toBe('querystring.horizon');
    for (const [q, path, why] of [
      ['horizon=soon', 'querystring.horizon', /positive duration/],
      ['horizon=30d', 'querystring.horizon', /at most 168 h ahead/],
      ['from=yesterday', 'querystring.from', /ISO date-time/],
    ] as const) {
      const res = await get(`/v1/forecasts/feeders/fdr-002?${q}`, 'utility');
      expect(res.statusCode, q).toBe(400);
      expect(res.json().errors[0].path).toBe(path);
      expect(res.json().detail).toMatch(why);
    }
  });
});

describe('live routes and odd input', () => {
  it('never answer 5xx to odd ids, dates, formats, periods, horizons or validators', async () => {
    const r = rng(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
    const odd = [
      '',
      '%00',
      '..',
      'int-001',
      'depot-1',
      'fdr-001',
      'bin-0001',
      '2026-06-03',
      '2026-13-40',
      '9999-01-01',
      'x'.repeat(300),
      '%E2%82%AC',
      '-1',
      '1e309',
      'NaN',
    ];
    const urls = [
      () => `/v1/signals/intersections/${pick(odd)}/plan?period=${pick(['current', 'next', 'now', ''])}`,
      () => `/v1/signals/corridors/${pick(odd)}/plan`,
      () => `/v1/routes/depots/${pick(odd)}/${pick(odd)}?format=${pick(['json', 'geojson', 'gpx', 'kml', ''])}`,
      () => `/v1/routes/depots/${pick(odd)}`,
      () =>
        `/v1/forecasts/${pick(['feeders', 'bins', 'lane-groups'])}/${pick(odd)}?horizon=${pick(['6h', 'P', 'PT', '-2h', '1e309h', '0.0001m', '99999d', pick(odd)])}&from=${pick(odd)}`,
      () => `/v1/forecasts/lane-groups/${pick(odd)}/${pick(odd)}`,
      () =>
        `/v1/forecasts/${pick(['feeders', 'bins', 'lane-groups'])}?limit=${pick(['0', '5', 'abc', '100000'])}&after=${pick(odd)}`,
    ];
    const failures: string[] = [];
    for (let i = 0; i < 300; i++) {
      const url = pick(urls)();
      const headers: Record<string, string> = pick<Record<string, string>>([
        {},
        { 'if-none-match': pick(['*', '"x"', 'W/', '', ',,,']) },
        { 'if-modified-since': pick(['yesterday', 'Thu, 01 Jan 1970 00:00:00 GMT', '']) },
        { accept: pick(['application/msgpack', 'application/gpx+xml', '*/*;q=abc']) },
      ]);
      const who = pick<Credential>(['operator', 'cleanway', 'metro', 'traffic', 'utility']);
      const res = await get(url, who, headers);
      if (res.statusCode >= 500 && !(res.statusCode === 503 && res.json().code === 'UF_ERR_NOT_READY'))
        failures.push(`${url} as ${who} ${JSON.stringify(headers)} -> ${res.statusCode} ${res.body.slice(0, 200)}`);
      if (res.statusCode >= 400 && !String(res.headers['content-type']).includes('application/problem+json'))
        failures.push(
          `${url} as ${who} ${JSON.stringify(headers)} -> ${res.statusCode} ${res.headers['content-type']} ${res.body.slice(0, 200)}`,
        );
    }
    expect(failures).toEqual([]);
  });
});

const resources = (feeder: string) => [
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

function capRequest(startMs: number, capKW: number, feeder = 'fdr-001'): Record<string, unknown> {
  return {
    issuedAt: new Date(h.clock.now).toISOString(),
    event: { start: new Date(startMs).toISOString(), intervalMinutes: 15, count: 8 },
    feeders: [{ id: feeder, capKW }],
    resources: resources(feeder),
  };
}

describe('feeder-cap dispatch from the live load forecast', () => {
  it('fills the load of a capped feeder from its forecast, records which forecast, and the plan passes the checker', async () => {
    const start = T0 + 2 * HOUR;
    const f = h.live!.forecasts.forecast(
      { kind: 'feeder', id: 'fdr-001', fromMs: start, horizonMs: 2 * HOUR },
      h.clock.now,
    ) as ForecastReady;
    const cap = Math.max(...f.forecast) - 150;
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/dispatch/plans?wait=60',
      headers: h.auth('utility'),
      payload: capRequest(start, cap),
    });
    expect(res.statusCode, res.body).toBe(201);
    const doc = res.json();
    expect(doc.inputs).toMatchObject({ completedAtMs: h.clock.now, band: 'forecast' });
    const used = doc.inputs.feeders[0];
    expect(used).toMatchObject({
      feeder: 'fdr-001',
      source: 'forecast',
      method: f.method,
      fittedAtMs: f.model.fittedAtMs,
      lastObservationMs: f.lastObservationMs,
      observedIntervals: 0,
    });
    // Each 15-minute interval lies in one 30-minute forecast window.
    used.forecastKW.forEach((kw: number, t: number) => expect(kw).toBeCloseTo(f.forecast[Math.floor(t / 2)], 9));
    const solved = { ...capRequest(start, cap), feeders: [{ id: 'fdr-001', capKW: cap, forecastKW: used.forecastKW }] };
    expect(checkDispatchPlan(solved, doc.plan)).toEqual([]);
    expect(Math.max(...doc.plan.feeders[0].shortfallKW)).toBeLessThan(1e-6);
    expect(Math.max(...doc.plan.feeders[0].netReductionKW)).toBeGreaterThan(0);
    // The record is stored with the plan.
    expect((await get(res.headers.location as string, 'utility')).json().inputs).toEqual(doc.inputs);

    const cautious = await h.app.inject({
      method: 'POST',
      url: '/v1/dispatch/plans?wait=60&band=upper95',
      headers: h.auth('utility'),
      payload: capRequest(start, cap),
    });
    expect(cautious.statusCode).toBe(201);
    const upper = cautious.json().inputs;
    expect(upper.band).toBe('upper95');
    upper.feeders[0].forecastKW.forEach((kw: number, t: number) => expect(kw).toBeGreaterThan(used.forecastKW[t]));
    expect(
      checkDispatchPlan(
        { ...solved, feeders: [{ id: 'fdr-001', capKW: cap, forecastKW: upper.feeders[0].forecastKW }] },
        cautious.json().plan,
      ),
    ).toEqual([]);
  });

  it('leaves requests that carry their own load alone, and names a feeder outside the city at its field', async () => {
    const own = {
      ...capRequest(T0 + HOUR, 100),
      feeders: [{ id: 'F-own', capKW: 100, forecastKW: [120, 120, 120, 120, 120, 120, 120, 120] }],
      resources: resources('F-own'),
    };
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/dispatch/plans?wait=60',
      headers: h.auth('utility'),
      payload: own,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().inputs).toBeUndefined();
    expect(checkDispatchPlan(own, res.json().plan)).toEqual([]);
    const outside = await h.app.inject({
      method: 'POST',
      url: '/v1/dispatch/plans',
      headers: h.auth('utility'),
      payload: capRequest(T0 + HOUR, 100, 'fdr-999'),
    });
    expect(outside.statusCode).toBe(422);
    expect(outside.json().errors[0].path).toBe('body.feeders[0].forecastKW');
    expect(outside.json().detail).toMatch(/"fdr-999" is not a feeder of city/);
    const band = await h.app.inject({
      method: 'POST',
      url: '/v1/dispatch/plans?band=upper50',
      headers: h.auth('utility'),
      payload: capRequest(T0 + HOUR, 100),
    });
    expect(band.statusCode).toBe(400);
    expect(band.json().errors[0].path).toBe('querystring.band');
  });
});

describe('before the forecasts are ready', () => {
  it('answers forecasts and feeder-cap requests with 503, Retry-After and the series still missing', async () => {
    const cold = await startHarness({ live: { days: 0 } });
    try {
      const f = await cold.app.inject({ url: '/v1/forecasts/feeders/fdr-002', headers: cold.auth('utility') });
      expect(f.statusCode).toBe(503);
      expect(f.json().missing).toEqual([
        {
          kind: 'feeder',
          id: 'fdr-002',
          observations: 0,
          required: expect.any(Number),
          reason: expect.stringMatching(/no results yet/),
        },
      ]);
      // The windows still missing, 30 minutes each, on the wall clock; at most an hour.
      expect(f.headers['retry-after']).toBe('3600');
      const list = (await cold.app.inject({ url: '/v1/forecasts/feeders', headers: cold.auth('utility') })).json();
      expect(list.items.map((s: { status: string }) => s.status)).toEqual(['not-ready', 'not-ready']);
      const post = await cold.app.inject({
        method: 'POST',
        url: '/v1/dispatch/plans',
        headers: cold.auth('utility'),
        payload: capRequest(T0 + HOUR, 100, 'fdr-002'),
      });
      expect(post.statusCode).toBe(503);
      expect(post.headers['retry-after']).toMatch(/^\d+$/);
      const p = post.json();
      expect(p.feeder).toBe('fdr-002');
      expect(p.detail).toMatch(/feeder fdr-002 has no load forecast yet/);
      expect(p.errors).toEqual([{ path: 'body.feeders[0].forecastKW', message: expect.any(String) }]);
      expect(
        (await cold.app.inject({ url: '/v1/dispatch/plans', headers: cold.auth('utility') })).json().items,
      ).toEqual([]);
      // A lane group in cold start: 5-minute windows, so a shorter wait once some have arrived.
      await cold.simulate(T0 + 6 * HOUR);
      const x = cold.city.intersections[0];
      const lane = await cold.app.inject({
        url: `/v1/forecasts/lane-groups/${x.id}/${x.approaches[0].laneGroups[0].id}`,
        headers: cold.auth('traffic'),
      });
      expect(lane.statusCode).toBe(503);
      const m = lane.json().missing[0];
      expect(m.observations).toBeGreaterThan(60);
      // The window length as people say it: not "0.1 h" for five minutes.
      expect(m.reason).toMatch(new RegExp(`cold start: ${m.observations} of ${m.required} 5-minute windows`));
      expect(lane.json().missingCount).toBe(1);
      expect(lane.headers['retry-after']).toBe(String(Math.min(3600, (m.required - m.observations) * 300)));
    } finally {
      await cold.close();
    }
  });
});
