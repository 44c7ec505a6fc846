// Plans over HTTP for one plan kind: submit (202 + Location, or wait for 201), read by id (cached, ETag), list; tenant-scoped.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { principal } from '../access/index.js';
import type { ApiContext } from '../context.js';
import { encodeMsgpack, MSGPACK_TYPES, sendEncoded } from '../content.js';
import { HttpProblem } from '../problem.js';
import { routeOptions } from '../route-options.js';
import type { PlanKind } from '../plans/kinds.js';
import { OpenAdrEvent } from '../schemas/dispatch.js';
import type { PlanRecord } from '../plans/index.js';

const CACHE_SIZE = 512;

const Status = Type.Union([Type.Literal('queued'), Type.Literal('done'), Type.Literal('failed')]);
const SolveError = Type.Object({
  code: Type.String(),
  message: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
});
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const waitQuery = (maxSeconds: number) =>
  Type.Object({
    wait: Type.Number({
      minimum: 0,
      maximum: maxSeconds,
      default: 0,
      description: 'seconds to wait for the solve; 201 with the plan when it finishes in time',
    }),
  });
type WaitQuery = Static<ReturnType<typeof waitQuery>>;
const getQuery = (formats: string[]) =>
  Type.Object({
    format: Type.Optional(
      Type.Union(
        formats.map((f) => Type.Literal(f)),
        { description: 'the representation: json (default) or, for route plans, geojson or gpx' },
      ),
    ),
  });
const ListQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  before: Type.Optional(Type.String({ description: 'cursor: the last id of the previous page' })),
});

/** What a stored plan shows in listings; its envelope adds the kind after the id, and the plan or the error. */
const SUMMARY_FIELDS = {
  id: Type.String(),
  status: Status,
  tenant: Type.String(),
  scope: Type.Optional(Type.String()),
  createdAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
};

function envelope(result: TSchema, inputs: TSchema | undefined) {
  const { id, ...since } = SUMMARY_FIELDS;
  return Type.Object({
    id,
    kind: Type.String(),
    ...since,
    plan: Type.Optional(result),
    error: Type.Optional(SolveError),
    ...(inputs ? { inputs: Type.Optional(inputs) } : {}),
  });
}

const Summary = Type.Object(SUMMARY_FIELDS);

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** The plan document as JSON text, built from the stored JSON without parsing the plan again. */
function envelopeJson(r: PlanRecord): string {
  const head = JSON.stringify({
    id: r.id,
    kind: r.kind,
    status: r.status,
    tenant: r.tenant,
    ...(r.scope ? { scope: r.scope } : {}),
    createdAt: iso(r.createdAt),
    finishedAt: iso(r.finishedAt),
  });
  const tail =
    r.status === 'done'
      ? `,"plan":${r.resultJson}`
      : r.status === 'failed'
        ? `,"error":${JSON.stringify(r.error)}`
        : '';
  const inputs = r.inputsJson === null ? '' : `,"inputs":${r.inputsJson}`;
  return `${head.slice(0, -1)}${tail}${inputs}}`;
}

interface Cached {
  record: PlanRecord;
  json: Buffer;
  etag: string;
  packed?: Buffer;
  msgpack: () => Buffer;
}

