// NGSI-LD over HTTP: notifications into window results and dead letters like POST /v1/telemetry, and the city's
// objects as entities, scoped by role, with @context in the body or a Link header, pages and keyValues.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../io/ngsi-ld/fixtures.js';
import { startHarness, type Harness } from './harness.js';

const LD = 'application/ld+json';
const ERRORS = 'https://uri.etsi.org/ngsi-ld/errors/';
const at = (iso: string) => Date.parse(iso);

/** urbanflow_http_ingest_refused_total by reason. */
async function refusedIngest(h: Harness): Promise<Record<string, number>> {
  const text = (await h.app.inject({ url: '/metrics', headers: h.auth('operator') })).body;
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^urbanflow_http_ingest_refused_total\{reason="([^"]+)"\} (\d+)$/gm))
    out[m[1]] = Number(m[2]);
  return out;
}

function post(h: Harness, body: unknown, headers: Record<string, string>, type = LD) {
  return h.app.inject({
    method: 'POST',
    url: '/v1/ngsi-ld/notify',
    headers: { ...headers, 'content-type': type },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A key of a role the harness does not make. */
function deviceAuth(h: Harness): Record<string, string> {
  const key = h.app.urbanflow.keys.create({ tenant: 'sensors-inc', role: 'device' }, h.clock.now);
  return { authorization: `Bearer ${key.secret}` };
}

describe('POST /v1/ngsi-ld/notify', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('turns a normalized notification (application/ld+json) into readings that reach the windows', async () => {
    const res = await post(h, fixture('notification-normalized.jsonld'), h.auth('operator'));
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({
      entities: 4,
      readings: 6,
      accepted: 6,
      deadLettered: 0,
      deadLettersByReason: {},
      timedByNotification: 0,
    });
    await h.pipeline.engine.finish();
    const window = (op: string, key: string) => h.pipeline.results.current(op, key)[0];
    expect(window('bin-fill-latest', 'bin-0001')).toMatchObject({
      start: at('2026-06-03T04:00:00Z'),
      values: { last: 0.62 },
    });
    expect(window('detector-count-5m', 'det-int-001-N-L')).toMatchObject({
      start: at('2026-06-03T04:05:00Z'),
      values: { sum: 14 },
    });
    expect(window('feeder-kw-30m', 'fdr-001')).toMatchObject({
      start: at('2026-06-03T04:00:00Z'),
      values: { mean: 1830.5 },
    });
    const metrics = (await h.app.inject({ url: '/metrics', headers: h.auth('operator') })).body;
    expect(metrics).toContain('urbanflow_http_ingest_readings_total{outcome="accepted"} 6');
  });

  it('exposes the windows it fed in the entities, observedAt the end of the window', async () => {
    const res = await h.app.inject({
      url: '/ngsi-ld/v1/entities/urn:ngsi-ld:WasteContainer:bin-0001',
      headers: h.auth('operator'),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().fillingLevel).toEqual({
      type: 'Property',
      value: 0.62,
      observedAt: '2026-06-03T05:00:00.000Z',
      unitCode: 'C62',
    });
    const meter = await h.app.inject({
      url: '/ngsi-ld/v1/entities/urn:ngsi-ld:ElectricityMeter:fdr-001?options=keyValues',
      headers: h.auth('utility'),
    });
    expect(meter.json()).toMatchObject({ id: 'urn:ngsi-ld:ElectricityMeter:fdr-001', totalActivePower: 1830.5 });
    const flow = await h.app.inject({
      url: '/ngsi-ld/v1/entities/urn:ngsi-ld:TrafficFlowObserved:det-int-001-N-L',
      headers: h.auth('traffic'),
    });
    expect(flow.json()).toMatchObject({
      intensity: { type: 'Property', value: 14, observedAt: '2026-06-03T04:10:00.000Z' },
      dateObservedFrom: { value: '2026-06-03T04:05:00.000Z' },
      dateObservedTo: { value: '2026-06-03T04:10:00.000Z' },
      refIntersection: { type: 'Relationship', object: 'urn:ngsi-ld:Intersection:int-001' },
    });
    // 12.5 m/s is 45 km/h; the speed is the mean of the detector's approach.
    expect(flow.json().averageVehicleSpeed.value).toBeCloseTo(45, 9);
    expect(flow.json().averageVehicleSpeed.unitCode).toBe('KMH');
  });
});

describe('notifications a device posts, and the ones refused', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('takes keyValues as application/json from a device key, which reads nothing', async () => {
    const device = deviceAuth(h);
    const res = await post(h, fixture('notification-key-values.json'), device, 'application/json');
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ entities: 4, readings: 6, accepted: 6, deadLettered: 0 });
    expect((await h.app.inject({ url: '/ngsi-ld/v1/entities', headers: device })).statusCode).toBe(403);
    expect((await h.app.inject({ url: '/v1/operators', headers: device })).statusCode).toBe(403);
  });

  it('dead-letters bad entities with the reason, entity id and attribute, keeping the good one', async () => {
    const res = await post(h, fixture('notification-bad.jsonld'), h.auth('operator'));
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({
      entities: 8,
      readings: 8,
      accepted: 1,
      deadLettered: 7,
      deadLettersByReason: { 'unknown-entity': 1, 'unknown-sensor': 1, 'bad-type': 3, 'out-of-range': 1, malformed: 1 },
      timedByNotification: 0,
    });
    const letters = (await h.app.inject({ url: '/v1/dead-letters', headers: h.auth('operator') })).json();
    const range = letters.byReason['out-of-range'].samples.find(
      (l: { entity?: string }) => l.entity === 'urn:ngsi-ld:WasteContainer:bin-0003',
    );
    expect(range).toMatchObject({ attribute: 'fillingLevel', sensor: 'fill-bin-0003', metric: 'bin.fill', value: 1.7 });
    expect(range.source).toMatch(/^http:[0-9a-f]{16}$/);
    expect(letters.byReason['unknown-entity'].samples[0].entity).toBe('urn:ngsi-ld:AirQualityObserved:station-7');
  });

  it("lets the engine judge event time: a reading far ahead of the clock is a 'future' dead letter", async () => {
    const n = fixture('notification-normalized.jsonld');
    n.data = [
      {
        id: 'urn:ngsi-ld:WasteContainer:bin-0001',
        type: 'WasteContainer',
        fillingLevel: { type: 'Property', value: 0.5, observedAt: '2026-06-04T05:00:00Z' },
      },
    ];
    const res = await post(h, n, h.auth('operator'));
    expect(res.json()).toMatchObject({ readings: 1, accepted: 0, deadLettered: 1, deadLettersByReason: { future: 1 } });
  });

  it('refuses other roles, no key, a body that is no notification, broken JSON and other media types', async () => {
    const n = fixture('notification-normalized.jsonld');
    const refusedBefore = await refusedIngest(h);
    expect((await post(h, n, h.auth('traffic'))).statusCode).toBe(403);
    expect((await post(h, n, h.auth('cleanway'))).statusCode).toBe(403);
    expect((await post(h, n, {})).statusCode).toBe(401);
    const wrong = await post(h, { ...n, type: 'Entity' }, h.auth('operator'));
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ type: `${ERRORS}BadRequestData`, status: 400 });
    expect(wrong.json().errors[0].path).toBe('body.type');
    const extra = await post(h, { ...n, surplus: 1 }, h.auth('operator'));
    expect(extra.json().errors[0].path).toBe('body.surplus');
    const broken = await post(h, '{"id": ', h.auth('operator'));
    expect(broken.statusCode).toBe(400);
    expect(broken.json().type).toBe(`${ERRORS}InvalidRequest`);
    const proto = await post(h, '{"__proto__": {"x": 1}}', h.auth('operator'));
    expect(proto.statusCode).toBe(400);
    expect((await post(h, JSON.stringify(n), h.auth('operator'), 'text/plain')).statusCode).toBe(415);
    const refusedAfter = await refusedIngest(h);
    const added = (reason: string): number => (refusedAfter[reason] ?? 0) - (refusedBefore[reason] ?? 0);
    expect([
      added('forbidden'),
      added('unauthenticated'),
      added('bad-request'),
      added('unsupported-media-type'),
    ]).toEqual([2, 1, 4, 1]);
  });
});

