// The OpenAPI document is valid OpenAPI 3.1 and agrees with the server: errors, defaults, formats, methods, bounds.
import { connect } from 'node:net';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeRequest, signalsRequest, startHarness, type Harness } from './harness.js';

let h: Harness;
let doc: Record<string, any>;

beforeAll(async () => {
  h = await startHarness();
  doc = (await h.app.inject('/openapi.json')).json();
});

afterAll(async () => {
  await h?.close();
});

type Op = {
  parameters?: { name: string; in: string; required?: boolean; schema: Record<string, unknown> }[];
  requestBody?: any;
  responses: Record<string, any>;
};
const operations = (): [string, string, Op][] =>
  Object.entries(doc.paths as Record<string, Record<string, Op>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => [path, method, op] as [string, string, Op]),
  );

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 for a real validator', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const v = new Validator();
    const result = await v.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(v.version).toBe('3.1');
  });

  it('documents every error as application/problem+json, with 400 wherever there are inputs', () => {
    for (const [path, method, op] of operations()) {
      for (const [status, response] of Object.entries(op.responses)) {
        // (A 503 of /readyz is its own report, not a problem document.)
        const problems = Object.entries(response.content ?? {}).filter(
          ([, m]) => (m as { schema: { $ref?: string } }).schema.$ref === '#/components/schemas/Problem',
        );
        for (const [media] of problems) expect(media, `${method} ${path} ${status}`).toBe('application/problem+json');
        if (Number(status) >= 400 && path !== '/readyz') expect(problems.length, `${method} ${path} ${status}`).toBe(1);
      }
      if (op.parameters?.length || op.requestBody) expect(op.responses['400'], `${method} ${path}`).toBeDefined();
    }
  });

  it('does not require parameters or fields the server defaults, and enumerates formats', () => {
    const param = (path: string, method: string, name: string) =>
      (doc.paths[path][method] as Op).parameters!.find((p) => p.name === name)!;
    expect(param('/v1/dispatch/plans', 'get', 'limit').required).toBe(false);
    expect(param('/v1/dispatch/plans', 'post', 'wait').required).toBe(false);
    // The same bound as the server's limit (README: up to 60 s).
    expect(param('/v1/dispatch/plans', 'post', 'wait').schema.maximum).toBe(
      h.app.urbanflow.limits.planWaitMaxMs / 1000,
    );
    const tokens = doc.paths['/v1/tokens'].post;
    expect(tokens.requestBody.required).toBe(false);
    expect(tokens.requestBody.content['application/json'].schema.required).toBeUndefined();
    const format = param('/v1/routes/plans/{id}', 'get', 'format').schema as { anyOf: { enum: string[] }[] };
    expect(format.anyOf.flatMap((s) => s.enum)).toEqual(['json', 'geojson', 'gpx']);
  });

  it('links a submitted plan to reading it', () => {
    const links = doc.paths['/v1/routes/plans'].post.responses['202'].links;
    expect(links.getRoutePlan).toEqual(
      expect.objectContaining({ operationId: 'getRoutePlan', parameters: { id: '$response.body#/id' } }),
    );
    expect(doc.paths['/v1/routes/plans/{id}'].get.operationId).toBe('getRoutePlan');
  });
});

