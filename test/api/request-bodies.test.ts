// Request bodies a sloppy client or an attacker sends: each refused with the right status and a detail that says why,
// or decoded (gzip, deflate, br) within the body limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encode } from '@msgpack/msgpack';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { startHarness, type Harness } from './harness.js';
import { MAX_PARAM_LENGTH } from '../../src/api/problem.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

const post = (url: string, headers: Record<string, string>, payload?: string | Buffer) =>
  h.app.inject({
    method: 'POST',
    url,
    headers: { ...h.auth('operator'), ...headers },
    ...(payload === undefined ? {} : { payload }),
  });

function reading(): Record<string, unknown> {
  return { sensor: h.city.weatherStations[0].sensor, metric: 'weather.temp_c', ts: h.clock.now - 60_000, value: 21 };
}

describe('request bodies', () => {
  it('answers 415 to text/plain instead of validating a string', async () => {
    const res = await post(
      '/v1/keys',
      { 'content-type': 'text/plain' },
      JSON.stringify({ tenant: 'x', role: 'utility' }),
    );
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({
      type: 'urn:urbanflow:problem:unsupported-media-type',
      detail: expect.stringMatching(/text\/plain.*application\/json or application\/msgpack/),
    });
  });

  it('decodes gzip, deflate and br bodies', async () => {
    const json = Buffer.from(JSON.stringify([reading(), reading()]));
    for (const [coding, bytes] of [
      ['gzip', gzipSync(json)],
      ['deflate', deflateSync(json)],
      ['br', brotliCompressSync(json)],
      ['GZIP, identity', gzipSync(json)],
    ] as const) {
      const res = await post(
        '/v1/telemetry',
        { 'content-type': 'application/json', 'content-encoding': coding },
        bytes,
      );
      expect(res.statusCode, `${coding}: ${res.body}`).toBe(202);
      expect(res.json()).toMatchObject({ readings: 2, accepted: 2 });
    }
    const packed = await post(
      '/v1/telemetry',
      { 'content-type': 'application/msgpack', 'content-encoding': 'gzip' },
      gzipSync(Buffer.from(encode(reading()))),
    );
    expect(packed.json()).toMatchObject({ readings: 1, accepted: 1 });
    const charset = await post(
      '/v1/keys',
      { 'content-type': 'application/json; charset=utf-8' },
      JSON.stringify({ tenant: 'plain', role: 'utility' }),
    );
    expect(charset.statusCode).toBe(201);
    const key = await post(
      '/v1/keys',
      { 'content-type': 'application/json', 'content-encoding': 'br' },
      brotliCompressSync(Buffer.from(JSON.stringify({ tenant: 'zipped', role: 'utility' }))),
    );
    expect(key.statusCode).toBe(201);
  });

  it('stops a decompression bomb at the body limit, and refuses other or broken encodings', async () => {
    // 1 MiB is the limit of ordinary requests: 64 MiB of spaces compress to about 64 KB.
    const bomb = gzipSync(
      Buffer.concat([Buffer.from('{"tenant":"x",'), Buffer.alloc(64 << 20, 0x20), Buffer.from('"role":"utility"}')]),
    );
    expect(bomb.length).toBeLessThan(1 << 20);
    const big = await post('/v1/keys', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, bomb);
    expect(big.statusCode).toBe(413);
    expect(big.json().type).toBe('urn:urbanflow:problem:payload-too-large');

    const compress = await post(
      '/v1/keys',
      { 'content-type': 'application/json', 'content-encoding': 'compress' },
      Buffer.from('x'),
    );
    expect(compress.statusCode).toBe(415);
    expect(compress.headers['accept-encoding']).toBe('gzip, deflate, br');
    expect(compress.json().detail).toMatch(/Content-Encoding 'compress' is not accepted/);
    const stacked = await post(
      '/v1/keys',
      { 'content-type': 'application/json', 'content-encoding': 'gzip, gzip' },
      gzipSync(gzipSync(Buffer.from('{}'))),
    );
    expect(stacked.statusCode).toBe(415);

    // Without a body there is nothing to decode, whatever the header says.
    expect(
      (await h.app.inject({ url: '/v1/operators', headers: { ...h.auth('operator'), 'content-encoding': 'compress' } }))
        .statusCode,
    ).toBe(200);
    const broken = await post(
      '/v1/keys',
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      Buffer.from('not gzip at all'),
    );
    expect(broken.statusCode).toBe(400);
    expect(broken.json().detail).toMatch(/not valid gzip data/);
  });

  it('says which key is refused in a body with __proto__ or constructor, and where JSON breaks', async () => {
    const proto = await post(
      '/v1/telemetry',
      { 'content-type': 'application/json' },
      `[${JSON.stringify(reading())}, {"sensor": "x", "__proto__": {"polluted": true}}]`,
    );
    expect(proto.statusCode).toBe(400);
    expect(proto.json()).toMatchObject({
      detail: expect.stringMatching(/key "__proto__" at body\[1\]\.__proto__ is refused/),
      errors: [{ path: 'body[1].__proto__' }],
    });
    const escaped = await post(
      '/v1/keys',
      { 'content-type': 'application/json' },
      '{"tenant": "x", "role": "utility", "\\u0063onstructor": {"prototype": {}}}',
    );
    expect(escaped.statusCode).toBe(400);
    expect(escaped.json().detail).toMatch(/key "constructor" at body\.constructor is refused/);
    const broken = await post('/v1/keys', { 'content-type': 'application/json' }, '{"tenant": "x",');
    expect(broken.statusCode).toBe(400);
    expect(broken.json().detail).toMatch(/^the body is not valid JSON: /);
    expect(broken.json().detail).not.toBe('the body is not valid JSON: ');
  });

  it('refuses an empty telemetry request instead of dead-lettering it', async () => {
    const before = h.pipeline.deadLetters.total;
    for (const headers of [
      {},
      { 'content-type': 'application/msgpack' },
      { 'content-type': 'application/json' },
    ] as Record<string, string>[]) {
      const res = await post('/v1/telemetry', headers);
      expect(res.statusCode, JSON.stringify(headers)).toBe(400);
      expect(res.json().detail).toMatch(/the body is empty/);
    }
    expect(h.pipeline.deadLetters.total).toBe(before);
  });

  it('dead-letters a JSON columnar batch row whose sensor index is not a whole number', async () => {
    const r = reading();
    const batch = {
      sensors: [r.sensor, 'other'],
      metrics: [r.metric],
      sensor: [0, 0.5, -1],
      metric: [0, 0, 0],
      ts: [r.ts, r.ts, r.ts],
      value: [20, 21, 22],
    };
    const res = await post('/v1/telemetry', { 'content-type': 'application/json' }, JSON.stringify(batch));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({
      readings: 3,
      accepted: 1,
      deadLettered: 2,
      deadLettersByReason: { 'bad-type': 2 },
    });
    const letters = await h.app.inject({ url: '/v1/dead-letters', headers: h.auth('operator') });
    expect(letters.body).toContain('sensor must be a whole number from 0 to 4294967295, got 0.5');
  });

  it('gives an over-long path its own problem type', async () => {
    const res = await h.app.inject({
      url: `/v1/city/bins/${'b'.repeat(MAX_PARAM_LENGTH + 1)}`,
      headers: h.auth('operator'),
    });
    expect(res.statusCode).toBe(414);
    expect(res.json().type).toBe('urn:urbanflow:problem:uri-too-long');
  });
});
