// Window aggregates: the operators, the current result per key, and a key's results over a time range.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { ApiContext } from '../server.js';
import { problem } from '../problem.js';

const Params = Type.Object({ operator: Type.String() });
const CurrentQuery = Type.Object({ key: Type.Optional(Type.String()), limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 1_000 }) });
const RangeQuery = Type.Object({
  key: Type.String({ minLength: 1 }),
  from: Type.Optional(Type.String({ description: 'ISO date-time or epoch ms; windows ending after it' })),
  to: Type.Optional(Type.String({ description: 'ISO date-time or epoch ms; windows ending at or before it' })),
});

function parseTime(text: string | undefined, name: string): number | string {
  if (text === undefined) return name === 'from' ? -Infinity : Infinity;
  const n = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  return Number.isFinite(n) ? n : `query '${name}' must be an ISO date-time or epoch milliseconds, got '${text}'`;
}

export function windowRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    const operators = () => ctx.pipeline.operators;
    app.get('/operators', async () => ({ operators: operators() }));

    app.get<{ Params: Static<typeof Params>; Querystring: Static<typeof CurrentQuery> }>(
      '/windows/:operator/current',
      { schema: { params: Params, querystring: CurrentQuery } },
      async (request, reply) => {
        const { operator } = request.params;
        if (!operators().some((o) => o.name === operator)) return problem(reply, 404, `unknown operator '${operator}'; GET /v1/operators lists them`);
        const rows = ctx.pipeline.results.current(operator, request.query.key);
        return { operator, results: rows.slice(0, request.query.limit), total: rows.length };
      },
    );

    app.get<{ Params: Static<typeof Params>; Querystring: Static<typeof RangeQuery> }>(
      '/windows/:operator',
      { schema: { params: Params, querystring: RangeQuery } },
      async (request, reply) => {
        const { operator } = request.params;
        if (!operators().some((o) => o.name === operator)) return problem(reply, 404, `unknown operator '${operator}'; GET /v1/operators lists them`);
        const from = parseTime(request.query.from, 'from');
        const to = parseTime(request.query.to, 'to');
        if (typeof from === 'string') return problem(reply, 400, from);
        if (typeof to === 'string') return problem(reply, 400, to);
        return { operator, key: request.query.key, results: ctx.pipeline.results.range(operator, request.query.key, from, to) };
      },
    );
  };
}
