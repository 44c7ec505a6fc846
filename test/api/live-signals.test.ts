// Live signal plans over HTTP: every plan passes the checkers; ETag, Last-Modified and 304; caching to the plan period; next period; not ready.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode } from '@msgpack/msgpack';
import { checkCorridor, checkPlan, corridorFromCity, intersectionFromCity } from '../../solvers/signals/index.js';
import { startHarness, T0, type Harness } from './harness.js';

const MIN = 60_000;
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ live: { days: 3 } });
});

afterAll(async () => {
  await h?.close();
});

const get = (url: string, headers: Record<string, string> = {}, who: 'traffic' | 'operator' = 'traffic') =>
  h.app.inject({ url, headers: { ...h.auth(who), ...headers } });

describe('live signal plans', () => {
  it('list every intersection and corridor with its plan version and ETag, and serve plans that pass the checkers', async () => {
    const list = await get('/v1/signals/intersections');
    expect(list.statusCode).toBe(200);
    const rows = list.json().items as Record<string, any>[];
    expect(rows.map((r) => r.id)).toEqual(h.city.intersections.map((x) => x.id));
    for (const x of h.city.intersections) {
      const row = rows.find((r) => r.id === x.id)!;
      expect(row.status).toBe('ready');
      const res = await get(`/v1/signals/intersections/${x.id}/plan`);
      expect(res.statusCode, res.body).toBe(200);
      const a = res.json();
      expect(checkPlan(intersectionFromCity(x, a.demandVehPerHour), a.plan), x.id).toEqual([]);
      expect(a.plan.intersectionId).toBe(x.id);
      expect(res.headers.etag).toBe(a.etag);
      expect(row).toMatchObject({
        version: a.version,
        etag: a.etag,
        effectiveFromMs: a.effectiveFromMs,
        effectiveUntilMs: a.effectiveUntilMs,
        next: null,
      });
      expect(res.headers['x-plan-version']).toBe(String(a.version));
      expect(res.headers['x-effective-from']).toBe(new Date(a.effectiveFromMs).toISOString());
      expect(res.headers['x-effective-until']).toBe(new Date(a.effectiveUntilMs).toISOString());
      expect(res.headers['last-modified']).toBe(new Date(a.computedAtMs).toUTCString());
      // The 00:00-00:30 period, planned at 00:00: it can change at the next refresh (5 min) before it ends.
      expect(a.effectiveUntilMs).toBe(T0 + 30 * MIN);
      expect(res.headers['cache-control']).toBe('private, max-age=300');
    }
    const corridors = (await get('/v1/signals/corridors')).json().items as Record<string, any>[];
    expect(corridors.map((r) => r.id)).toEqual(h.city.corridors.map((c) => c.id));
    for (const c of h.city.corridors) {
      expect(corridors.find((r) => r.id === c.id)!.intersections).toEqual(c.intersections);
      const a = (await get(`/v1/signals/corridors/${c.id}/plan`)).json();
      expect(checkCorridor(corridorFromCity(c, h.city.intersections, a.demandVehPerHour), a.plan), c.id).toEqual([]);
      expect(a.plan.plans.map((p: { intersectionId: string }) => p.intersectionId)).toEqual(c.intersections);
    }
  });

  it('answer in MessagePack when asked, with the same document', async () => {
    const json = await get('/v1/signals/intersections/int-002/plan');
    const packed = await get('/v1/signals/intersections/int-002/plan', { accept: 'application/msgpack' });
    expect(packed.headers['content-type']).toBe('application/msgpack');
    expect(decode(packed.rawPayload)).toEqual(json.json());
    expect(packed.headers.etag).toBe(json.headers.etag);
  });

  it('answer 304 while the plan is unchanged, to If-None-Match in any form and to If-Modified-Since', async () => {
    const first = await get('/v1/signals/intersections/int-001/plan');
    const etag = first.headers.etag as string;
    for (const inm of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const res = await get('/v1/signals/intersections/int-001/plan', { 'if-none-match': inm });
      expect(res.statusCode, inm).toBe(304);
      expect(res.body).toBe('');
      expect(res.headers.etag).toBe(etag);
      expect(res.headers['cache-control']).toBe(first.headers['cache-control']);
    }
    expect((await get('/v1/signals/intersections/int-001/plan', { 'if-none-match': '"other"' })).statusCode).toBe(200);
    const lastModified = first.headers['last-modified'] as string;
    expect(
      (await get('/v1/signals/intersections/int-001/plan', { 'if-modified-since': lastModified })).statusCode,
    ).toBe(304);
    expect(
      (
        await get('/v1/signals/intersections/int-001/plan', {
          'if-modified-since': new Date(Date.parse(lastModified) - 1000).toUTCString(),
        })
      ).statusCode,
    ).toBe(200);
    // If-None-Match decides when both are sent.
    expect(
      (
        await get('/v1/signals/intersections/int-001/plan', {
          'if-none-match': '"other"',
          'if-modified-since': lastModified,
        })
      ).statusCode,
    ).toBe(200);
    const list = await get('/v1/signals/corridors');
    expect((await get('/v1/signals/corridors', { 'if-none-match': list.headers.etag as string })).statusCode).toBe(304);
  });

  it("publish the next period's plan ahead of its start beside the one in effect, and switch at the period boundary", async () => {
    const before = (await get('/v1/signals/intersections/int-003/plan')).json();
    const listBefore = await get('/v1/signals/intersections');
    expect((await get('/v1/signals/intersections/int-003/plan?period=next')).statusCode).toBe(404);
    await h.simulate(T0 + 26 * MIN);
    const current = await get('/v1/signals/intersections/int-003/plan', { 'if-none-match': before.etag });
    expect(current.statusCode).toBe(304);
    expect(current.headers['cache-control']).toBe('private, max-age=240');
    expect(current.headers.link).toBe('</v1/signals/intersections/int-003/plan?period=next>; rel="next"');
    const next = await get('/v1/signals/intersections/int-003/plan?period=next');
    expect(next.statusCode).toBe(200);
    const n = next.json();
    expect(n.version).toBe(before.version + 1);
    expect(n.effectiveFromMs).toBe(T0 + 30 * MIN);
    expect(n.effectiveUntilMs).toBe(T0 + 60 * MIN);
    expect(next.headers.etag).not.toBe(before.etag);
    expect(checkPlan(intersectionFromCity(h.city.intersections[2], n.demandVehPerHour), n.plan)).toEqual([]);
    const list = await get('/v1/signals/intersections', { 'if-none-match': listBefore.headers.etag as string });
    expect(list.statusCode).toBe(200);
    const row = (list.json().items as Record<string, any>[]).find((r) => r.id === 'int-003')!;
    expect(row).toMatchObject({
      version: before.version,
      etag: before.etag,
      next: { version: n.version, etag: n.etag, effectiveFromMs: T0 + 30 * MIN },
    });

    await h.simulate(T0 + 31 * MIN);
    const switched = await get('/v1/signals/intersections/int-003/plan', { 'if-none-match': before.etag });
    expect(switched.statusCode).toBe(200);
    expect(switched.json()).toEqual(n);
    expect(switched.headers.link).toBeUndefined();
    expect((await get('/v1/signals/intersections/int-003/plan?period=next')).json().detail).toMatch(
      /not published yet/,
    );
  });

  it('follow a city change the pipeline takes: a new corridor is listed, and planned at the next refresh', async () => {
    const corridor = { id: 'cor-test', name: 'Test', intersections: ['int-001', 'int-002'], linkTravelTimesS: [40] };
    const put = await h.app.inject({
      method: 'PUT',
      url: '/v1/city/corridors/cor-test',
      headers: h.auth('operator'),
      payload: corridor,
    });
    expect(put.statusCode).toBe(200);
    const row = ((await get('/v1/signals/corridors')).json().items as Record<string, any>[]).find(
      (r) => r.id === 'cor-test',
    );
    expect(row).toMatchObject({ status: 'not-ready', version: null, intersections: ['int-001', 'int-002'] });
    // A new intersection adds detectors: staged for the next start, so not planned (nor listed) before then.
    const x = { ...structuredClone(h.city.intersections[0]), id: 'int-new' };
    x.approaches.forEach((a) => a.laneGroups.forEach((g) => (g.detectors = g.detectors.map((d) => `${d}-new`))));
    expect(
      (
        await h.app.inject({
          method: 'PUT',
          url: '/v1/city/intersections/int-new',
          headers: h.auth('operator'),
          payload: x,
        })
      ).statusCode,
    ).toBe(202);
    const listed = await get('/v1/signals/intersections');
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items.map((r: { id: string }) => r.id)).not.toContain('int-new');
    const waiting = await get('/v1/signals/corridors/cor-test/plan');
    expect(waiting.statusCode).toBe(503);
    // The lane-group forecasts are ready: only the next refresh is missing.
    expect(waiting.json().missing).toEqual([]);
    expect(waiting.headers['retry-after']).toBe('300');
    await h.simulate(T0 + 36 * MIN);
    const a = (await get('/v1/signals/corridors/cor-test/plan')).json();
    const c = h.app.urbanflow.city.city.corridors.find((x) => x.id === 'cor-test')!;
    expect(checkCorridor(corridorFromCity(c, h.city.intersections, a.demandVehPerHour), a.plan)).toEqual([]);
  });

  it('answer unknown ids with 404 and a bad period with 400', async () => {
    const res = await get('/v1/signals/intersections/int-999/plan');
    expect(res.statusCode).toBe(404);
    expect(res.json().detail).toMatch(/intersection 'int-999' is not in city/);
    expect((await get('/v1/signals/corridors/nope/plan')).statusCode).toBe(404);
    const bad = await get('/v1/signals/intersections/int-001/plan?period=later');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('querystring.period');
  });
});

