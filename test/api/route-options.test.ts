// The options an authenticated route declares: access, tag, contract, and the authentication errors after its own.
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { allow } from '../../src/api/access/index.js';
import { routeOptions } from '../../src/api/route-options.js';
import { errors } from '../../src/api/schemas/common.js';

describe('routeOptions', () => {
  const Thing = Type.Object({ id: Type.String() });
  const Params = Type.Object({ id: Type.String() });

  it('builds the access config and the documented schema, with 401, 403 and 429 added to the route’s errors', () => {
    const readers = routeOptions(allow('utility', 'operator'), ['things']);
    expect(readers({ summary: 'One thing', params: Params, ok: { 200: Thing }, errors: [404] })).toEqual({
      config: { access: allow('utility', 'operator') },
      schema: {
        tags: ['things'],
        summary: 'One thing',
        params: Params,
        response: { 200: Thing, ...errors(404, 401, 403, 429) },
      },
    });
  });

  it('answers the authentication errors alone when the route names none, and adds extra config', () => {
    const opts = routeOptions(allow('operator'), ['telemetry'], { rawMsgpack: true })({
      summary: 'Ingest',
      ok: { 202: Thing },
    });
    expect(opts.config).toEqual({ access: allow('operator'), rawMsgpack: true });
    expect(Object.keys(opts.schema.response)).toEqual(['202', '401', '403', '429']);
  });
});
