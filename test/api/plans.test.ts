// Plans over HTTP: solved in worker threads, checked independently, scoped to tenants and depots, kept across restarts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDispatchPlan as checkDispatch } from '../../solvers/dispatch/index.js';
import { checkCollectionPlan as checkRoute, type CollectionRequest } from '../../solvers/routing/index.js';
import {
  checkCorridor,
  checkPlan as checkSignals,
  type CorridorInput,
  type IntersectionInput,
} from '../../solvers/signals/index.js';
import { PlanStore } from '../../src/api/plans/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  dispatchRequest,
  routeRequest,
  signalsRequest,
  startHarness,
  type Credential,
  type Harness,
} from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

async function poll(url: string, who: Credential): Promise<Record<string, any>> {
  for (;;) {
    const res = await h.app.inject({ url, headers: h.auth(who) });
    expect(res.statusCode).toBe(200);
    if (res.json().status !== 'queued') return res.json();
    expect(res.headers['retry-after']).toBe('1');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('dispatch plans', () => {
  it('accepts with 202 and Location, solves off the event loop, and serves a plan the checker accepts', async () => {
    const req = dispatchRequest();
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/dispatch/plans',
      headers: h.auth('utility'),
      payload: req,
    });
    expect(res.statusCode).toBe(202);
    expect(res.json().status).toBe('queued');
    const location = res.headers.location as string;
    expect(location).toMatch(/^\/v1\/dispatch\/plans\/dsp_[0-9a-f]{24}$/);
    const doc = await poll(location, 'utility');
    expect(doc.status).toBe('done');
    expect(doc.tenant).toBe('grid-a');
    expect(checkDispatch(req, doc.plan)).toEqual([]);
    const events = (await h.app.inject({ url: `${location}/events`, headers: h.auth('utility') })).json().events;
    expect(events).toEqual(doc.plan.events);
    expect(events[0].payloadDescriptors[0].payloadType).toBe('DISPATCH_SETPOINT');
    const etag = (await h.app.inject({ url: location, headers: h.auth('utility') })).headers.etag as string;
    expect(
      (await h.app.inject({ url: location, headers: { ...h.auth('utility'), 'if-none-match': etag } })).statusCode,
    ).toBe(304);
  });

  it('reports an infeasible target as shortfall, and a request the solver refuses as 422', async () => {
    const req = { ...dispatchRequest(), targetKW: [1e6, 1e6, 1e6, 1e6, 1e6, 1e6, 1e6, 1e6] };
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/dispatch/plans?wait=60',
      headers: h.auth('utility'),
      payload: req,
    });
    expect(res.statusCode).toBe(201);
    expect(Math.max(...(res.json().plan.shortfallKW as number[]))).toBeGreaterThan(0);
    expect(checkDispatch(req, res.json().plan)).toEqual([]);
    const unknownFeeder = dispatchRequest();
    (unknownFeeder.resources as { feeder?: string }[])[0].feeder = 'F9';
    const bad = await h.app.inject({
      method: 'POST',
      url: '/v1/dispatch/plans',
      headers: h.auth('utility'),
      payload: unknownFeeder,
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors[0].path).toBe('body.resources[0].feeder');
  });
});

