// Live collection routes over HTTP: the routing checker, JSON/GeoJSON/GPX with ETags, contractor isolation, calendar refusals, frozen shifts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCollectionPlan } from '../../solvers/routing/index.js';
import type { CollectionRoutesAnswer } from '../../src/app/plans/index.js';
import { startHarness, T0, type Credential, type Harness } from './harness.js';

const HOUR = 3_600_000;
/** Wednesday 2026-06-03: T0 is local midnight, the shift starts at 07:00 CDT. */
const DATE = '2026-06-03';
const SHIFT = T0 + 7 * HOUR;
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ live: { days: 3 } });
});

afterAll(async () => {
  await h?.close();
});

const get = (url: string, who: Credential, headers: Record<string, string> = {}) =>
  h.app.inject({ url, headers: { ...h.auth(who), ...headers } });

describe('live collection routes', () => {
  it("plan a contractor's depot for a service date from the fill forecasts; the routes pass the checker", async () => {
    const res = await get(`/v1/routes/depots/depot-1/${DATE}`, 'cleanway');
    expect(res.statusCode, res.body).toBe(200);
    const a = res.json() as CollectionRoutesAnswer;
    expect(a).toMatchObject({
      depot: 'depot-1',
      date: DATE,
      shiftStartMs: SHIFT,
      nextServiceDate: '2026-06-04',
      frozen: false,
    });
    expect(checkCollectionPlan(h.live!.collectionRoutes.requestFor(a), a.plan)).toEqual([]);
    const own = h.city.waste.bins.filter((b) => b.depot === 'depot-1').map((b) => b.id);
    expect(a.bins.map((b) => b.id).sort()).toEqual(own.sort());
    expect(
      a.plan.trucks
        .flatMap((t) => t.stops.filter((s) => s.kind === 'bin').map((s) => s.id))
        .every((id) => own.includes(id)),
    ).toBe(true);
    // Every must-collect bin is on a route or listed as an overflow risk with the reason it was left.
    const routed = new Set(a.plan.trucks.flatMap((t) => t.stops.map((s) => s.id)));
    expect(a.plan.mustCollect.length).toBeGreaterThan(0);
    for (const id of a.plan.mustCollect) expect(routed.has(id) || a.overflowRisk.includes(id), id).toBe(true);
    for (const id of a.overflowRisk) expect(a.plan.unassigned.find((u) => u.bin === id)?.mustCollect).toBe(true);
    for (const u of a.plan.unassigned) expect(u.reason.length).toBeGreaterThan(0);
    expect(res.headers.etag).toBe(a.etag);
    expect(res.headers['x-plan-version']).toBe(String(a.version));
    expect(res.headers['x-effective-from']).toBe(new Date(SHIFT).toISOString());
    expect(res.headers['cache-control']).toBe('private, no-cache');

    const calendar = (await get('/v1/routes/depots/depot-1', 'cleanway')).json();
    expect(calendar).toMatchObject({ depot: 'depot-1', contractor: 'cleanway', timezone: h.city.timezone });
    expect(calendar.dates[0]).toEqual({
      date: DATE,
      shiftStartMs: SHIFT,
      plan: { version: a.version, etag: a.etag, computedAtMs: a.computedAtMs, frozen: false },
    });
    expect(calendar.dates.map((d: { date: string }) => d.date)).not.toContain('2026-06-07');
    // 'next' is the next service date whose shift has not started: today's, before 07:00.
    const next = await get('/v1/routes/depots/depot-1/next', 'cleanway');
    expect(next.statusCode, next.body).toBe(200);
    expect(next.json()).toEqual(a);
  });

  it('serve the same routes with 304 to If-None-Match, and as GeoJSON and GPX with their own tags', async () => {
    const json = await get(`/v1/routes/depots/depot-1/${DATE}`, 'cleanway');
    const a = json.json() as CollectionRoutesAnswer;
    expect(
      (await get(`/v1/routes/depots/depot-1/${DATE}`, 'cleanway-token', { 'if-none-match': a.etag })).statusCode,
    ).toBe(304);

    const geo = await get(`/v1/routes/depots/depot-1/${DATE}?format=geojson`, 'cleanway');
    expect(geo.statusCode).toBe(200);
    expect(geo.headers['content-type']).toContain('application/geo+json');
    const fc = geo.json();
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features.filter((f: { geometry: { type: string } }) => f.geometry.type === 'LineString').length).toBe(
      a.plan.trucks.length,
    );
    const left = fc.features.filter((f: { properties: { kind: string } }) => f.properties.kind === 'unassigned');
    expect(left.map((f: { properties: { id: string } }) => f.properties.id).sort()).toEqual(
      a.plan.unassigned.map((u) => u.bin).sort(),
    );
    for (const f of left)
      expect(f.properties.reason).toBe(a.plan.unassigned.find((u) => u.bin === f.properties.id)!.reason);
    expect(geo.headers.etag).not.toBe(a.etag);
    const byAccept = await get(`/v1/routes/depots/depot-1/${DATE}`, 'cleanway', { accept: 'application/geo+json' });
    expect(byAccept.body).toBe(geo.body);
    expect(
      (
        await get(`/v1/routes/depots/depot-1/${DATE}?format=geojson`, 'cleanway', {
          'if-none-match': geo.headers.etag as string,
        })
      ).statusCode,
    ).toBe(304);
    expect(
      (await get(`/v1/routes/depots/depot-1/${DATE}?format=geojson`, 'cleanway', { 'if-none-match': a.etag }))
        .statusCode,
    ).toBe(200);

    const gpx = await get(`/v1/routes/depots/depot-1/${DATE}?format=gpx`, 'cleanway');
    expect(gpx.headers['content-type']).toContain('application/gpx+xml');
    expect((gpx.body.match(/<trk>/g) ?? []).length).toBe(a.plan.trucks.length);
    // Times on the city's local clock with its offset: a truck leaving at 07:00 CDT leaves at 07:00-05:00 (12:00Z).
    const first = a.plan.trucks[0].stops[0];
    const local = new Date(Date.UTC(2026, 5, 3) + Math.round(first.arrival * 60) * 1000).toISOString().slice(0, 19);
    expect(gpx.body).toContain(`<time>${local}-05:00</time>`);
    // The formats are enumerated in the schema: another one is a 400 naming the parameter.
    const pdf = await get(`/v1/routes/depots/depot-1/${DATE}?format=pdf`, 'cleanway');
    expect(pdf.statusCode).toBe(400);
    expect(pdf.json().errors[0].path).toBe('querystring.format');
  });

  it("never show one contractor's depot to another: 404 exactly as for a depot that does not exist", async () => {
    const missing = await get(`/v1/routes/depots/depot-9/${DATE}`, 'metro');
    expect(missing.statusCode).toBe(404);
    for (const url of [
      `/v1/routes/depots/depot-1/${DATE}`,
      `/v1/routes/depots/depot-1/${DATE}?format=geojson`,
      `/v1/routes/depots/depot-1/${DATE}?format=gpx`,
      '/v1/routes/depots/depot-1',
    ]) {
      const res = await get(url, 'metro');
      expect(res.statusCode, url).toBe(404);
      expect(res.json().detail).toBe(missing.json().detail.replace('depot-9', 'depot-1'));
    }
    expect((await get(`/v1/routes/depots/depot-2/${DATE}`, 'cleanway')).statusCode).toBe(404);
    // The depot of the other contractor is unknown even for a date it could never have: scope is checked first.
    expect((await get('/v1/routes/depots/depot-2/2026-06-07', 'cleanway')).statusCode).toBe(404);
    const metro = await get(`/v1/routes/depots/depot-2/${DATE}`, 'metro');
    expect(metro.statusCode).toBe(200);
    expect(checkCollectionPlan(h.live!.collectionRoutes.requestFor(metro.json()), metro.json().plan)).toEqual([]);
    expect((await get(`/v1/routes/depots/depot-2/${DATE}`, 'operator')).statusCode).toBe(200);
    // A key limited to other depots does not see its tenant's depots.
    const { secret } = h.app.urbanflow.keys.create(
      { tenant: 'cleanway', role: 'waste-contractor', depots: ['depot-2'] },
      h.clock.now,
    );
    const scoped = { authorization: `Bearer ${secret}` };
    expect((await h.app.inject({ url: `/v1/routes/depots/depot-1/${DATE}`, headers: scoped })).statusCode).toBe(404);
    expect((await h.app.inject({ url: `/v1/routes/depots/depot-2/${DATE}`, headers: scoped })).statusCode).toBe(200);
  });

  it('refuse dates without service, in the past or too far ahead with 422 naming why, and malformed dates with 400', async () => {
    const cases: [string, RegExp][] = [
      ['2026-06-07', /2026-06-07 has no collection: it is not a service weekday/],
      ['2026-06-01', /in the past/],
      ['2026-06-20', /more than 7 days ahead/],
    ];
    for (const [date, why] of cases) {
      const res = await get(`/v1/routes/depots/depot-1/${date}`, 'cleanway');
      expect(res.statusCode, date).toBe(422);
      expect(res.json().detail).toMatch(why);
      expect(res.json().errors).toEqual([{ path: 'params.date', message: res.json().detail }]);
    }
    // A date that matches YYYY-MM-DD but does not exist is malformed too.
    for (const date of ['3-6-2026', '2026-02-30']) {
      const malformed = await get(`/v1/routes/depots/depot-1/${date}`, 'cleanway');
      expect(malformed.statusCode, date).toBe(400);
      expect(malformed.json().errors[0].path).toBe('params.date');
    }
  });

  it('freeze the routes once the shift has started', async () => {
    const before = (await get(`/v1/routes/depots/depot-1/${DATE}`, 'cleanway')).json();
    await h.simulate(SHIFT + HOUR);
    // The routes are the same; the document now says they are final, once, under a tag of its own.
    const res = await get(`/v1/routes/depots/depot-1/${DATE}`, 'cleanway', { 'if-none-match': before.etag });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ...before, frozen: true });
    expect(res.headers['cache-control']).toBe('private, max-age=86400');
    expect(res.headers.etag).not.toBe(before.etag);
    expect(
      (await get(`/v1/routes/depots/depot-1/${DATE}`, 'cleanway', { 'if-none-match': res.headers.etag as string }))
        .statusCode,
    ).toBe(304);
    const geo = await get(`/v1/routes/depots/depot-1/${DATE}?format=geojson`, 'cleanway');
    expect(geo.statusCode).toBe(200);
    expect((await get('/v1/routes/depots/depot-1', 'cleanway')).json().dates[0].plan.frozen).toBe(true);
    // Once today's shift has started, 'next' is tomorrow's service.
    const next = await get('/v1/routes/depots/depot-1/next', 'cleanway');
    expect(next.statusCode, next.body).toBe(200);
    expect(next.json()).toMatchObject({ date: '2026-06-04', frozen: false });
  });
});

