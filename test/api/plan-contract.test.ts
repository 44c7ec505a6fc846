// Plan request contracts over HTTP: bounds and misspellings answered 4xx at the field, city DR resources named in
// dispatch requests, and every plan kind stored and served for extreme but valid inputs (only servable plans stored).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkDispatchPlan as checkDispatch } from '../../solvers/dispatch/index.js';
import { PlanStore } from '../../src/api/plans/index.js';
import { DispatchRequestSchema, MAX_KW } from '../../solvers/dispatch/index.js';
import { dispatchRequest, routeRequest, signalsRequest, startHarness, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

const START = '2026-07-01T16:00:00Z';

async function post(url: string, who: Parameters<Harness['auth']>[0], payload: unknown) {
  return h.app.inject({ method: 'POST', url, headers: h.auth(who), payload: payload as Record<string, unknown> });
}

describe('dispatch request bounds and names over HTTP', () => {
  const base = () => dispatchRequest() as Record<string, any>;

  it.each([
    ['event.intervalMinutes', (r: Record<string, any>) => (r.event.intervalMinutes = 5e-324)],
    ['event.intervalMinutes', (r: Record<string, any>) => (r.event.intervalMinutes = 1e15)],
    ['event.intervalMinutes', (r: Record<string, any>) => (r.event.intervalMinutes = 2 ** 53 + 1)],
    ['targetKW[0]', (r: Record<string, any>) => (r.targetKW[0] = 1e15)],
    ['feeders[1].forecastKW[0]', (r: Record<string, any>) => (r.feeders[1].forecastKW[0] = 1e15)],
    ['resources', (r: Record<string, any>) => (r.resources = [])],
  ])('answers 400 naming %s', async (field, spoil) => {
    const r = base();
    spoil(r);
    const res = await post('/v1/dispatch/plans?wait=30', 'utility', r);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe(`body.${field}`);
  });

  it('refuses a misspelled field with the closest known name', async () => {
    const r = base();
    r.resources[1].rampKwPerInterval = r.resources[1].rampKWPerInterval;
    delete r.resources[1].rampKWPerInterval;
    const res = await post('/v1/dispatch/plans', 'utility', r);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('body.resources[1].rampKwPerInterval');
    expect(res.json().detail).toContain('did you mean rampKWPerInterval');
  });

  it('answers 422 at the field for rules no schema states', async () => {
    const r = base();
    r.targetKW = [1, 2];
    const res = await post('/v1/dispatch/plans', 'utility', r);
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0].path).toBe('body.targetKW');
  });
});

describe('one schema for the dispatch request', () => {
  it('documents in OpenAPI the schema the solver and the CLI check against', async () => {
    const doc = (await h.app.inject({ url: '/openapi.json' })).json();
    const body = doc.paths['/v1/dispatch/plans'].post.requestBody.content['application/json'].schema;
    expect(body.properties.event.properties.intervalMinutes).toMatchObject({ minimum: 1, maximum: 1440 });
    expect(body.properties.targetKW.items.maximum).toBe(MAX_KW);
    expect(body.properties.resources.items.anyOf).toHaveLength(
      DispatchRequestSchema.properties.resources.items.anyOf.length,
    );
    expect(body.additionalProperties).toBe(false);
  });
});

describe('signal plan request bounds over HTTP', () => {
  it.each(['lengthM', 'travelTimeS'])('answers 400 naming a corridor link %s of 1e308', async (key) => {
    const req = signalsRequest() as Record<string, any>;
    req.corridors[0].links[0] = key === 'lengthM' ? { lengthM: 1e308, speedKmh: 50 } : { travelTimeS: 1e308 };
    const res = await post('/v1/signals/plans?wait=30', 'traffic', req);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe(`body.corridors[0].links[0].${key}`);
  });
});

/** Posts, then reads the plan by id (and its events): every stored plan must be served. */
async function storeAndServe(
  url: string,
  who: Parameters<Harness['auth']>[0],
  payload: unknown,
): Promise<Record<string, any>> {
  const res = await post(`${url}?wait=60`, who, payload);
  expect(res.statusCode, res.body).toBe(201);
  const location = res.headers.location as string;
  const got = await h.app.inject({ url: location, headers: h.auth(who) });
  expect(got.statusCode, got.body).toBe(200);
  expect(got.json().status).toBe('done');
  if (url.startsWith('/v1/dispatch')) {
    const events = await h.app.inject({ url: `${location}/events`, headers: h.auth(who) });
    expect(events.statusCode, events.body).toBe(200);
  }
  return got.json().plan;
}