describe('route plans', () => {
  it("plans a contractor's own depot, with GeoJSON and GPX forms, and hides it from other contractors", async () => {
    const req = routeRequest(h.city, 'depot-1', 3);
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/routes/plans?wait=60',
      headers: h.auth('cleanway'),
      payload: req,
    });
    expect(res.statusCode, res.body).toBe(201);
    const doc = res.json();
    expect(doc.scope).toBe('depot-1');
    const { date: _d, timeLimitSeconds: _t, seed: _s, ...collection } = req;
    expect(checkRoute(collection as unknown as CollectionRequest, doc.plan)).toEqual([]);
    expect(doc.plan.trucks.length).toBeGreaterThan(0);
    const url = res.headers.location as string;
    const geo = await h.app.inject({ url: `${url}?format=geojson`, headers: h.auth('cleanway') });
    expect(geo.headers['content-type']).toContain('application/geo+json');
    expect(
      geo.json().features.filter((f: { geometry: { type: string } }) => f.geometry.type === 'LineString').length,
    ).toBe(doc.plan.trucks.length);
    const gpx = await h.app.inject({ url, headers: { ...h.auth('cleanway'), accept: 'application/gpx+xml' } });
    expect(gpx.headers['content-type']).toContain('application/gpx+xml');
    expect(gpx.body).toContain('<trk>');
    // The city's local time with its offset (America/Chicago, CDT), the rule of the live routes: shift start 06:00 is 06:00-05:00, not 06:00Z.
    const depart = doc.plan.trucks[0].stops[0];
    expect(depart.arrival).toBe(360);
    expect(gpx.body).toContain('<time>2026-06-04T06:00:00-05:00</time>');
    expect(gpx.body).not.toMatch(/<time>[^<]*Z<\/time>/);
    const noSuchDay = await h.app.inject({
      method: 'POST',
      url: '/v1/routes/plans',
      headers: h.auth('cleanway'),
      payload: { ...req, date: '2026-02-30' },
    });
    expect(noSuchDay.statusCode).toBe(400);
    expect(noSuchDay.json().errors[0].path).toBe('body.date');
    // The other contractor: no plan, no forms, nothing in its list, and no planning for this depot.
    for (const u of [url, `${url}?format=geojson`, `${url}?format=gpx`])
      expect((await h.app.inject({ url: u, headers: h.auth('metro') })).statusCode).toBe(404);
    const list = (await h.app.inject({ url: '/v1/routes/plans', headers: h.auth('metro') })).json().items as {
      id: string;
    }[];
    expect(list.map((i) => i.id)).not.toContain(doc.id);
    const steal = await h.app.inject({
      method: 'POST',
      url: '/v1/routes/plans',
      headers: h.auth('metro'),
      payload: req,
    });
    expect(steal.statusCode).toBe(403);
    expect(steal.json().detail).toMatch(/depot 'depot-1' is not one of your depots \(depot-2\)/);
    // The formats are enumerated in the schema: another one is a 400 naming the parameter.
    const pdf = await h.app.inject({ url: `${url}?format=pdf`, headers: h.auth('cleanway') });
    expect(pdf.statusCode).toBe(400);
    expect(pdf.json().errors[0].path).toBe('querystring.format');
  });

  it('plans a fleet given by vehicle types within the depot hours, and refuses a request without any truck', async () => {
    const base = routeRequest(h.city, 'depot-1', 3) as CollectionRequest & Record<string, unknown>;
    const req = {
      ...base,
      depot: { ...base.depot, openingHours: { start: 420, end: 1080 } },
      trucks: [],
      vehicleTypes: [
        { id: 'compact', count: 2, capacityM3: 20, capacityKg: 6000, shiftMinutes: 480, fixedCost: 90, costPerKm: 1.2 },
      ],
    };
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/routes/plans?wait=60',
      headers: h.auth('cleanway'),
      payload: req,
    });
    expect(res.statusCode, res.body).toBe(201);
    const plan = res.json().plan;
    expect(checkRoute(req, plan)).toEqual([]);
    for (const t of plan.trucks) {
      expect(t.vehicleType).toBe('compact');
      expect(t.stops[0].departure).toBeGreaterThanOrEqual(420);
    }
    const none = await h.app.inject({
      method: 'POST',
      url: '/v1/routes/plans',
      headers: h.auth('cleanway'),
      payload: { ...req, vehicleTypes: [] },
    });
    expect(none.statusCode).toBe(422);
    expect(none.json().errors[0].path).toBe('body.trucks');
  });

  it('limits a key with explicit depots to them, even within its own tenant', async () => {
    const { secret } = h.app.urbanflow.keys.create(
      { tenant: 'cleanway', role: 'waste-contractor', depots: ['depot-9'] },
      h.clock.now,
    );
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/routes/plans',
      headers: { authorization: `Bearer ${secret}` },
      payload: routeRequest(h.city, 'depot-1'),
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('signal plans', () => {
  const postSignals = (payload: unknown) =>
    h.app.inject({
      method: 'POST',
      url: '/v1/signals/plans?wait=60',
      headers: h.auth('traffic'),
      payload: payload as object,
    });

  it('plans the CLI file format and every plan passes the checkers', async () => {
    const req = signalsRequest() as {
      intersections: IntersectionInput[];
      corridors: (Omit<CorridorInput, 'signals'> & {
        signals: { intersection: string; outboundLaneGroup: string; inboundLaneGroup: string }[];
      })[];
    };
    const res = await postSignals(req);
    expect(res.statusCode, res.body).toBe(201);
    const { plans, corridors } = res.json().plan;
    expect(plans.length).toBe(req.intersections.length);
    plans.forEach((p: never, i: number) => expect(checkSignals(req.intersections[i], p)).toEqual([]));
    const byId = new Map(req.intersections.map((i) => [i.id, i]));
    corridors.forEach((c: never, i: number) => {
      const input = {
        ...req.corridors[i],
        signals: req.corridors[i].signals.map((s) => ({ ...s, intersection: byId.get(s.intersection)! })),
      };
      expect(checkCorridor(input, c)).toEqual([]);
    });
  });

  it('refuses a phase with no movements with 400 naming the field', async () => {
    const req = signalsRequest() as {
      intersections: { phasing: { stages?: { laneGroups: string[] }[]; phases?: { laneGroups: string[] }[] } }[];
    };
    const phasing = req.intersections[0].phasing;
    const key = phasing.stages ? 'stages' : 'phases';
    phasing[key]![0].laneGroups = [];
    const res = await postSignals(req);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(
      `body.intersections[0].phasing.${key}[0].laneGroups`,
    );
  });

  it('refuses a misspelt lane group field with its path and the closest name', async () => {
    const req = signalsRequest() as { intersections: { laneGroups: Record<string, unknown>[] }[] };
    req.intersections[0].laneGroups[0].heavyVehiclePct = 5;
    const res = await postSignals(req);
    expect(res.statusCode).toBe(400);
    const err = (res.json().errors as { path: string; message: string }[]).find((e) =>
      e.path.endsWith('heavyVehiclePct'),
    );
    expect(err?.path).toBe('body.intersections[0].laneGroups[0].heavyVehiclePct');
    expect(err?.message).toMatch(/heavyVehiclePercent/);
  });

  it('answers 422 with the plan id when a phase serves a lane group the intersection lacks', async () => {
    const req = signalsRequest() as {
      intersections: { phasing: { stages?: { laneGroups: string[] }[]; phases?: { laneGroups: string[] }[] } }[];
    };
    const phasing = req.intersections[0].phasing;
    (phasing.stages ?? phasing.phases)![0].laneGroups = ['no-such-group'];
    const res = await postSignals(req);
    expect(res.statusCode).toBe(422);
    expect(res.json().detail).toMatch(/unknown lane group "no-such-group"/);
    expect(res.json().plan).toMatch(/^sig_/);
  });
});

describe('restarts', () => {
  it('keeps finished plans, and solves plans accepted before a stop, after the store is reopened', async () => {
    const first = await startHarness();
    const done = await first.app.inject({
      method: 'POST',
      url: '/v1/dispatch/plans?wait=60',
      headers: first.auth('utility'),
      payload: dispatchRequest(),
    });
    expect(done.statusCode).toBe(201);
    const doneDoc = done.json();
    const utilityKey = first.secrets.utility!;
    const stateDir = first.stateDir;
    await first.close({ keepState: true });
    // A plan the last process accepted but never solved (it stopped first).
    const store = PlanStore.open(join(stateDir, 'plans.db'));
    const orphan = store.create(
      { kind: 'dispatch', tenant: 'grid-a', keyId: 'k', scope: '', request: dispatchRequest() },
      Date.now(),
    );
    store.close();

    const second = await startHarness({ stateDir });
    try {
      const headers = { authorization: `Bearer ${utilityKey}` };
      const again = await second.app.inject({ url: `/v1/dispatch/plans/${doneDoc.id}`, headers });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual(doneDoc);
      let resumed: Record<string, any>;
      do {
        await new Promise((r) => setTimeout(r, 50));
        resumed = (await second.app.inject({ url: `/v1/dispatch/plans/${orphan.id}`, headers })).json();
      } while (resumed.status === 'queued');
      expect(resumed.status).toBe('done');
      expect(checkDispatch(dispatchRequest(), resumed.plan)).toEqual([]);
    } finally {
      await second.close();
    }
  });
});

describe('plan store', () => {
  it('opens a store written before plans recorded their derived inputs, and records them from then on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'uf-plans-'));
    try {
      const file = join(dir, 'plans.db');
      const old = new Database(file);
      old.exec(`CREATE TABLE plans (id TEXT PRIMARY KEY, kind TEXT NOT NULL, tenant TEXT NOT NULL, key_id TEXT NOT NULL, scope TEXT NOT NULL,
        status TEXT NOT NULL, created_at INTEGER NOT NULL, finished_at INTEGER, request TEXT NOT NULL, result TEXT, error TEXT)`);
      old
        .prepare(
          "INSERT INTO plans VALUES ('dsp_old', 'dispatch', 'grid-a', 'k', '', 'done', 1, 2, '{}', '{\"ok\":true}', NULL)",
        )
        .run();
      old.close();
      const store = PlanStore.open(file);
      expect(store.get('dsp_old')).toMatchObject({ status: 'done', inputsJson: null, resultJson: '{"ok":true}' });
      const fresh = store.create(
        { kind: 'dispatch', tenant: 'grid-a', keyId: 'k', scope: '', request: {}, inputs: { band: 'upper80' } },
        3,
      );
      expect(store.get(fresh.id)!.inputsJson).toBe('{"band":"upper80"}');
      store.close();
      const reopened = PlanStore.open(file);
      expect(reopened.get(fresh.id)!.inputsJson).toBe('{"band":"upper80"}');
      reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