describe('live collection routes before the fill forecasts are ready', () => {
  it('answer 503 with Retry-After and the bins still missing, then plan on the cold-start forecasts', async () => {
    const cold = await startHarness({ live: { days: 0 } });
    try {
      const url = `/v1/routes/depots/depot-1/${DATE}`;
      const res = await cold.app.inject({ url, headers: cold.auth('cleanway') });
      expect(res.statusCode).toBe(503);
      const p = res.json();
      expect(p.detail).toMatch(
        /no collection routes for depot depot-1 on 2026-06-03 yet: none of its \d+ bins has a fill forecast/,
      );
      const own = cold.city.waste.bins.filter((b) => b.depot === 'depot-1').map((b) => b.id);
      // The count of the bins still missing and the first few of them, not a list as long as the depot.
      expect(p.missingCount).toBe(own.length);
      expect(own.length).toBeGreaterThan(5);
      expect(p.missing).toHaveLength(5);
      expect(p.missing.map((m: { id: string }) => m.id)).toEqual(own.slice(0, 5));
      const m = p.missing[0];
      expect(res.headers['retry-after']).toBe(String(Math.min(3600, (m.required - m.observations) * 3600)));
      // Nothing was planned, and the other contractor still learns nothing about this depot.
      expect(
        (await cold.app.inject({ url: '/v1/routes/depots/depot-1', headers: cold.auth('cleanway') })).json().dates[0],
      ).toMatchObject({ date: DATE, plan: null });
      expect((await cold.app.inject({ url, headers: cold.auth('metro') })).statusCode).toBe(404);
      await cold.simulate(T0 + 6.5 * HOUR);
      const ready = await cold.app.inject({ url, headers: cold.auth('cleanway') });
      expect(ready.statusCode, ready.body).toBe(200);
      const a = ready.json() as CollectionRoutesAnswer;
      expect(a.bins.length).toBeGreaterThan(0);
      expect(a.bins.every((b) => b.forecast === 'fallback')).toBe(true);
      expect(checkCollectionPlan(cold.live!.collectionRoutes.requestFor(a), a.plan)).toEqual([]);
    } finally {
      await cold.close();
    }
  });
});