describe('live signal plans before the forecasts are ready', () => {
  it('answer 503 with Retry-After (in wall-clock seconds at the service rate) and the lane groups still missing', async () => {
    const cold = await startHarness({ live: { days: 0, serviceRate: 60 } });
    try {
      const res = await cold.app.inject({
        url: '/v1/signals/intersections/int-001/plan',
        headers: cold.auth('traffic'),
      });
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const p = res.json();
      expect(p.type).toBe('urn:urbanflow:problem:unavailable');
      expect(p.detail).toMatch(/no signal plan for intersection int-001 yet: lane group .*: no results yet/);
      const groups = cold.city.intersections[0].approaches.flatMap((a) => a.laneGroups.map((g) => `int-001/${g.id}`));
      expect(p.missingCount).toBe(groups.length);
      expect(p.missing.map((m: { id: string }) => m.id)).toEqual(groups.slice(0, 5));
      const m = p.missing[0];
      expect(m).toMatchObject({ kind: 'laneGroup', observations: 0 });
      expect(m.required).toBeGreaterThan(288);
      // (required windows of 5 min + the 5-min refresh) of service time, at 60 service seconds per second.
      const expected = Math.min(3600, Math.ceil(((m.required - m.observations) * 5 * MIN + 5 * MIN) / 60 / 1000));
      expect(res.headers['retry-after']).toBe(String(expected));
      expect(p.retryAfterSeconds).toBe(expected);
      const corridor = await cold.app.inject({
        url: `/v1/signals/corridors/${cold.city.corridors[0].id}/plan`,
        headers: cold.auth('traffic'),
      });
      expect(corridor.statusCode).toBe(503);
      expect(corridor.json().missingCount).toBeGreaterThan(groups.length);
      expect(corridor.json().missing).toHaveLength(5);
      const list = (await cold.app.inject({ url: '/v1/signals/intersections', headers: cold.auth('traffic') })).json();
      expect(
        list.items.every(
          (r: { status: string; reason?: string }) => r.status === 'not-ready' && /no results yet/.test(r.reason!),
        ),
      ).toBe(true);

      // Six hours later the lane groups are still in cold start, with fewer windows to go.
      await cold.simulate(T0 + 6 * 60 * MIN);
      const later = await cold.app.inject({
        url: '/v1/signals/intersections/int-001/plan',
        headers: cold.auth('traffic'),
      });
      expect(later.statusCode).toBe(503);
      expect(later.json().detail).toMatch(/cold start/);
      expect(later.json().missing[0].observations).toBeGreaterThan(60);
      expect(Number(later.headers['retry-after'])).toBeLessThan(expected);
    } finally {
      await cold.close();
    }
  });
});