describe('GET /ngsi-ld/v1/entities', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });
  const get = (url: string, who: Parameters<Harness['auth']>[0], headers: Record<string, string> = {}) =>
    h.app.inject({ url, headers: { ...h.auth(who), ...headers } });
  const ids = (res: { json: () => { id: string }[] }) => res.json().map((e) => e.id);

  it("scopes bins to a contractor's depots, and pages with limit, offset, count and Link rel=next", async () => {
    const binsOf = (depot: string) =>
      h.city.waste.bins.filter((b) => b.depot === depot).map((b) => `urn:ngsi-ld:WasteContainer:${b.id}`);
    const cleanway = await get('/ngsi-ld/v1/entities?type=WasteContainer&limit=100', 'cleanway');
    expect(cleanway.statusCode, cleanway.body).toBe(200);
    expect(ids(cleanway)).toEqual(binsOf('depot-1'));
    expect(ids(await get('/ngsi-ld/v1/entities?type=WasteContainer&limit=100', 'metro'))).toEqual(binsOf('depot-2'));
    const all = h.city.waste.bins.map((b) => `urn:ngsi-ld:WasteContainer:${b.id}`);
    const first = await get('/ngsi-ld/v1/entities?type=WasteContainer&count=true', 'operator');
    expect(ids(first)).toEqual(all.slice(0, 20));
    expect(first.headers['ngsild-results-count']).toBe(String(all.length));
    expect(first.headers.link).toContain('</ngsi-ld/v1/entities?type=WasteContainer&count=true&offset=20>; rel="next"');
    const second = await get('/ngsi-ld/v1/entities?type=WasteContainer&offset=20&limit=20', 'operator');
    expect(ids(second)).toEqual(all.slice(20));
    expect(second.headers.link).not.toContain('rel="next"');
  });

  it('answers each role its own types: 403 for a type it does not read, its types when none is named', async () => {
    const traffic = await get('/ngsi-ld/v1/entities?type=WasteContainer', 'traffic');
    expect(traffic.statusCode).toBe(403);
    expect((await get('/ngsi-ld/v1/entities?type=ElectricityMeter', 'cleanway')).statusCode).toBe(403);
    const meters = await get('/ngsi-ld/v1/entities?type=ElectricityMeter', 'utility');
    const feeders = h.city.feeders.flatMap((f) => [f.id, ...f.resources.map((r) => r.id)]);
    expect(ids(meters)).toEqual(feeders.map((id) => `urn:ngsi-ld:ElectricityMeter:${id}`));
    const own = await get('/ngsi-ld/v1/entities?limit=1000', 'traffic');
    expect(new Set(own.json().map((e: { type: string }) => e.type))).toEqual(new Set(['TrafficFlowObserved']));
    expect(own.json().length).toBe(
      h.city.intersections.flatMap((x) => x.approaches.flatMap((a) => a.laneGroups.flatMap((g) => g.detectors))).length,
    );
    expect((await get('/ngsi-ld/v1/entities?type=Building', 'operator')).json()).toEqual([]);
  });

  it('selects by id within the scope, and reads one entity by id (404 outside the scope, 403 for the role)', async () => {
    const own = `urn:ngsi-ld:WasteContainer:${h.city.waste.bins.find((b) => b.depot === 'depot-1')!.id}`;
    const other = `urn:ngsi-ld:WasteContainer:${h.city.waste.bins.find((b) => b.depot === 'depot-2')!.id}`;
    expect(ids(await get(`/ngsi-ld/v1/entities?id=${own},${other}`, 'cleanway'))).toEqual([own]);
    const one = await get(`/ngsi-ld/v1/entities/${own}`, 'cleanway');
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({
      id: own,
      type: 'WasteContainer',
      location: { type: 'GeoProperty', value: { type: 'Point' } },
      refDepot: { type: 'Relationship', object: 'urn:ngsi-ld:Depot:depot-1' },
    });
    const hidden = await get(`/ngsi-ld/v1/entities/${other}`, 'cleanway');
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json()).toMatchObject({ type: `${ERRORS}ResourceNotFound`, status: 404 });
    expect((await get(`/ngsi-ld/v1/entities/${own}`, 'utility')).statusCode).toBe(403);
    expect((await get('/ngsi-ld/v1/entities/urn:ngsi-ld:WasteContainer:bin-9999', 'operator')).statusCode).toBe(404);
    expect((await get('/ngsi-ld/v1/entities/urn:ngsi-ld:Road:r1', 'operator')).statusCode).toBe(404);
    const bad = await get('/ngsi-ld/v1/entities/not-a-uri', 'operator');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ type: `${ERRORS}BadRequestData` });
    const badLimit = await get('/ngsi-ld/v1/entities?limit=5000', 'operator');
    expect(badLimit.statusCode).toBe(400);
    expect(badLimit.json().errors[0].path).toBe('querystring.limit');
    expect((await get('/ngsi-ld/v1/entities', 'none')).statusCode).toBe(401);
  });

  it('puts @context in the body for application/ld+json and in a Link header for application/json', async () => {
    const url = '/ngsi-ld/v1/entities?type=ElectricityMeter&limit=2';
    const ld = await get(url, 'utility', { accept: LD });
    expect(ld.headers['content-type']).toMatch(/^application\/ld\+json/);
    expect(ld.headers.link ?? '').not.toContain('json-ld#context');
    for (const e of ld.json())
      expect(e['@context']).toEqual([
        'https://smartdatamodels.org/context.jsonld',
        'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld',
      ]);
    const json = await get(url, 'utility', { accept: 'application/json' });
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.headers.link).toContain(
      '<https://smartdatamodels.org/context.jsonld>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"',
    );
    expect(json.json()[0]['@context']).toBeUndefined();
    // Plain JSON is the default and wins a tie with no preference for JSON-LD.
    const preferJson = await get(url, 'utility', { accept: 'application/json, application/ld+json;q=0.5' });
    expect(preferJson.headers['content-type']).toMatch(/^application\/json/);
    const one = await get('/ngsi-ld/v1/entities/urn:ngsi-ld:ElectricityMeter:fdr-001', 'utility', { accept: LD });
    expect(one.json()['@context']).toHaveLength(2);
  });

  it('gives keyValues: each attribute its bare value, Relationships their object', async () => {
    const id = 'urn:ngsi-ld:ElectricityMeter:fdr-001-r01';
    const kv = await get(`/ngsi-ld/v1/entities/${id}?options=keyValues`, 'utility');
    expect(kv.json()).toEqual({
      id,
      type: 'ElectricityMeter',
      meterType: h.city.feeders[0].resources[0].type,
      refFeeder: 'urn:ngsi-ld:ElectricityMeter:fdr-001',
    });
    expect((await get(`/ngsi-ld/v1/entities/${id}?options=verbose`, 'utility')).statusCode).toBe(400);
  });
});

