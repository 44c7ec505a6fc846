// HTTP ingest: the same window results as direct ingestion, dead letters with reasons, bounded queueing with 503.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encode } from '@msgpack/msgpack';
import { createSimulator } from '../../src/sim/index.js';
import { encodeBatch } from '../../src/telemetry/codec.js';
import type { Reading } from '../../src/telemetry/reading.js';
import type { Pipeline } from '../../src/app/pipeline.js';
import { IngestQueue } from '../../src/api/ingest-queue.js';
import { HttpProblem } from '../../src/api/problem.js';
import { startHarness, T0, testPipeline, type Harness } from './harness.js';

let h: Harness;
let direct: Pipeline;
const steps: Reading[][] = [];

function allResults(p: Pipeline): unknown[] {
  const out: unknown[] = [];
  for (const op of p.operators)
    for (const key of p.results.keys(op.name).sort()) out.push(...p.results.range(op.name, key));
  return out;
}

beforeAll(async () => {
  h = await startHarness();
  direct = testPipeline(h.city, () => h.clock.now);
  const sim = createSimulator(h.city, { seed: 9, startMs: T0 });
  for (let t = T0; t < T0 + 2 * 3_600_000; t += 5 * 60_000) {
    const readings = sim.step(t, t + 5 * 60_000);
    // Bad readings ride along: they must be dead-lettered the same way on both paths.
    readings.push(
      { sensor: 'no-such-sensor', metric: 'detector.count', ts: t, value: 1 },
      { sensor: h.city.weatherStations[0].sensor, metric: 'weather.temp_c', ts: t, value: 500 },
    );
    steps.push(readings);
  }
});

afterAll(async () => {
  await direct?.engine.close();
  await h?.close();
});