export function planRoutes(ctx: ApiContext, def: PlanKind): FastifyPluginAsync {
  const Envelope = envelope(def.result, def.inputs);
  const SubmitQuery = Type.Object({ ...waitQuery(ctx.limits.planWaitMaxMs / 1000).properties, ...def.submitQuery });
  const GetQuery = getQuery(['json', ...Object.keys(def.representations ?? {})]);
  const checkEnvelope = TypeCompiler.Compile(Envelope);
  // Finished plans never change: their documents are built, checked against the contract and kept, once.
  const cache = new Map<string, Cached>();
  const cached = (r: PlanRecord): Cached => {
    const hit = cache.get(r.id);
    if (hit) return hit;
    const json = envelopeJson(r);
    const doc = JSON.parse(json) as unknown;
    if (!checkEnvelope.Check(doc)) {
      const e = [...checkEnvelope.Errors(doc)].slice(0, 3).map((x) => `${x.path}: ${x.message}`);
      throw new Error(`stored ${def.kind} plan ${r.id} does not match the API contract: ${e.join('; ')}`);
    }
    const entry: Cached = {
      record: r,
      json: Buffer.from(json),
      etag: `"${r.id}"`,
      msgpack: () => (entry.packed ??= encodeMsgpack(doc)),
    };
    if (r.status !== 'queued') {
      cache.set(r.id, entry);
      if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    }
    return entry;
  };

  const load = (request: FastifyRequest, id: string): Cached => {
    const hit = cache.get(id);
    const entry =
      hit ??
      (() => {
        const r = ctx.plans.store.get(id);
        return r && r.kind === def.kind ? cached(r) : undefined;
      })();
    // Another tenant's plan is answered exactly like a missing one: ids are not an oracle.
    if (!entry || !def.mayRead(principal(request), entry.record, ctx.city.city))
      throw new HttpProblem('not-found', `no ${def.summary} '${id}' for your tenant`);
    return entry;
  };

  const send = (request: FastifyRequest, reply: FastifyReply, entry: Cached): FastifyReply => {
    if (entry.record.status === 'queued') reply.header('retry-after', '1');
    else reply.header('etag', entry.etag);
    return sendEncoded(request, reply, entry);
  };

  // Operation ids name the kind (getDispatchPlan); links tell clients (and stateful testers) which id feeds which read.
  const name = `${def.kind[0].toUpperCase()}${def.kind.slice(1)}Plan`;
  const byId = (from: string) => ({
    [`get${name}`]: { operationId: `get${name}`, parameters: { id: from }, description: 'the plan' },
    ...(def.kind === 'dispatch'
      ? {
          [`get${name}Events`]: {
            operationId: `get${name}Events`,
            parameters: { id: from },
            description: "the plan's OpenADR events",
          },
        }
      : {}),
  });
  const submitted = byId('$response.body#/id');
  const planContent = {
    description: 'the plan (JSON or MessagePack by Accept) or, when done, another representation by ?format=',
    content: {
      'application/json': { schema: Envelope },
      'application/msgpack': { schema: Envelope },
      ...Object.fromEntries(Object.values(def.representations ?? {}).map((r) => [r.mediaType, { schema: r.schema }])),
    },
  };

  return async (app) => {
    const planRoute = routeOptions(def.access, [def.tag]);
    app.post<{ Querystring: WaitQuery & Record<string, unknown> }>(
      def.path,
      {
        bodyLimit: ctx.limits.planBodyBytes,
        links: { 201: submitted, 202: submitted },
        ...planRoute({
          operationId: `submit${name}`,
          summary: `Request a ${def.summary}; solved in a worker thread`,
          description:
            '202 with Location while solving; with ?wait=SECONDS, 201 with the plan when the solve ends in time, or 422 when the solver refuses the request.',
          consumes: ['application/json', ...MSGPACK_TYPES],
          querystring: SubmitQuery,
          body: def.body,
          ok: { 201: Envelope, 202: Envelope },
          errors: [400, 403, 413, 415, 422, 503],
        }),
      },
      async (request, reply) => {
        if (ctx.draining)
          throw new HttpProblem('unavailable', 'the server is shutting down; retry after the restart', {
            headers: { 'retry-after': '5' },
          });
        const p = principal(request);
        // A plugin may fill in what the request left out (a capped feeder's load from the live forecast) before the checks.
        const prepared = def.prepare ? def.prepare(request.body, ctx.city.city) : { body: request.body };
        const step = ctx.planInputs.get(def.kind);
        const completed = step ? step(prepared.body, request.query) : { body: prepared.body, inputs: undefined };
        const body = completed.body;
        const inputs = prepared.inputs
          ? { ...(completed.inputs as object | undefined), ...prepared.inputs }
          : completed.inputs;
        const { scope } = def.admit(request, body, ctx.city.city);
        let record: PlanRecord | undefined = ctx.plans.submit({
          kind: def.kind,
          tenant: p.tenant,
          keyId: p.keyId,
          scope,
          request: body,
          inputs,
        });
        const waitMs = request.query.wait * 1000;
        if (waitMs > 0) record = (await ctx.plans.wait(record.id, waitMs)) ?? record;
        if (record.status === 'failed') {
          const e = record.error!;
          const field = e.details.field as string | undefined;
          throw new HttpProblem(
            e.code === 'UF_ERR_INPUT' || e.code === 'UF_ERR_INFEASIBLE' ? 'invalid-request' : 'internal',
            e.message,
            {
              code: e.code,
              plan: record.id,
              ...(field ? { errors: [{ path: `body.${field}`, message: e.message }] } : {}),
            },
          );
        }
        reply.header('location', `/v1${def.path}/${record.id}`);
        reply.code(record.status === 'done' ? 201 : 202);
        return send(request, reply, cached(record));
      },
    );

    app.get<{ Params: Static<typeof IdParams>; Querystring: { format?: string } }>(
      `${def.path}/:id`,
      planRoute({
        operationId: `get${name}`,
        summary: `A ${def.summary} by id`,
        description: def.representations
          ? `?format=${Object.keys(def.representations).join('|')} (or the matching Accept) for other representations.`
          : undefined,
        params: IdParams,
        querystring: GetQuery,
        ok: { 200: planContent, 304: Type.Null() },
        errors: [404, 406],
      }),
      async (request, reply) => {
        const entry = load(request, request.params.id);
        const format =
          request.query.format ??
          Object.entries(def.representations ?? {}).find(([, r]) => request.headers.accept?.includes(r.mediaType))?.[0];
        if (format !== undefined && format !== 'json') {
          const rep = def.representations?.[format];
          if (!rep)
            throw new HttpProblem(
              'not-acceptable',
              `format '${format}' is not offered; use ${['json', ...Object.keys(def.representations ?? {})].join(', ')}`,
            );
          if (entry.record.status !== 'done')
            throw new HttpProblem(
              'not-found',
              `plan ${entry.record.id} is ${entry.record.status}; the ${format} form exists once it is done`,
            );
          return reply
            .type(rep.mediaType)
            .header('etag', `"${entry.record.id}-${format}"`)
            .send(rep.render(JSON.parse(entry.record.resultJson!), entry.record, ctx.city.city));
        }
        if (entry.record.status !== 'queued' && request.headers['if-none-match'] === entry.etag)
          return reply.code(304).send();
        return send(request, reply, entry);
      },
    );

    app.get<{ Querystring: Static<typeof ListQuery> }>(
      def.path,
      {
        links: { 200: byId('$response.body#/items/0/id') },
        ...planRoute({
          operationId: `list${name}s`,
          summary: `Your ${def.summary}s, newest first`,
          querystring: ListQuery,
          ok: { 200: Type.Object({ items: Type.Array(Summary), next: Type.Optional(Type.String()) }) },
          errors: [400, 422],
        }),
      },
      async (request) => {
        const p = principal(request);
        let before: { createdAt: number; id: string } | undefined;
        if (request.query.before) {
          const r = ctx.plans.store.get(request.query.before);
          if (!r || r.kind !== def.kind || !def.mayRead(p, r, ctx.city.city))
            throw new HttpProblem(
              'invalid-request',
              `cursor 'before' is not one of your plans: '${request.query.before}'`,
              { errors: [{ path: 'querystring.before', message: 'unknown plan id' }] },
            );
          before = { createdAt: r.createdAt, id: r.id };
        }
        const rows = ctx.plans.store.list({
          kind: def.kind,
          ...def.listFilter(p, ctx.city.city),
          limit: request.query.limit,
          before,
        });
        const items = rows.map((r) => ({
          id: r.id,
          status: r.status,
          tenant: r.tenant,
          ...(r.scope ? { scope: r.scope } : {}),
          createdAt: iso(r.createdAt)!,
          finishedAt: iso(r.finishedAt),
        }));
        return { items, ...(rows.length === request.query.limit ? { next: rows[rows.length - 1].id } : {}) };
      },
    );

    if (def.kind === 'dispatch') {
      app.get<{ Params: Static<typeof IdParams> }>(
        `${def.path}/:id/events`,
        planRoute({
          operationId: `get${name}Events`,
          summary: "The plan's OpenADR 3 events, ready for a VTN",
          params: IdParams,
          ok: { 200: Type.Object({ events: Type.Array(OpenAdrEvent) }) },
          errors: [404],
        }),
        async (request) => {
          const entry = load(request, request.params.id);
          if (entry.record.status !== 'done')
            throw new HttpProblem(
              'not-found',
              `plan ${entry.record.id} is ${entry.record.status}; events exist once it is done`,
            );
          return { events: (JSON.parse(entry.record.resultJson!) as { events: unknown[] }).events };
        },
      );
    }
  };
}
