// City management over HTTP: validated with field paths, persisted, live when sensors are unchanged, staged otherwise.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { loadManagedCity, managedCityFile } from '../../src/api/index.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

const put = (url: string, payload: unknown) =>
  h.app.inject({ method: 'PUT', url, headers: h.auth('operator'), payload: payload as object });

describe('city management', () => {
  it('applies a change that keeps the sensors to the running pipeline and saves it', async () => {
    const x = structuredClone(h.city.intersections[0]);
    x.cycleMaxS = 150;
    const res = await put(`/v1/city/intersections/${x.id}`, x);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ applied: true, revision: 1 });
    expect(h.pipeline.city.intersections[0].cycleMaxS).toBe(150);
    const saved = loadManagedCity(h.stateDir, h.city.id)!;
    expect(saved.intersections[0].cycleMaxS).toBe(150);
    const read = await h.app.inject({ url: `/v1/city/intersections/${x.id}`, headers: h.auth('traffic') });
    expect(read.json().cycleMaxS).toBe(150);
  });

  it('stages a change that adds sensors until the next start', async () => {
    const bin = { ...structuredClone(h.city.waste.bins[0]), id: 'bin-new', sensor: 'bin-new-fill' };
    const res = await put('/v1/city/bins/bin-new', bin);
    expect(res.statusCode).toBe(202);
    expect(res.json().applied).toBe(false);
    expect(res.json().detail).toMatch(/next restart/);
    expect(h.pipeline.city.waste.bins.some((b) => b.id === 'bin-new')).toBe(false);
    const city = (await h.app.inject({ url: '/v1/city', headers: h.auth('operator') })).json();
    expect(city.live).toBe(false);
    expect(city.city.waste.bins.some((b: { id: string }) => b.id === 'bin-new')).toBe(true);
    expect(
      JSON.parse(readFileSync(managedCityFile(h.stateDir, h.city.id), 'utf8')).waste.bins.some(
        (b: { id: string }) => b.id === 'bin-new',
      ),
    ).toBe(true);
    // Taking the sensor back out makes the model match the pipeline again.
    const del = await h.app.inject({ method: 'DELETE', url: '/v1/city/bins/bin-new', headers: h.auth('operator') });
    expect(del.statusCode).toBe(200);
    expect((await h.app.inject({ url: '/v1/city', headers: h.auth('operator') })).json().live).toBe(true);
  });

  it('refuses changes that break the schema or references, naming the field, and keeps the model as it was', async () => {
    const before = (await h.app.inject({ url: '/v1/city', headers: h.auth('operator') })).json();
    const badSchema = { ...structuredClone(h.city.waste.bins[0]), threshold: 3, colour: 'green' };
    const res1 = await put(`/v1/city/bins/${badSchema.id}`, badSchema);
    expect(res1.statusCode).toBe(400);
    expect(res1.json().errors.map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining(['body.threshold', 'body.colour']),
    );
    const badRef = { ...structuredClone(h.city.waste.bins[0]), depot: 'depot-77' };
    const res2 = await put(`/v1/city/bins/${badRef.id}`, badRef);
    expect(res2.statusCode).toBe(422);
    expect(res2.json().errors[0]).toEqual({ path: 'city.waste.bins[0].depot', message: 'unknown depot "depot-77"' });
    const dupSensor = { ...structuredClone(h.city.waste.bins[0]), id: 'bin-dup' };
    expect((await put('/v1/city/bins/bin-dup', dupSensor)).json().detail).toMatch(/duplicate sensor id/);
    const inUse = await h.app.inject({ method: 'DELETE', url: '/v1/city/depots/depot-1', headers: h.auth('operator') });
    expect(inUse.statusCode).toBe(422);
    const mismatch = await put('/v1/city/bins/other-id', h.city.waste.bins[0]);
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.json().errors[0].path).toBe('body.id');
    const after = (await h.app.inject({ url: '/v1/city', headers: h.auth('operator') })).json();
    expect(after).toEqual(before);
  });

  it('upserts DR resources on a feeder and reads feeders back for utilities', async () => {
    const r = { ...structuredClone(h.city.feeders[0].resources[0]) };
    (r as { costPerKWh: number }).costPerKWh = 0.5;
    const res = await put(`/v1/city/feeders/${h.city.feeders[0].id}/resources/${r.id}`, r);
    expect(res.statusCode).toBe(200);
    const feeder = (
      await h.app.inject({ url: `/v1/city/feeders/${h.city.feeders[0].id}`, headers: h.auth('utility') })
    ).json();
    expect(feeder.resources[0].costPerKWh).toBe(0.5);
    expect((await put(`/v1/city/feeders/nope/resources/${r.id}`, r)).statusCode).toBe(404);
  });

  it('shows each contractor only its own depots and bins', async () => {
    const bins = async (who: 'cleanway' | 'metro') =>
      ((await h.app.inject({ url: '/v1/city/bins', headers: h.auth(who) })).json().items as { depot: string }[]).map(
        (b) => b.depot,
      );
    expect(new Set(await bins('cleanway'))).toEqual(new Set(['depot-1']));
    expect(new Set(await bins('metro'))).toEqual(new Set(['depot-2']));
    const depots = (await h.app.inject({ url: '/v1/city/depots', headers: h.auth('metro') }))
      .json()
      .items.map((d: { id: string }) => d.id);
    expect(depots).toEqual(['depot-2']);
    expect(existsSync(managedCityFile(h.stateDir, h.city.id))).toBe(true);
  });
});
