// The API over a real pipeline fed by the simulator: health, window aggregates, dead letters, errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { generateCity } from '../../src/city/index.js';
import { createSimulator } from '../../src/sim/index.js';
import { createPipeline, type Pipeline } from '../../src/app/pipeline.js';
import type { StreamEngine } from '../../src/stream/index.js';
import { DEFAULT_OPERATORS } from '../../src/app/operators.js';
import { buildServer } from '../../src/api/server.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from '@msgpack/msgpack';

const START = Date.UTC(2026, 5, 3, 5);
let pipeline: Pipeline<StreamEngine>;
let app: FastifyInstance;
let stateDir: string;
let auth: { authorization: string };

beforeAll(async () => {
  const city = generateCity({
    seed: 3,
    intersections: 4,
    feeders: 2,
    resourcesPerFeeder: 2,
    bins: 20,
    depots: 1,
    trucksPerDepot: 1,
    weatherStations: 1,
  });
  let now = START;
  pipeline = createPipeline({
    city,
    operators: DEFAULT_OPERATORS,
    watermark: { outOfOrdernessMs: 30_000, idleTimeoutMs: 300_000 },
    workers: 0,
    clock: () => now,
  });
  const sim = createSimulator(city, { seed: 3, startMs: START });
  for (let t = START; t < START + 2 * 3_600_000; t += 60_000) {
    now = t + 60_000;
    await pipeline.engine.ingestReadings(sim.step(t, t + 60_000), 'simulator');
  }
  await pipeline.engine.ingestMessage(
    encode({ sensor: 'nobody', metric: 'detector.count', ts: now, value: 1 }),
    'http',
  );
  await pipeline.engine.ingestMessage(Uint8Array.of(0xc1, 0x00), 'http');
  await pipeline.engine.flush();
  stateDir = mkdtempSync(join(tmpdir(), 'uf-server-'));
  const server = await buildServer({ pipeline, source: 'simulator', stateDir });
  auth = {
    authorization: `Bearer ${server.urbanflow.keys.create({ tenant: 'ops', role: 'operator' }, Date.now()).secret}`,
  };
  app = server;
});

afterAll(async () => {
  await app?.close();
  await pipeline?.engine.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('API skeleton', () => {
  it('answers health and readiness', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ ready: true, source: 'simulator' });
  });

  it('lists operators and serves the current window per key', async () => {
    const ops = (await app.inject({ url: '/v1/operators', headers: auth }))
      .json()
      .operators.map((o: { name: string }) => o.name);
    expect(ops).toContain('feeder-kw-1h');
    const res = await app.inject({ url: '/v1/windows/feeder-kw-1h/current', headers: auth });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total).toBe(2);
    for (const r of body.results) {
      expect(r.end - r.start).toBe(3_600_000);
      expect(r.values.mean).toBeGreaterThan(0);
      expect(r.values.max).toBeGreaterThanOrEqual(r.values.mean);
    }
  });

  it("serves a key's windows over a time range, ISO or epoch ms", async () => {
    const key = (await app.inject({ url: '/v1/windows/detector-count-5m/current', headers: auth })).json().results[0]
      .key;
    const all = (await app.inject({ url: `/v1/windows/detector-count-5m?key=${key}`, headers: auth })).json().results;
    expect(all.length).toBeGreaterThan(10);
    const from = new Date(START + 3_600_000).toISOString();
    const later = (
      await app.inject({
        url: `/v1/windows/detector-count-5m?key=${key}&from=${from}&to=${START + 5_400_000}`,
        headers: auth,
      })
    ).json().results;
    expect(later.length).toBe(6);
    for (const r of later) expect(r.end).toBeGreaterThan(START + 3_600_000);
  });

  it('reports dead letters by reason with samples', async () => {
    const body = (await app.inject({ url: '/v1/dead-letters', headers: auth })).json();
    expect(body.byReason['unknown-sensor'].count).toBe(1);
    expect(body.byReason['unknown-sensor'].samples[0].detail).toContain("'nobody'");
    expect(body.byReason.malformed.count).toBe(1);
  });

  it('gives problem+json errors that say what to fix', async () => {
    const unknown = await app.inject({ url: '/v1/windows/nope/current', headers: auth });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect(unknown.json().detail).toContain("unknown operator 'nope'");
    const badTime = await app.inject({ url: '/v1/windows/detector-count-5m?key=x&from=yesterday', headers: auth });
    expect(badTime.statusCode).toBe(400);
    expect(badTime.json().detail).toContain('querystring.from');
    const noKey = await app.inject({ url: '/v1/windows/detector-count-5m', headers: auth });
    expect(noKey.statusCode).toBe(400);
    expect(noKey.json().detail).toMatch(/key/);
    expect((await app.inject({ url: '/v1/nothing', headers: auth })).statusCode).toBe(404);
  });
});
