// City-model management: read the city (scoped by role), upsert and delete intersections, corridors, feeders, DR resources, bins.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import {
  City,
  Corridor,
  Depot,
  DrResource,
  Feeder,
  Bin,
  Intersection,
  currentFeederSpelling,
  currentResourceSpelling,
  type City as CityT,
} from '../../city/index.js';
import { allow, contractorDepots, mayReadBin, principal, type Role } from '../access/index.js';
import type { ApiContext } from '../context.js';
import { HttpProblem } from '../problem.js';
import { routeOptions } from '../route-options.js';

interface Collection {
  /** URL segment under /v1/city. */
  name: string;
  noun: string;
  schema: TSchema;
  readers: Role[];
  items: (city: CityT) => { id: string }[];
  /** Renames deprecated field spellings of a body before validation (feeders: `capacityKw`, `costPerKwh`, …). */
  spelling?: (body: unknown) => { value: unknown; deprecations: string[] };
  /** Entities the caller may read (contractors see their own depots and bins). */
  visible?: (request: FastifyRequest, city: CityT, item: { id: string }) => boolean;
}

const COLLECTIONS: Collection[] = [
  {
    name: 'intersections',
    noun: 'intersection',
    schema: Intersection,
    readers: ['traffic-center', 'operator'],
    items: (c) => c.intersections,
  },
  {
    name: 'corridors',
    noun: 'corridor',
    schema: Corridor,
    readers: ['traffic-center', 'operator'],
    items: (c) => c.corridors,
  },
  {
    name: 'feeders',
    noun: 'feeder',
    schema: Feeder,
    readers: ['utility', 'operator'],
    items: (c) => c.feeders,
    spelling: (b) => currentFeederSpelling(b, 'body'),
  },
  {
    name: 'bins',
    noun: 'bin',
    schema: Bin,
    readers: ['waste-contractor', 'operator'],
    items: (c) => c.waste.bins,
    visible: (r, c, b) => mayReadBin(principal(r), c, b as CityT['waste']['bins'][number]),
  },
  {
    name: 'depots',
    noun: 'depot',
    schema: Depot,
    readers: ['waste-contractor', 'operator'],
    items: (c) => c.waste.depots,
    visible: (r, c, d) => principal(r).role === 'operator' || contractorDepots(principal(r), c).has(d.id),
  },
];

const Change = Type.Object({
  revision: Type.Integer({ description: 'revision of the managed city after the change' }),
  applied: Type.Boolean({ description: 'true: the running pipeline uses it; false: staged until the next restart' }),
  detail: Type.String(),
  deprecations: Type.Optional(
    Type.Array(Type.String(), {
      description: 'deprecated field spellings the body used (read as their current names); update the client',
    }),
  ),
});

/** Deprecated spellings found in a request body, kept for the answer. */
const bodyDeprecations = new WeakMap<FastifyRequest, string[]>();

/** A preValidation hook that renames deprecated spellings, so the schema sees only current names. */
function currentSpelling(spelling: (body: unknown) => { value: unknown; deprecations: string[] }) {
  return async (request: FastifyRequest) => {
    const { value, deprecations } = spelling(request.body);
    request.body = value;
    if (deprecations.length) {
      bodyDeprecations.set(request, deprecations);
      request.log.warn({ deprecations, route: request.routeOptions.url }, 'deprecated city field spellings');
    }
  };
}

function withDeprecations<T extends object>(request: FastifyRequest, change: T): T & { deprecations?: string[] } {
  const deprecations = bodyDeprecations.get(request);
  return deprecations ? { ...change, deprecations } : change;
}
const CHANGE_TEXT =
  '200 when the running pipeline uses the change; 202 when it is saved and staged for the next restart (sensors added, removed or moved).';
const Id = Type.String({ minLength: 1, maxLength: 200 });
const IdParams = Type.Object({ id: Id });
const ResourceParams = Type.Object({ feeder: Id, id: Id });
const ListQuery = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 100_000, default: 10_000 }) });

function upsertInto<T extends { id: string }>(list: T[], item: T): void {
  const i = list.findIndex((x) => x.id === item.id);
  if (i >= 0) list[i] = item;
  else list.push(item);
}

function bodyId(body: { id: string }, id: string): void {
  if (body.id !== id)
    throw new HttpProblem('invalid-request', `body.id '${body.id}' differs from the id in the path '${id}'`, {
      errors: [{ path: 'body.id', message: `must equal the path id '${id}'` }],
    });
}

