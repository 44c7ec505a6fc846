// Window aggregates: the operators a caller may read, the current result per key, and a key's results over a time range.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { OperatorSpec } from '../../stream/index.js';
import { ANY_ROLE, principal, type Principal } from '../access/index.js';
import type { ApiContext } from '../context.js';
import { HttpProblem } from '../problem.js';
import { Instant } from '../../formats.js';
import { routeOptions } from '../route-options.js';
import { keyFilter, mayReadOperator } from '../window-scope.js';

const Params = Type.Object({ operator: Type.String({ description: 'operator name from GET /v1/operators' }) });
const CurrentQuery = Type.Object({
  key: Type.Optional(Type.String()),
  limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 1_000 }),
});
const RangeQuery = Type.Object({
  key: Type.String({ minLength: 1 }),
  from: Type.Optional(Instant({ description: 'RFC 3339 date-time or epoch ms; windows ending after it' })),
  to: Type.Optional(Instant({ description: 'RFC 3339 date-time or epoch ms; windows ending at or before it' })),
});

const Operator = Type.Object({
  name: Type.String(),
  metric: Type.String(),
  keyBy: Type.String(),
  window: Type.Object({ type: Type.String() }, { additionalProperties: true }),
  aggregates: Type.Array(Type.String()),
  allowedLatenessMs: Type.Number(),
});
const Result = Type.Object({
  operator: Type.String(),
  metric: Type.String(),
  key: Type.String(),
  start: Type.Number({ description: 'window start, epoch ms' }),
  end: Type.Number({ description: 'window end (exclusive), epoch ms' }),
  revision: Type.Integer({ description: '0 when first emitted; n for the n-th revision by late readings' }),
  values: Type.Record(Type.String(), Type.Union([Type.Number(), Type.Null()])),
});
const Current = Type.Object({ operator: Type.String(), results: Type.Array(Result), total: Type.Integer() });
const Range = Type.Object({ operator: Type.String(), key: Type.String(), results: Type.Array(Result) });

function parseTime(text: string | undefined, name: string): number {
  if (text === undefined) return name === 'from' ? -Infinity : Infinity;
  const n = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(n))
    throw new HttpProblem(
      'validation',
      `query '${name}' must be an ISO date-time or epoch milliseconds, got '${text}'`,
      { errors: [{ path: `querystring.${name}`, message: 'must be an ISO date-time or epoch milliseconds' }] },
    );
  return n;
}

/** An operator a caller may read, with the caller's filter on its keys (none: all). */
interface OperatorScope {
  op: OperatorSpec;
  allowed: ((key: string) => boolean) | undefined;
}

export function windowRoutes(ctx: ApiContext): FastifyPluginAsync {
  const readable = (p: Principal): OperatorSpec[] => ctx.pipeline.operators.filter((o) => mayReadOperator(p, o));
  /** The operator a request names, if its caller may read it. */
  const operatorInScope = (request: FastifyRequest, name: string): OperatorScope => {
    const p = principal(request);
    const op = readable(p).find((o) => o.name === name);
    if (!op)
      throw new HttpProblem(
        'not-found',
        `unknown operator '${name}'; GET /v1/operators lists the ones your role may read`,
      );
    return { op, allowed: keyFilter(p, op, ctx.city.city) };
  };
  return async (app) => {
    const anyRole = routeOptions(ANY_ROLE, ['windows']);
    /** A GET on one operator (`:operator` in the URL), which the handler receives already resolved in scope. */
    const operatorRoute = <Q extends TSchema>(
      url: string,
      doc: { summary: string; querystring: Q; response: TSchema },
      handle: (query: Static<Q>, scope: OperatorScope) => object,
    ) =>
      app.get<{ Params: Static<typeof Params>; Querystring: Static<Q> }>(
        url,
        anyRole({
          summary: doc.summary,
          params: Params,
          querystring: doc.querystring,
          ok: { 200: doc.response },
          errors: [400, 404],
        }),
        async (request) => handle(request.query, operatorInScope(request, request.params.operator)),
      );

    app.get(
      '/operators',
      anyRole({
        summary: 'Window operators the caller may read',
        ok: { 200: Type.Object({ operators: Type.Array(Operator) }) },
      }),
      async (request) => ({ operators: readable(principal(request)) }),
    );

    operatorRoute(
      '/windows/:operator/current',
      {
        summary: 'Latest window result per key (scoped to the caller)',
        querystring: CurrentQuery,
        response: Current,
      },
      (query, { op, allowed }) => {
        let rows = ctx.pipeline.results.current(op.name, query.key);
        if (allowed) rows = rows.filter((r) => allowed(r.key));
        return { operator: op.name, results: rows.slice(0, query.limit), total: rows.length };
      },
    );

    operatorRoute(
      '/windows/:operator',
      { summary: "A key's window results over a time range", querystring: RangeQuery, response: Range },
      (query, { op, allowed }) => {
        const { key } = query;
        if (allowed && !allowed(key))
          throw new HttpProblem('not-found', `no key '${key}' in operator '${op.name}' within your scope`);
        const from = parseTime(query.from, 'from');
        const to = parseTime(query.to, 'to');
        return { operator: op.name, key, results: ctx.pipeline.results.range(op.name, key, from, to) };
      },
    );
  };
}
