// The contract: OpenAPI document and docs, problem+json errors with field paths, MessagePack negotiation, 4xx never 5xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, encode } from '@msgpack/msgpack';
import { rng } from '../helpers/rng.js';
import { dispatchRequest, startHarness, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ limits: { ingestBodyBytes: 64 * 1024, bodyBytes: 16 * 1024, planBodyBytes: 32 * 1024 } });
});

afterAll(async () => {
  await h?.close();
});

describe('OpenAPI and docs', () => {
  it('serves an OpenAPI 3 document generated from the route schemas, and a docs page, without credentials', async () => {
    const doc = (await h.app.inject('/openapi.json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    const post = doc.paths['/v1/dispatch/plans'].post;
    expect(Object.keys(post.requestBody.content)).toEqual(
      expect.arrayContaining(['application/json', 'application/msgpack']),
    );
    expect(post.responses['202']).toBeDefined();
    expect(post.responses['422']).toBeDefined();
    expect(doc.components.securitySchemes.bearer.scheme).toBe('bearer');
    expect(doc.paths['/healthz'].get.security).toEqual([]);
    const docs = await h.app.inject('/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });
});

describe('errors', () => {
  it('names the field of a schema violation, with every problem listed', async () => {
    const bad = { ...dispatchRequest(), event: { start: 5, intervalMinutes: 15, count: 'eight' }, surprise: true };
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/dispatch/plans',
      headers: h.auth('utility'),
      payload: bad,
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const body = res.json();
    expect(body.type).toBe('urn:urbanflow:problem:validation');
    const paths = body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.event.start', 'body.event.count', 'body.surprise']));
  });

  it("answers a semantically invalid request with 422 and the solver's field path", async () => {
    const bad = { ...dispatchRequest(), targetKW: [1, 2] };
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/dispatch/plans',
      headers: h.auth('utility'),
      payload: bad,
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0].path).toBe('body.targetKW');
    expect(res.json().detail).toMatch(/one value per interval/);
  });

  it('gives 413 for oversized bodies, 415 for unknown content types, 400 for broken JSON and MessagePack', async () => {
    const headers = h.auth('operator');
    const big = await h.app.inject({
      method: 'POST',
      url: '/v1/telemetry',
      headers: { ...headers, 'content-type': 'application/msgpack' },
      payload: Buffer.alloc(70 * 1024),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().detail).toMatch(/65536 bytes/);
    const bigPlan = await h.app.inject({
      method: 'POST',
      url: '/v1/signals/plans',
      headers: { ...h.auth('traffic'), 'content-type': 'application/json' },
      payload: `{"intersections":[${'1,'.repeat(20_000)}1]}`,
    });
    expect(bigPlan.statusCode).toBe(413);
    const xml = await h.app.inject({
      method: 'POST',
      url: '/v1/dispatch/plans',
      headers: { ...h.auth('utility'), 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    expect(xml.statusCode).toBe(415);
    const json = await h.app.inject({
      method: 'POST',
      url: '/v1/dispatch/plans',
      headers: { ...h.auth('utility'), 'content-type': 'application/json' },
      payload: '{"event": ',
    });
    expect(json.statusCode).toBe(400);
    const pack = await h.app.inject({
      method: 'POST',
      url: '/v1/dispatch/plans',
      headers: { ...h.auth('utility'), 'content-type': 'application/msgpack' },
      payload: Buffer.from([0xc1]),
    });
    expect(pack.statusCode).toBe(400);
    expect(pack.json().detail).toMatch(/not valid MessagePack/);
    for (const r of [big, bigPlan, xml, json, pack])
      expect(r.headers['content-type']).toContain('application/problem+json');
  });

  it('counts refused telemetry uploads by reason on /metrics', async () => {
    const refused = async (): Promise<Record<string, number>> => {
      const text = (await h.app.inject({ url: '/metrics', headers: h.auth('operator') })).body;
      const out: Record<string, number> = {};
      for (const m of text.matchAll(/^urbanflow_http_ingest_refused_total\{reason="([^"]+)"\} (\d+)$/gm))
        out[m[1]] = Number(m[2]);
      return out;
    };
    const before = await refused();
    const post = (url: string, headers: Record<string, string>, payload: string | Buffer) =>
      h.app.inject({ method: 'POST', url, headers, payload });
    const json = { ...h.auth('operator'), 'content-type': 'application/json' };
    expect((await post('/v1/telemetry', json, '')).statusCode).toBe(400);
    expect((await post('/v1/telemetry', json, '[{"a": ')).statusCode).toBe(400);
    expect((await post('/v1/telemetry', { 'content-type': 'application/json' }, '[]')).statusCode).toBe(401);
    expect((await post('/v1/telemetry', { ...h.auth('operator'), 'content-type': 'text/csv' }, 'a,b')).statusCode).toBe(
      415,
    );
    const msgpack = { ...h.auth('operator'), 'content-type': 'application/msgpack' };
    expect((await post('/v1/telemetry', msgpack, Buffer.alloc(70 * 1024))).statusCode).toBe(413);
    // An accepted upload is not a refusal.
    expect((await post('/v1/telemetry', json, '[]')).statusCode).toBe(202);
    const after = await refused();
    const added = (reason: string): number => (after[reason] ?? 0) - (before[reason] ?? 0);
    expect(added('bad-request')).toBe(2);
    expect(added('unauthenticated')).toBe(1);
    expect(added('unsupported-media-type')).toBe(1);
    expect(added('too-large')).toBe(1);
  });

  it('never answers 5xx to random bodies, content types and query strings', async () => {
    const r = rng(42);
    const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
    const scalar = () =>
      pick<unknown>([null, true, -1, 0, 1e308, 'x', '', '2026-13-45', [], {}, Number.MAX_SAFE_INTEGER]);
    const value = (depth: number): unknown => {
      if (depth > 2 || r() < 0.4) return scalar();
      if (r() < 0.5) return Array.from({ length: Math.floor(r() * 4) }, () => value(depth + 1));
      const keys = [
        'id',
        'event',
        'start',
        'resources',
        'kind',
        'intersections',
        'depot',
        'bins',
        'trucks',
        'sensor',
        'ts',
        'value',
        'metric',
        'sensors',
        'location',
      ];
      return Object.fromEntries(Array.from({ length: Math.floor(r() * 5) }, () => [pick(keys), value(depth + 1)]));
    };
    const targets: [string, string, 'utility' | 'traffic' | 'operator' | 'cleanway'][] = [
      ['POST', '/v1/dispatch/plans', 'utility'],
      ['POST', '/v1/signals/plans', 'traffic'],
      ['POST', '/v1/routes/plans', 'cleanway'],
      ['POST', '/v1/telemetry', 'operator'],
      ['PUT', '/v1/city/intersections/int-001', 'operator'],
      ['PUT', '/v1/city/feeders/fdr-001/resources/x', 'operator'],
      ['POST', '/v1/keys', 'operator'],
      ['POST', '/v1/tokens', 'utility'],
      ['GET', '/v1/windows/feeder-kw-1h?key=%ZZ&from=&to=abc', 'utility'],
      ['GET', '/v1/windows/feeder-kw-1h/current?limit=-4', 'utility'],
      ['GET', '/v1/dispatch/plans?limit=abc&before=zzz', 'utility'],
      ['GET', '/v1/routes/plans/rte_000000000000000000000000?format=pdf', 'cleanway'],
    ];
    const failures: string[] = [];
    for (let i = 0; i < 400; i++) {
      const [method, url, who] = pick(targets);
      const body = value(0);
      const kind = r();
      const headers: Record<string, string> = { ...h.auth(who) };
      let payload: string | Buffer | undefined;
      if (method !== 'GET') {
        if (kind < 0.4) {
          headers['content-type'] = 'application/json';
          payload = r() < 0.2 ? JSON.stringify(body).slice(0, -1) : JSON.stringify(body);
        } else if (kind < 0.8) {
          headers['content-type'] = pick(['application/msgpack', 'application/x-msgpack']);
          const bytes = Buffer.from(encode(body));
          if (r() < 0.3) bytes[Math.floor(r() * bytes.length)] = Math.floor(r() * 256);
          payload = r() < 0.1 ? Buffer.from(Array.from({ length: 20 }, () => Math.floor(r() * 256))) : bytes;
        } else {
          headers['content-type'] = pick([
            'text/plain',
            'application/x-www-form-urlencoded',
            'application/json; charset=latin1',
            '',
          ]);
          payload = String(body);
        }
      }
      const res = await h.app.inject({ method: method as 'POST', url, headers, payload });
      if (res.statusCode >= 500)
        failures.push(
          `${method} ${url} ${headers['content-type']} ${String(payload).slice(0, 80)} -> ${res.statusCode} ${res.body.slice(0, 200)}`,
        );
      if (res.statusCode >= 400) expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect(failures).toEqual([]);
  });
});

describe('content negotiation', () => {
  it('answers in MessagePack when the client asks, JSON otherwise, and takes MessagePack bodies', async () => {
    const json = await h.app.inject({ url: '/v1/operators', headers: h.auth('utility') });
    expect(json.headers['content-type']).toContain('application/json');
    for (const accept of [
      'application/msgpack',
      'application/x-msgpack',
      'application/json;q=0.5, application/msgpack',
    ]) {
      const res = await h.app.inject({ url: '/v1/operators', headers: { ...h.auth('utility'), accept } });
      expect(res.headers['content-type']).toBe('application/msgpack');
      expect(decode(res.rawPayload)).toEqual(json.json());
    }
    const preferJson = await h.app.inject({
      url: '/v1/operators',
      headers: { ...h.auth('utility'), accept: 'application/json, application/msgpack;q=0.1' },
    });
    expect(preferJson.headers['content-type']).toContain('application/json');
    const packed = await h.app.inject({
      method: 'POST',
      url: '/v1/dispatch/plans?wait=60',
      headers: { ...h.auth('utility'), 'content-type': 'application/msgpack', accept: 'application/msgpack' },
      payload: Buffer.from(encode(dispatchRequest())),
    });
    expect(packed.statusCode).toBe(201);
    const plan = decode(packed.rawPayload) as { status: string; plan: { events: unknown[] } };
    expect(plan.status).toBe('done');
    expect(plan.plan.events.length).toBeGreaterThan(0);
    const again = await h.app.inject({
      url: packed.headers.location as string,
      headers: { ...h.auth('utility'), accept: 'application/msgpack' },
    });
    expect(decode(again.rawPayload)).toEqual(plan);
    const errorStaysJson = await h.app.inject({ url: '/v1/nothing', headers: { accept: 'application/msgpack' } });
    expect(errorStaysJson.headers['content-type']).toContain('application/problem+json');
  });

  it('checks success answers against their schema before sending them', async () => {
    const pipeline = h.app.urbanflow.pipeline;
    const stats = pipeline.engine.stats.bind(pipeline.engine);
    // A stats object missing a declared field is a server bug: it must not go out as if it met the contract.
    pipeline.engine.stats = () => ({ ...stats(), readings: 'many' as unknown as number });
    try {
      const res = await h.app.inject({ url: '/v1/stats', headers: h.auth('operator') });
      expect(res.statusCode).toBe(500);
      expect(res.json().detail).toMatch(/did not match the API contract/);
    } finally {
      pipeline.engine.stats = stats;
    }
    expect((await h.app.inject({ url: '/v1/stats', headers: h.auth('operator') })).statusCode).toBe(200);
  });
});

describe('operations', () => {
  it('reports readiness checks and Prometheus metrics', async () => {
    const ready = await h.app.inject('/readyz');
    expect(ready.json().checks).toEqual({
      source: true,
      pipeline: true,
      solverWorkers: true,
      stores: true,
      accepting: true,
    });
    await h.app.inject({ url: '/v1/operators', headers: h.auth('utility') });
    const text = (await h.app.inject({ url: '/metrics', headers: h.auth('operator') })).body;
    for (const name of [
      'urbanflow_ingest_readings_total',
      'urbanflow_dead_letters_total',
      'urbanflow_window_emit_delay_seconds',
      'urbanflow_consumer_lag',
      'urbanflow_solver_duration_seconds_bucket',
      'urbanflow_http_request_duration_seconds_bucket',
      'urbanflow_nodejs_eventloop_lag_seconds',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toMatch(
      /urbanflow_http_request_duration_seconds_count\{method="GET",route="\/v1\/operators",status="200"\} [1-9]/,
    );
    expect(text).toMatch(/urbanflow_solver_duration_seconds_count\{kind="dispatch",outcome="done"\} [1-9]/);
    h.app.urbanflow.metrics.addLagProvider(() => [{ topic: 'telemetry', partition: 3, lag: 42 }]);
    const lag = (await h.app.inject({ url: '/metrics', headers: h.auth('operator') })).body;
    expect(lag).toContain('urbanflow_consumer_lag{topic="telemetry",partition="3"} 42');
  });

  it('echoes a request id and rate-limits per key with Retry-After', async () => {
    const res = await h.app.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers['x-request-id']).toBe('abc-123');
    const limited = await startHarness({ limits: { ratePerMinute: { utility: 3 } } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++)
        codes.push((await limited.app.inject({ url: '/v1/operators', headers: limited.auth('utility') })).statusCode);
      expect(codes).toEqual([200, 200, 200, 429, 429]);
      const res429 = await limited.app.inject({ url: '/v1/operators', headers: limited.auth('utility') });
      expect(res429.headers['retry-after']).toMatch(/^\d+$/);
      expect(res429.headers['content-type']).toContain('application/problem+json');
      // The budget is per key: another key is not held back.
      expect((await limited.app.inject({ url: '/v1/operators', headers: limited.auth('traffic') })).statusCode).toBe(
        200,
      );
    } finally {
      await limited.close();
    }
  });
});