describe('every plan kind is stored and served for extreme but valid inputs', () => {
  const industrial = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    kind: 'industrial',
    maxKW: 1e7,
    costPerKWh: 1e4,
    ...extra,
  });

  it.each([
    [
      'one-minute intervals',
      { event: { start: START, intervalMinutes: 1, count: 3 }, targetKW: [1e7, 0, 1e7], resources: [industrial('a')] },
    ],
    [
      'day-long intervals at the largest target and penalty',
      {
        event: { start: START, intervalMinutes: 1440, count: 2 },
        targetKW: [1e7, 1e7],
        shortfallPenaltyPerKWh: 1e5,
        resources: [industrial('a', { costPerCall: 1e7, minKW: 1e7 })],
      },
    ],
    [
      'the smallest penalty and zero-size resources',
      {
        event: { start: START, intervalMinutes: 15, count: 2 },
        targetKW: [1e7, 1e-9],
        shortfallPenaltyPerKWh: 0.001,
        resources: [industrial('a', { maxKW: 0 }), { id: 'b', kind: 'battery', powerKW: 0, energyKWh: 0, socKWh: 0 }],
      },
    ],
    [
      'a capped feeder at the bounds',
      {
        event: { start: START, intervalMinutes: 60, count: 2 },
        feeders: [{ id: 'F', capKW: 0, forecastKW: [1e7, 1e7], maxReductionKW: 1e7 }],
        resources: [
          industrial('a', { feeder: 'F', rampKWPerInterval: 1e7 }),
          {
            id: 'b',
            kind: 'battery',
            feeder: 'F',
            powerKW: 1e7,
            energyKWh: 1e9,
            socKWh: 1e9,
            roundTripEfficiency: 0.01,
          },
          {
            id: 'h',
            kind: 'hvac',
            feeder: 'F',
            shedKW: 1e7,
            maxDurationMinutes: 1,
            reboundFraction: 2,
            reboundMinutes: 10_080,
          },
          { id: 'e', kind: 'ev', feeder: 'F', baselineKW: 1e7, maxChargeKW: 1e7, shiftableKWh: 1e9, deadline: START },
        ],
      },
    ],
  ])('dispatch: %s', async (_name, req) => {
    const plan = await storeAndServe('/v1/dispatch/plans', 'utility', req);
    expect(checkDispatch(req, plan as never)).toEqual([]);
  });

  it('signals: the shipped corridor at its longest cycle', async () => {
    const req = signalsRequest() as Record<string, any>;
    for (const c of req.corridors ?? []) c.cycle = 180;
    await storeAndServe('/v1/signals/plans', 'traffic', req);
  });

  it('collection routes: overfull bins, one long shift, a slow truck', async () => {
    const req = routeRequest(h.city, 'depot-1') as Record<string, any>;
    for (const b of req.bins) Object.assign(b, { fill: 2, forecastFill: 10 });
    req.trucks = req.trucks.slice(0, 1).map((t: Record<string, unknown>) => ({ ...t, shiftMinutes: 1440 }));
    req.speedKmh = 1;
    await storeAndServe('/v1/routes/plans', 'cleanway', req);
  });
});

describe('the plan store', () => {
  it('records a result with a non-finite number as a failure naming it, never as a plan', () => {
    const dir = mkdtempSync(join(tmpdir(), 'uf-store-'));
    const store = PlanStore.open(join(dir, 'plans.db'));
    try {
      const r = store.create({ kind: 'dispatch', tenant: 't', keyId: 'k', scope: '', request: {} }, 0);
      expect(store.finish(r.id, { result: { cost: { total: Number.NaN } } }, 1)).toBe('failed');
      const stored = store.get(r.id)!;
      expect(stored.status).toBe('failed');
      expect(stored.resultJson).toBeNull();
      expect(stored.error?.details.field).toBe('cost.total');
      const ok = store.create({ kind: 'dispatch', tenant: 't', keyId: 'k', scope: '', request: {} }, 0);
      expect(store.finish(ok.id, { result: { cost: { total: 1 } } }, 1)).toBe('done');
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('dispatch requests naming the city DR resources', () => {
  const event = { start: '2026-06-03T18:00:00Z', intervalMinutes: 30, count: 4 };

  it('resolves { feeder } and { ref } against the live city model and records what it took', async () => {
    const f = h.city.feeders[0];
    const other = h.city.feeders[1].resources.find((r) => r.type !== 'ev')!;
    const req = {
      event,
      targetKW: [100, 200, 200, 100],
      feeders: [{ id: f.id, maxReductionKW: 5000 }],
      resources: [{ feeder: f.id }, { ref: other.id }],
    };
    const res = await post('/v1/dispatch/plans?wait=60', 'utility', req);
    expect(res.statusCode, res.body).toBe(201);
    const doc = res.json();
    const taken = doc.inputs.cityResources.taken as { id: string; via: string }[];
    const evs = f.resources.filter((r) => r.type === 'ev').map((r) => r.id);
    expect(taken.map((t) => t.id).sort()).toEqual(
      [...f.resources.filter((r) => r.type !== 'ev').map((r) => r.id), other.id].sort(),
    );
    expect(doc.inputs.cityResources.leftOut.map((l: { id: string }) => l.id)).toEqual(evs);
    const planned = new Map((doc.plan.resources as { id: string; feeder?: string }[]).map((r) => [r.id, r.feeder]));
    expect(planned.get(other.id)).toBeUndefined();
    for (const t of taken) if (t.id !== other.id) expect(planned.get(t.id)).toBe(f.id);
    const stored = await h.app.inject({ url: res.headers.location as string, headers: h.auth('utility') });
    expect(stored.json().inputs).toEqual(doc.inputs);
  });

  it('answers 422 naming every unknown id', async () => {
    const res = await post('/v1/dispatch/plans', 'utility', {
      event,
      targetKW: [1, 1, 1, 1],
      resources: [{ ref: 'bat-404' }, { feeder: 'fdr-404' }],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0].path).toBe('body.resources[0].ref');
    expect(res.json().detail).toContain('"bat-404"');
    expect(res.json().detail).toContain('"fdr-404"');
  });
});