describe('the server agrees with it', () => {
  it('takes a token request without a body, and refuses a JSON null one', async () => {
    const empty = await h.app.inject({ method: 'POST', url: '/v1/tokens', headers: h.auth('utility') });
    expect(empty.statusCode).toBe(201);
    const nul = await h.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: { ...h.auth('utility'), 'content-type': 'application/json' },
      payload: 'null',
    });
    expect(nul.statusCode).toBe(400);
  });

  it('reads query numbers only from numerals', async () => {
    for (const q of ['limit=true', 'limit=', 'limit=1x', 'limit=0x10']) {
      const res = await h.app.inject({ url: `/v1/dispatch/plans?${q}`, headers: h.auth('utility') });
      expect(res.statusCode, q).toBe(400);
      expect(res.json().errors[0].path).toBe('querystring.limit');
    }
    expect((await h.app.inject({ url: '/v1/dispatch/plans?limit=5', headers: h.auth('utility') })).statusCode).toBe(
      200,
    );
  });

  it('refuses dates that match the pattern but do not exist with 400 naming the field', async () => {
    const req = { ...routeRequest(h.city, 'depot-1'), date: '2026-02-30' };
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/routes/plans',
      headers: h.auth('cleanway'),
      payload: req,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain('body.date');
    const key = await h.app.inject({
      method: 'POST',
      url: '/v1/keys',
      headers: h.auth('operator'),
      payload: { tenant: 't', role: 'utility', expiresAt: '2027-02-29T00:00:00Z' },
    });
    expect(key.statusCode).toBe(400);
    expect(key.json().errors[0].path).toBe('body.expiresAt');
  });

  it('answers 405 with Allow for a method the path lacks, and 204 with Allow to OPTIONS', async () => {
    // light-my-request 6.6 (pinned for Node 20) leaves TRACE out of its method type; the server takes it all the same.
    const TRACE = 'TRACE' as 'GET';
    const trace = await h.app.inject({ method: TRACE, url: '/v1/keys', headers: h.auth('operator') });
    expect(trace.statusCode).toBe(405);
    expect(trace.headers.allow).toBe('GET, HEAD, OPTIONS, POST');
    expect(trace.headers['content-type']).toContain('application/problem+json');
    const put = await h.app.inject({
      method: 'PUT',
      url: '/v1/dispatch/plans/abc',
      headers: { ...h.auth('utility'), 'content-type': 'text/plain' },
      payload: 'x',
    });
    expect(put.statusCode).toBe(405);
    const options = await h.app.inject({ method: 'OPTIONS', url: '/v1/city/bins/bin-1' });
    expect(options.statusCode).toBe(204);
    expect(options.headers.allow).toBe('DELETE, GET, HEAD, OPTIONS, PUT');
    expect((await h.app.inject({ method: TRACE, url: '/v1/nothing' })).statusCode).toBe(404);
  });

  it('answers 405 with Allow to a method the HTTP parser does not know', async () => {
    const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
    const port = Number(new URL(address).port);
    const raw = await new Promise<string>((resolve, reject) => {
      let out = '';
      const s = connect(port, '127.0.0.1', () => s.write('FROB /healthz HTTP/1.1\r\nHost: x\r\n\r\n'));
      s.on('data', (d) => (out += d.toString()));
      s.on('close', () => resolve(out));
      s.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 405 /);
    expect(raw).toMatch(/\r\nAllow: GET, HEAD, OPTIONS\r\n/);
    expect(raw).toMatch(/"type":"urn:urbanflow:problem:method-not-allowed"/);
  });
});

describe('hostile input is a 4xx naming the problem', () => {
  const nested = (levels: number, inner: unknown = 1): unknown => {
    let v = inner;
    for (let i = 0; i < levels; i++) v = [v];
    return v;
  };

  it('refuses bodies nested deeper than 64 levels, also inside a reading, without overflowing the stack', async () => {
    const headers = { ...h.auth('operator'), 'content-type': 'application/json' };
    const cases: [string, string][] = [
      ['['.repeat(101) + ']'.repeat(101), 'body'],
      ['['.repeat(200_000) + ']'.repeat(200_000), 'body'],
      [JSON.stringify([{ sensor: 's', metric: 'm', ts: 1, value: nested(100) }]), 'body[0].value'],
    ];
    for (const [payload, prefix] of cases) {
      const res = await h.app.inject({ method: 'POST', url: '/v1/telemetry', headers, payload });
      expect(res.statusCode, payload.slice(0, 60)).toBe(400);
      expect(res.json().errors[0].path.startsWith(prefix)).toBe(true);
      expect(res.json().detail).toMatch(/nested more than 64 levels/);
    }
    const plan = await h.app.inject({
      method: 'POST',
      url: '/v1/signals/plans',
      headers: { ...h.auth('traffic'), 'content-type': 'application/json' },
      payload: `{"intersections":${'['.repeat(5000)}${']'.repeat(5000)}}`,
    });
    expect(plan.statusCode).toBe(400);
    // 64 levels are fine: the readings are taken (or dead-lettered), not refused.
    const ok = await h.app.inject({
      method: 'POST',
      url: '/v1/telemetry',
      headers,
      payload: JSON.stringify(nested(63, { sensor: 's', metric: 'm', ts: 1, value: 1 })),
    });
    expect(ok.statusCode).toBe(202);
  });

  it('refuses physically impossible corridor links and route quantities with 400 naming the field', async () => {
    const base = signalsRequest() as { corridors: { links: Record<string, number>[] }[] };
    for (const [field, value] of [
      ['lengthM', 1e308],
      ['travelTimeS', 1e308],
      ['speedKmh', 1e308],
    ] as const) {
      const req = structuredClone(base);
      req.corridors[0].links[0] = { ...req.corridors[0].links[0], [field]: value };
      const res = await h.app.inject({
        method: 'POST',
        url: '/v1/signals/plans?wait=30',
        headers: h.auth('traffic'),
        payload: req,
      });
      expect(res.statusCode, field).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(`body.corridors[0].links[0].${field}`);
    }
    const route = routeRequest(h.city, 'depot-1') as { bins: Record<string, unknown>[] };
    route.bins[0].volumeL = 1e308;
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/routes/plans',
      headers: h.auth('cleanway'),
      payload: route,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain('body.bins[0].volumeL');
  });
});
