// The city routes take deprecated field spellings where they took them before, and say so in the answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

describe('deprecated city spellings over HTTP', () => {
  it('takes a DR resource with old names, stores the current ones, and lists the deprecations', async () => {
    const feeder = h.city.feeders[0];
    const hvac = feeder.resources.find((r) => r.type === 'hvac') ?? feeder.resources[0];
    const { costPerKWh, ...rest } = structuredClone(hvac) as Record<string, unknown>;
    const old = { ...rest, costPerKwh: (costPerKWh as number) + 0.01 };
    const res = await h.app.inject({
      method: 'PUT',
      url: `/v1/city/feeders/${feeder.id}/resources/${hvac.id}`,
      headers: h.auth('operator'),
      payload: old,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().deprecations).toEqual(['body.costPerKwh: "costPerKwh" is deprecated, use "costPerKWh"']);
    const stored = (await h.app.inject({ url: `/v1/city/feeders/${feeder.id}`, headers: h.auth('utility') }))
      .json()
      .resources.find((r: { id: string }) => r.id === hvac.id);
    expect(stored.costPerKWh).toBeCloseTo((costPerKWh as number) + 0.01);
    expect(stored.costPerKwh).toBeUndefined();
  });

  it('takes a feeder with an old capacity name', async () => {
    const { capacityKW, ...rest } = structuredClone(h.city.feeders[1]) as Record<string, unknown>;
    const res = await h.app.inject({
      method: 'PUT',
      url: `/v1/city/feeders/${h.city.feeders[1].id}`,
      headers: h.auth('operator'),
      payload: { ...rest, capacityKw: capacityKW },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().deprecations).toEqual(['body.capacityKw: "capacityKw" is deprecated, use "capacityKW"']);
  });

  it('answers without deprecations for current names', async () => {
    const res = await h.app.inject({
      method: 'PUT',
      url: `/v1/city/feeders/${h.city.feeders[1].id}`,
      headers: h.auth('operator'),
      payload: h.city.feeders[1],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().deprecations).toBeUndefined();
  });
});