describe('the OpenAPI document', () => {
  it('describes the NGSI-LD routes: both body media types, both answer media types, the error types', async () => {
    const h = await startHarness();
    try {
      const doc = (await h.app.inject('/openapi.json')).json();
      const notify = doc.paths['/v1/ngsi-ld/notify'].post;
      expect(Object.keys(notify.requestBody.content).sort()).toEqual(['application/json', LD]);
      expect(notify.requestBody.content[LD].schema.properties.type.enum).toEqual(['Notification']);
      expect(Object.keys(notify.responses)).toEqual(expect.arrayContaining(['202', '400', '401', '403', '413', '415']));
      const list = doc.paths['/ngsi-ld/v1/entities'].get;
      expect(Object.keys(list.responses['200'].content)).toEqual(expect.arrayContaining(['application/json', LD]));
      expect(list.parameters.map((p: { name: string }) => p.name).sort()).toEqual(
        ['count', 'id', 'limit', 'offset', 'options', 'type'].sort(),
      );
      expect(doc.paths['/ngsi-ld/v1/entities/{entityId}'].get.responses['404']).toBeDefined();
    } finally {
      await h.close();
    }
  });
});

describe('entities with the live forecasts', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ live: { days: 3 } });
  }, 600_000);
  afterAll(async () => {
    await h?.close();
  });

  it('carries the fill and load forecasts in the attribute units, with their model and last observation', async () => {
    const bin = h.city.waste.bins[0].id;
    const res = await h.app.inject({
      url: `/ngsi-ld/v1/entities/urn:ngsi-ld:WasteContainer:${bin}`,
      headers: h.auth('operator'),
    });
    expect(res.statusCode, res.body).toBe(200);
    const e = res.json();
    const direct = h.live!.forecasts.forecast({ kind: 'bin', id: bin, horizonMs: 48 * 3_600_000 }, h.clock.now);
    if (direct.status === 'not-ready') throw new Error(`no bin forecast: ${direct.reason}`);
    const f = e.fillingLevelForecast;
    expect(f.value).toHaveLength(direct.forecast.length);
    // The forecast service answers percent; the entity, like fillingLevel, a fraction.
    expect(f.value[0].value).toBeCloseTo(direct.forecast[0] / 100, 9);
    expect(f.value[0].upper95).toBeCloseTo(direct.upper95[0] / 100, 9);
    expect(f.value[0].validFrom).toBe(new Date(direct.timestamps[0]).toISOString());
    expect(f).toMatchObject({
      type: 'Property',
      unitCode: 'C62',
      observedAt: new Date(direct.lastObservationMs).toISOString(),
      method: { type: 'Property', value: direct.method },
      status: { type: 'Property', value: direct.status },
    });
    expect(e.fillingLevel.value).toBeLessThanOrEqual(1.2);
    const feeder = await h.app.inject({
      url: `/ngsi-ld/v1/entities/urn:ngsi-ld:ElectricityMeter:${h.city.feeders[0].id}?options=keyValues`,
      headers: h.auth('utility'),
    });
    expect(feeder.json().totalActivePowerForecast.length).toBeGreaterThan(0);
    expect(typeof feeder.json().totalActivePower).toBe('number');
  });
});