describe('HTTP ingest', () => {
  it('produces the same window results and dead letters as ingesting the same readings directly', async () => {
    const keyId = h.secrets.operator!.split('_')[1];
    let accepted = 0;
    let dead = 0;
    for (const [i, readings] of steps.entries()) {
      h.clock.now = readings.reduce((m, r) => Math.max(m, r.ts), 0) + 1000;
      await direct.engine.ingestMessage(encodeBatch(readings), `http:${keyId}`);
      // Alternate the wire forms: columnar MessagePack, and JSON arrays.
      const msgpack = i % 2 === 0;
      const res = await h.app.inject({
        method: 'POST',
        url: '/v1/telemetry',
        headers: { ...h.auth('operator'), 'content-type': msgpack ? 'application/msgpack' : 'application/json' },
        payload: msgpack ? Buffer.from(encodeBatch(readings)) : JSON.stringify(readings),
      });
      expect(res.statusCode, res.body).toBe(202);
      const body = res.json();
      expect(body.readings, JSON.stringify(body) + i).toBe(readings.length);
      // The simulator sends some bad readings of its own; ours are among the dead letters.
      expect(body.deadLettersByReason['unknown-sensor'], JSON.stringify(body) + i).toBeGreaterThanOrEqual(1);
      expect(body.deadLettersByReason['out-of-range']).toBeGreaterThanOrEqual(1);
      expect(body.deadLettered).toBe(
        Object.values(body.deadLettersByReason as Record<string, number>).reduce((a, b) => a + b, 0),
      );
      accepted += body.accepted;
      dead += body.deadLettered;
    }
    await direct.engine.finish();
    await h.pipeline.engine.finish();
    const viaHttp = allResults(h.pipeline);
    expect(viaHttp.length).toBeGreaterThan(100);
    expect(viaHttp).toEqual(allResults(direct));
    expect(Object.fromEntries(h.pipeline.deadLetters.counts)).toEqual(Object.fromEntries(direct.deadLetters.counts));
    expect(accepted + dead).toBe(steps.reduce((n, s) => n + s.length, 0));
    const metrics = (await h.app.inject({ url: '/metrics', headers: h.auth('operator') })).body;
    expect(metrics).toContain(`urbanflow_http_ingest_readings_total{outcome="accepted"} ${accepted}`);
  });

  it('dead-letters single readings of the wrong type and undecodable messages, without failing the request', async () => {
    // A fresh server: the one above has closed every window.
    const h = await startHarness();
    const headers = { ...h.auth('operator'), 'content-type': 'application/json' };
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/telemetry',
      headers,
      payload: [{ sensor: 'x', metric: 'detector.count', ts: 'yesterday', value: 1 }, 7, { sensor: 's' }],
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ readings: 3, accepted: 0, deadLettered: 3 });
    const junk = await h.app.inject({
      method: 'POST',
      url: '/v1/telemetry',
      headers: { ...headers, 'content-type': 'application/msgpack' },
      payload: Buffer.from([0x92, 0xc1, 0x01]),
    });
    expect(junk.statusCode).toBe(202);
    expect(junk.json()).toMatchObject({ accepted: 0, deadLettered: 1, deadLettersByReason: { malformed: 1 } });
    const single = await h.app.inject({
      method: 'POST',
      url: '/v1/telemetry',
      headers: { ...headers, 'content-type': 'application/x-msgpack' },
      payload: Buffer.from(
        encode({
          sensor: h.city.weatherStations[0].sensor,
          metric: 'weather.temp_c',
          ts: h.clock.now - 1000,
          value: 20,
        }),
      ),
    });
    expect(single.json()).toMatchObject({ readings: 1, accepted: 1, deadLettered: 0 });
    await h.close();
  });

  it('refuses empty and broken JSON whole, and large nested objects unparsed', async () => {
    const h = await startHarness();
    try {
      const headers = { ...h.auth('operator'), 'content-type': 'application/json' };
      const good = {
        sensor: h.city.weatherStations[0].sensor,
        metric: 'weather.temp_c',
        ts: h.clock.now - 1000,
        value: 20,
      };
      const readings0 = h.pipeline.engine.stats().readings;
      for (const payload of [
        '',
        `[${JSON.stringify(good)}, {"sensor": `,
        `[${JSON.stringify(good)},]`,
        `${'['.repeat(100)}${']'.repeat(100)}`,
      ]) {
        const res = await h.app.inject({ method: 'POST', url: '/v1/telemetry', headers, payload });
        expect(res.statusCode, payload.slice(0, 40)).toBe(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
      }
      // Nothing of a refused body was taken, not even its good first reading.
      expect(h.pipeline.engine.stats().readings).toBe(readings0);
      const nested = await h.app.inject({
        method: 'POST',
        url: '/v1/telemetry',
        headers,
        payload: `{"sensors": [${Array(40_000).fill('{}').join(',')}]}`,
      });
      expect(nested.statusCode).toBe(202);
      expect(nested.json()).toMatchObject({ readings: 1, accepted: 0, deadLettersByReason: { malformed: 1 } });
    } finally {
      await h.close();
    }
  });

  it('refuses telemetry with 503 and Retry-After while shutting down', async () => {
    h.app.urbanflow.draining = true;
    try {
      const res = await h.app.inject({
        method: 'POST',
        url: '/v1/telemetry',
        headers: { ...h.auth('operator'), 'content-type': 'application/json' },
        payload: [],
      });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect((await h.app.inject('/readyz')).statusCode).toBe(503);
    } finally {
      h.app.urbanflow.draining = false;
    }
  });
});

describe('ingest queue', () => {
  it('runs requests one at a time in order and refuses beyond its bound instead of buffering', async () => {
    const q = new IngestQueue(2);
    const order: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = q.run(async () => {
      await gate;
      order.push(1);
    });
    const second = q.run(async () => {
      order.push(2);
    });
    expect(q.depth).toBe(2);
    let refused: unknown;
    try {
      void q.run(async () => order.push(3));
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(HttpProblem);
    expect((refused as HttpProblem).status).toBe(503);
    release();
    await Promise.all([first, second]);
    await q.drained();
    expect(order).toEqual([1, 2]);
    expect(q.depth).toBe(0);
  });
});