export function cityRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    const tags = ['city'];
    const admin = routeOptions(allow('operator'), tags);
    app.get(
      '/city',
      admin({
        summary: 'The managed city model',
        ok: { 200: Type.Object({ revision: Type.Integer(), live: Type.Boolean(), city: City }) },
      }),
      async () => ({ revision: ctx.city.revision, live: ctx.city.live, city: ctx.city.city }),
    );

    for (const col of COLLECTIONS) {
      const path = `/city/${col.name}`;
      const readable = (request: FastifyRequest, item: { id: string }) =>
        !col.visible || col.visible(request, ctx.city.city, item);
      const readers = routeOptions(allow(...col.readers), tags);
      app.get<{ Querystring: Static<typeof ListQuery> }>(
        path,
        readers({
          summary: `The ${col.noun}s the caller may read`,
          querystring: ListQuery,
          ok: { 200: Type.Object({ items: Type.Array(col.schema), total: Type.Integer() }) },
        }),
        async (request) => {
          const items = col.items(ctx.city.city).filter((x) => readable(request, x));
          return { items: items.slice(0, request.query.limit), total: items.length };
        },
      );
      app.get<{ Params: Static<typeof IdParams> }>(
        `${path}/:id`,
        readers({ summary: `One ${col.noun}`, params: IdParams, ok: { 200: col.schema }, errors: [404] }),
        async (request) => {
          const item = col.items(ctx.city.city).find((x) => x.id === request.params.id);
          if (!item || !readable(request, item))
            throw new HttpProblem('not-found', `no ${col.noun} '${request.params.id}' within your scope`);
          return item;
        },
      );
      app.put<{ Params: Static<typeof IdParams>; Body: { id: string } }>(
        `${path}/:id`,
        {
          ...admin({
            summary: `Create or replace a ${col.noun} (validated with the whole city)`,
            description: CHANGE_TEXT,
            params: IdParams,
            body: col.schema,
            ok: { 200: Change, 202: Change },
            errors: [400, 422],
          }),
          ...(col.spelling ? { preValidation: currentSpelling(col.spelling) } : {}),
        },
        async (request, reply) => {
          bodyId(request.body, request.params.id);
          const change = ctx.city.change((draft) => upsertInto(col.items(draft), request.body));
          return reply.code(change.applied ? 200 : 202).send(withDeprecations(request, change));
        },
      );
      app.delete<{ Params: Static<typeof IdParams> }>(
        `${path}/:id`,
        admin({
          summary: `Delete a ${col.noun} (refused while others refer to it)`,
          params: IdParams,
          ok: { 200: Change, 202: Change },
          errors: [404, 422],
        }),
        async (request, reply) => {
          if (!col.items(ctx.city.city).some((x) => x.id === request.params.id))
            throw new HttpProblem('not-found', `no ${col.noun} '${request.params.id}'`);
          const change = ctx.city.change((draft) => {
            const list = col.items(draft);
            list.splice(
              list.findIndex((x) => x.id === request.params.id),
              1,
            );
          });
          return reply.code(change.applied ? 200 : 202).send(change);
        },
      );
    }

    const feederOf = (city: CityT, id: string) => {
      const f = city.feeders.find((x) => x.id === id);
      if (!f) throw new HttpProblem('not-found', `no feeder '${id}'`);
      return f;
    };
    app.put<{ Params: Static<typeof ResourceParams>; Body: { id: string } }>(
      '/city/feeders/:feeder/resources/:id',
      {
        ...admin({
          summary: 'Create or replace a DR resource on a feeder',
          params: ResourceParams,
          body: DrResource,
          ok: { 200: Change, 202: Change },
          errors: [400, 404, 422],
        }),
        preValidation: currentSpelling((b) => currentResourceSpelling(b, 'body')),
      },
      async (request, reply) => {
        bodyId(request.body, request.params.id);
        feederOf(ctx.city.city, request.params.feeder);
        const change = ctx.city.change((draft) =>
          upsertInto(feederOf(draft, request.params.feeder).resources as { id: string }[], request.body),
        );
        return reply.code(change.applied ? 200 : 202).send(withDeprecations(request, change));
      },
    );
    app.delete<{ Params: Static<typeof ResourceParams> }>(
      '/city/feeders/:feeder/resources/:id',
      admin({
        summary: 'Delete a DR resource',
        params: ResourceParams,
        ok: { 200: Change, 202: Change },
        errors: [404, 422],
      }),
      async (request, reply) => {
        if (!feederOf(ctx.city.city, request.params.feeder).resources.some((r) => r.id === request.params.id)) {
          throw new HttpProblem(
            'not-found',
            `no DR resource '${request.params.id}' on feeder '${request.params.feeder}'`,
          );
        }
        const change = ctx.city.change((draft) => {
          const list = feederOf(draft, request.params.feeder).resources;
          list.splice(
            list.findIndex((r) => r.id === request.params.id),
            1,
          );
        });
        return reply.code(change.applied ? 200 : 202).send(change);
      },
    );
  };
}
