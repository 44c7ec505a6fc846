// Every route for every role and bad credential: the expected success, 401 or 403 (or 404 outside a tenant's scope).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import {
  dispatchRequest,
  routeRequest,
  signalsRequest,
  startHarness,
  type Credential,
  type Harness,
} from './harness.js';
import { installAccessControl, KeyStore } from '../../src/api/access/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Who = Exclude<Credential, 'none' | 'bad' | 'revoked' | 'expired-key' | 'expired-token'>;
const ROLE_CREDENTIALS: Who[] = ['utility', 'traffic', 'operator', 'cleanway', 'metro', 'cleanway-token'];
const BAD: Credential[] = ['bad', 'revoked', 'expired-key', 'expired-token'];

interface Row {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The route as OpenAPI names it, to check the table covers every route. */
  route: string;
  url: () => string;
  body?: () => unknown;
  /** Status for each credential that may use the route; every other role gets 403. */
  ok: Partial<Record<Who, number | number[]>>;
  public?: boolean;
}

let h: Harness;
const ids: Record<string, string> = {};
const all = (status: number): Row['ok'] => Object.fromEntries(ROLE_CREDENTIALS.map((c) => [c, status]));

beforeAll(async () => {
  // With the live routes, on three simulated days of telemetry so that their answers are ready.
  h = await startHarness({ live: { days: 3 } });
  const post = async (url: string, who: Credential, body: unknown) => {
    const res = await h.app.inject({ method: 'POST', url, headers: h.auth(who), payload: body as object });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  ids.dispatch = await post('/v1/dispatch/plans?wait=60', 'utility', dispatchRequest());
  ids.route = await post('/v1/routes/plans?wait=60', 'cleanway', routeRequest(h.city, 'depot-1'));
  ids.signals = await post('/v1/signals/plans?wait=60', 'traffic', signalsRequest());
  ids.key = h.app.urbanflow.keys.create({ tenant: 'spare', role: 'utility' }, h.clock.now).record.id;
});

afterAll(async () => {
  await h?.close();
});

function rows(): Row[] {
  const city = h.city;
  const x = structuredClone(city.intersections[0]);
  x.id = 'int-test';
  x.approaches.forEach((a) => a.laneGroups.forEach((g) => (g.detectors = g.detectors.map((d) => `${d}-test`))));
  const feeder = { ...structuredClone(city.feeders[1]), id: 'fdr-test', meterSensor: 'fdr-test-meter', resources: [] };
  const resource = { ...structuredClone(city.feeders[0].resources[0]), id: 'res-test', sensor: 'res-test-sensor' };
  const bin = { ...structuredClone(city.waste.bins[0]), id: 'bin-test', sensor: 'bin-test-sensor' };
  const cleanBin = city.waste.bins.find((b) => b.depot === 'depot-1')!.id;
  const laneGroup = `${city.intersections[0].id}/${city.intersections[0].approaches[0].laneGroups[0].id}`;
  const corridor = city.corridors[0].id;
  const ownDepot: Row['ok'] = { cleanway: 200, 'cleanway-token': 200, metro: 404, operator: 200 };
  const traffic: Row['ok'] = { traffic: 200, operator: 200 };
  const grid: Row['ok'] = { utility: 200, operator: 200 };
  const waste: Row['ok'] = { cleanway: 200, metro: 200, 'cleanway-token': 200, operator: 200 };
  const admin = (s: number | number[]): Row['ok'] => ({ operator: s });
  const r = (
    method: Row['method'],
    route: string,
    url: string | (() => string),
    ok: Row['ok'],
    body?: () => unknown,
  ): Row => ({
    method,
    route,
    url: typeof url === 'string' ? () => url : url,
    ok,
    body,
  });
  return [
    { ...r('GET', '/healthz', '/healthz', {}), public: true },
    { ...r('GET', '/readyz', '/readyz', {}), public: true },
    r('GET', '/metrics', '/metrics', admin(200)),
    r('GET', '/v1/operators', '/v1/operators', all(200)),
    r('GET', '/v1/windows/{operator}/current', '/v1/windows/temperature-1h-sliding/current', all(200)),
    r('GET', '/v1/windows/{operator}', '/v1/windows/temperature-1h-sliding?key=wx-1', all(200)),
    r('GET', '/v1/dead-letters', '/v1/dead-letters', admin(200)),
    r('GET', '/v1/stats', '/v1/stats', admin(200)),
    // Only keys mint tokens: a token asking for another is refused.
    r('POST', '/v1/tokens', '/v1/tokens', { ...all(201), 'cleanway-token': 403 }, () => ({ ttlSeconds: 600 })),
    r('GET', '/v1/keys', '/v1/keys', admin(200)),
    r('POST', '/v1/keys', '/v1/keys', admin(201), () => ({ tenant: 'new', role: 'traffic-center' })),
    r('DELETE', '/v1/keys/{id}', () => `/v1/keys/${ids.key}`, admin(200)),
    r('POST', '/v1/telemetry', '/v1/telemetry', admin(202), () => [
      { sensor: 'wx-1-temp', metric: 'weather.temp_c', ts: h.clock.now - 60_000, value: 21 },
    ]),
    r('POST', '/v1/ngsi-ld/notify', '/v1/ngsi-ld/notify', admin(202), () => ({
      id: 'urn:ngsi-ld:Notification:access',
      type: 'Notification',
      subscriptionId: 'urn:ngsi-ld:Subscription:access',
      notifiedAt: new Date(h.clock.now).toISOString(),
      data: [
        {
          id: `urn:ngsi-ld:WasteContainer:${cleanBin}`,
          type: 'WasteContainer',
          fillingLevel: { type: 'Property', value: 0.5, observedAt: new Date(h.clock.now - 60_000).toISOString() },
        },
      ],
    })),
    r('GET', '/ngsi-ld/v1/entities', '/ngsi-ld/v1/entities?type=WasteContainer', waste),
    r(
      'GET',
      '/ngsi-ld/v1/entities/{entityId}',
      `/ngsi-ld/v1/entities/urn:ngsi-ld:WasteContainer:${cleanBin}`,
      ownDepot,
    ),
    r('GET', '/v1/city', '/v1/city', admin(200)),
    r('GET', '/v1/city/intersections', '/v1/city/intersections', traffic),
    r('GET', '/v1/city/intersections/{id}', '/v1/city/intersections/int-001', traffic),
    r('PUT', '/v1/city/intersections/{id}', '/v1/city/intersections/int-test', admin(202), () => x),
    r('DELETE', '/v1/city/intersections/{id}', '/v1/city/intersections/int-test', admin(200)),
    r('GET', '/v1/city/corridors', '/v1/city/corridors', traffic),
    r('PUT', '/v1/city/corridors/{id}', '/v1/city/corridors/c-test', admin(200), () => ({
      id: 'c-test',
      name: 'Test',
      intersections: ['int-001', 'int-002'],
      linkTravelTimesS: [40],
    })),
    r('GET', '/v1/city/corridors/{id}', '/v1/city/corridors/c-test', traffic),
    r('DELETE', '/v1/city/corridors/{id}', '/v1/city/corridors/c-test', admin(200)),
    r('GET', '/v1/city/feeders', '/v1/city/feeders', grid),
    r('GET', '/v1/city/feeders/{id}', '/v1/city/feeders/fdr-001', grid),
    r('PUT', '/v1/city/feeders/{id}', '/v1/city/feeders/fdr-test', admin(202), () => feeder),
    r('DELETE', '/v1/city/feeders/{id}', '/v1/city/feeders/fdr-test', admin(200)),
    r(
      'PUT',
      '/v1/city/feeders/{feeder}/resources/{id}',
      '/v1/city/feeders/fdr-001/resources/res-test',
      admin(202),
      () => resource,
    ),
    r('DELETE', '/v1/city/feeders/{feeder}/resources/{id}', '/v1/city/feeders/fdr-001/resources/res-test', admin(200)),
    r('GET', '/v1/city/bins', '/v1/city/bins', waste),
    r('GET', '/v1/city/bins/{id}', `/v1/city/bins/${cleanBin}`, {
      cleanway: 200,
      'cleanway-token': 200,
      metro: 404,
      operator: 200,
    }),
    r('PUT', '/v1/city/bins/{id}', '/v1/city/bins/bin-test', admin(202), () => bin),
    r('DELETE', '/v1/city/bins/{id}', '/v1/city/bins/bin-test', admin(200)),
    r('GET', '/v1/city/depots', '/v1/city/depots', waste),
    r('GET', '/v1/city/depots/{id}', '/v1/city/depots/depot-2', {
      cleanway: 404,
      'cleanway-token': 404,
      metro: 200,
      operator: 200,
    }),
    r('PUT', '/v1/city/depots/{id}', '/v1/city/depots/depot-9', admin(200), () => ({
      id: 'depot-9',
      location: { lat: 41.9, lon: -87.6 },
      contractor: 'cleanway',
    })),
    r('DELETE', '/v1/city/depots/{id}', '/v1/city/depots/depot-9', admin(200)),
    r('POST', '/v1/dispatch/plans', '/v1/dispatch/plans', { utility: 202, operator: 202 }, dispatchRequest),
    r('GET', '/v1/dispatch/plans', '/v1/dispatch/plans', grid),
    r('GET', '/v1/dispatch/plans/{id}', () => `/v1/dispatch/plans/${ids.dispatch}`, grid),
    r('GET', '/v1/dispatch/plans/{id}/events', () => `/v1/dispatch/plans/${ids.dispatch}/events`, grid),
    r(
      'POST',
      '/v1/routes/plans',
      '/v1/routes/plans',
      { cleanway: 202, 'cleanway-token': 202, metro: 403, operator: 202 },
      () => routeRequest(h.city, 'depot-1'),
    ),
    r('GET', '/v1/routes/plans', '/v1/routes/plans', waste),
    r('GET', '/v1/routes/plans/{id}', () => `/v1/routes/plans/${ids.route}`, {
      cleanway: 200,
      'cleanway-token': 200,
      metro: 404,
      operator: 200,
    }),
    r('POST', '/v1/signals/plans', '/v1/signals/plans', { traffic: 202, operator: 202 }, signalsRequest),
    r('GET', '/v1/signals/plans', '/v1/signals/plans', traffic),
    r('GET', '/v1/signals/plans/{id}', () => `/v1/signals/plans/${ids.signals}`, traffic),
    r('GET', '/v1/signals/intersections', '/v1/signals/intersections', traffic),
    r('GET', '/v1/signals/intersections/{id}/plan', '/v1/signals/intersections/int-001/plan', traffic),
    r('GET', '/v1/signals/corridors', '/v1/signals/corridors', traffic),
    r('GET', '/v1/signals/corridors/{id}/plan', `/v1/signals/corridors/${corridor}/plan`, traffic),
    r('GET', '/v1/routes/depots/{depot}', '/v1/routes/depots/depot-1', ownDepot),
    r('GET', '/v1/routes/depots/{depot}/{date}', '/v1/routes/depots/depot-1/2026-06-03', ownDepot),
    r('GET', '/v1/forecasts/feeders', '/v1/forecasts/feeders', grid),
    r('GET', '/v1/forecasts/feeders/{id}', '/v1/forecasts/feeders/fdr-001?horizon=6h', grid),
    r('GET', '/v1/forecasts/bins', '/v1/forecasts/bins', waste),
    r('GET', '/v1/forecasts/bins/{id}', `/v1/forecasts/bins/${cleanBin}`, ownDepot),
    r('GET', '/v1/forecasts/lane-groups', '/v1/forecasts/lane-groups', traffic),
    r('GET', '/v1/forecasts/lane-groups/{intersection}/{laneGroup}', `/v1/forecasts/lane-groups/${laneGroup}`, traffic),
  ];
}

describe('access control, route by route', () => {
  it('covers every route of the OpenAPI document', () => {
    const doc = h.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const table = rows().map((row) => `${row.method} ${row.route}`);
    expect(new Set(table)).toEqual(new Set(documented));
  });

  it('answers each role, and each bad credential, as declared', async () => {
    const failures: string[] = [];
    for (const row of rows()) {
      const creds: Credential[] = ['none', ...BAD, ...ROLE_CREDENTIALS];
      for (const who of creds) {
        const res = await h.app.inject({
          method: row.method,
          url: row.url(),
          headers: h.auth(who),
          ...(row.body ? { payload: row.body() as object } : {}),
        });
        let expected: number[];
        if (row.public) expected = [200];
        else if (who === 'none' || BAD.includes(who)) expected = [401];
        else {
          const ok = row.ok[who as Who];
          expected = ok === undefined ? [403] : Array.isArray(ok) ? ok : [ok];
        }
        if (!expected.includes(res.statusCode))
          failures.push(
            `${row.method} ${row.url()} as ${who}: ${res.statusCode} (expected ${expected.join('/')}) ${res.body.slice(0, 200)}`,
          );
        if (res.statusCode >= 400) expect(res.headers['content-type']).toContain('application/problem+json');
        if (res.statusCode === 401) expect(res.headers['www-authenticate']).toContain('Bearer');
      }
    }
    expect(failures).toEqual([]);
  });

  it('says why a credential is refused', async () => {
    const detail = async (who: Credential) =>
      (await h.app.inject({ url: '/v1/operators', headers: h.auth(who) })).json().detail as string;
    expect(await detail('none')).toMatch(/credentials required/);
    expect(await detail('bad')).toMatch(/unknown API key/);
    expect(await detail('revoked')).toMatch(/revoked/);
    expect(await detail('expired-key')).toMatch(/expired/);
    expect(await detail('expired-token')).toMatch(/token expired/);
    const forged = `${h.secrets['cleanway-token']!.slice(0, -4)}AAAA`;
    const res = await h.app.inject({ url: '/v1/operators', headers: { authorization: `Bearer ${forged}` } });
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toMatch(/signature/);
    const forbidden = await h.app.inject({ url: '/v1/dead-letters', headers: h.auth('utility') });
    expect(forbidden.json().detail).toMatch(/role 'utility' may not GET \/v1\/dead-letters; allowed roles: operator/);
  });

  it('takes the key in X-API-Key too, and revoking a key revokes its tokens', async () => {
    expect(
      (await h.app.inject({ url: '/v1/operators', headers: { 'x-api-key': h.secrets.utility! } })).statusCode,
    ).toBe(200);
    const { record, secret } = h.app.urbanflow.keys.create(
      { tenant: 'cleanway', role: 'waste-contractor' },
      h.clock.now,
    );
    const token = (
      await h.app.inject({
        method: 'POST',
        url: '/v1/tokens',
        headers: { authorization: `Bearer ${secret}` },
        payload: {},
      })
    ).json().token as string;
    expect(
      (await h.app.inject({ url: '/v1/operators', headers: { authorization: `Bearer ${token}` } })).statusCode,
    ).toBe(200);
    const revoke = await h.app.inject({ method: 'DELETE', url: `/v1/keys/${record.id}`, headers: h.auth('operator') });
    expect(revoke.json().key.revokedAt).not.toBeNull();
    const after = await h.app.inject({ url: '/v1/operators', headers: { authorization: `Bearer ${token}` } });
    expect(after.statusCode).toBe(401);
    expect(after.json().detail).toMatch(/revoked/);
  });

  it('notices a key revoked by another process (the CLI) within a second', async () => {
    const cli = KeyStore.open(join(h.stateDir, 'keys.db'));
    const { record, secret } = cli.create({ tenant: 'grid-c', role: 'utility' }, h.clock.now);
    const call = async () =>
      (await h.app.inject({ url: '/v1/operators', headers: { authorization: `Bearer ${secret}` } })).statusCode;
    h.clock.now += 1001;
    expect(await call()).toBe(200);
    cli.revoke(record.id, h.clock.now);
    cli.close();
    h.clock.now += 1001;
    expect(await call()).toBe(401);
  });

  it("lists only the plans of the caller's tenant or depots", async () => {
    const list = async (url: string, who: Credential) =>
      ((await h.app.inject({ url, headers: h.auth(who) })).json().items as { id: string }[]).map((i) => i.id);
    expect(await list('/v1/routes/plans', 'cleanway')).toContain(ids.route);
    expect(await list('/v1/routes/plans', 'metro')).not.toContain(ids.route);
    expect(await list('/v1/dispatch/plans', 'utility')).toContain(ids.dispatch);
    const other = h.app.urbanflow.keys.create({ tenant: 'grid-b', role: 'utility' }, h.clock.now).secret;
    const res = await h.app.inject({ url: '/v1/dispatch/plans', headers: { authorization: `Bearer ${other}` } });
    expect(res.json().items).toEqual([]);
    expect(
      (await h.app.inject({ url: `/v1/dispatch/plans/${ids.dispatch}`, headers: { authorization: `Bearer ${other}` } }))
        .statusCode,
    ).toBe(404);
  });
});

describe('route declarations', () => {
  it('refuses to start with a route that does not declare its access', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uf-keys-'));
    const keys = KeyStore.open(join(dir, 'keys.db'));
    const app = Fastify();
    installAccessControl(app, { keys, now: Date.now, publicPrefixes: ['/docs'] });
    expect(() => app.get('/v1/undeclared', async () => 'open')).toThrow(/declares no access/);
    await app.close();
    keys.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
