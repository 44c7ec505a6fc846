// GET /ngsi-ld/v1/entities[/{entityId}]: the city's bins, detectors and meters as NGSI-LD entities of Smart Data
// Models with their latest window values and forecasts, scoped by role like the city and forecast routes.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import {
  cityEntity,
  cityObject,
  cityObjects,
  ENTITY_TYPES,
  isEntityType,
  keyValues,
  LD_JSON,
  parseEntityId,
  shortTerm,
  type CityObject,
  type EntityType,
  type NgsiEntity,
} from '../../io/ngsi-ld/index.js';
import { ANY_ROLE, principal, type Principal } from '../access/index.js';
import type { ApiContext } from '../context.js';
import { HttpProblem } from '../problem.js';
import { routeOptions } from '../route-options.js';
import { entitySources, type NgsiLdForecasts } from './entity-sources.js';
import { sendEntities } from './negotiation.js';
import { useNgsiLdProblemTypes } from './problems.js';
import { Entity, EntitiesQuery, EntityParams, EntityQuery } from './schemas.js';
import { mayReadObject, mayReadType, READERS } from './scope.js';

const MEDIA = ['application/json', LD_JSON, 'application/msgpack'];
const answer = (schema: ReturnType<typeof Type.Array> | typeof Entity, description: string) => ({
  description,
  content: Object.fromEntries(MEDIA.map((m) => [m, { schema }])),
});

function forbidden(p: Principal, type: EntityType): HttpProblem {
  return new HttpProblem(
    'forbidden',
    `a ${p.role} key does not read ${type} entities (readers: ${READERS[type].join(', ')})`,
  );
}

function wantsKeyValues(options: string | undefined): boolean {
  const list = options?.split(',') ?? [];
  return list.includes('keyValues') || list.includes('simplified');
}

export function ngsiLdEntityRoutes(ctx: ApiContext, forecasts: NgsiLdForecasts | undefined): FastifyPluginAsync {
  const sources = entitySources(ctx, forecasts);
  const render = (o: CityObject, options: string | undefined): NgsiEntity => {
    const e = cityEntity(ctx.city.city, o, sources);
    return wantsKeyValues(options) ? keyValues(e) : e;
  };
  /** The requested types the caller reads; one it may not read is 403, as its city route is. */
  const typesOf = (p: Principal, text: string | undefined): EntityType[] => {
    if (text === undefined) return ENTITY_TYPES.filter((t) => mayReadType(p, t));
    const types = [...new Set(text.split(',').map(shortTerm))].filter(isEntityType);
    for (const t of types) if (!mayReadType(p, t)) throw forbidden(p, t);
    return types;
  };
  return async (app) => {
    useNgsiLdProblemTypes(app);
    const anyRole = routeOptions(ANY_ROLE, ['ngsi-ld']);
    app.get<{ Querystring: EntitiesQuery }>(
      '/entities',
      anyRole({
        operationId: 'queryNgsiLdEntities',
        summary: 'City objects as NGSI-LD entities (Smart Data Models), with latest values and forecasts',
        description:
          'Bins as WasteContainer (fillingLevel), detectors as TrafficFlowObserved (intensity, averageVehicleSpeed of the approach), feeder head meters and DR ' +
          'resources as ElectricityMeter (totalActivePower): each observed value a Property with observedAt (the end of its window) and unitCode, forecasts ' +
          'as <attribute>Forecast Properties (steps with 80/95 % intervals). Waste contractors read the bins of their depots or areas, traffic centers ' +
          'TrafficFlowObserved, utilities ElectricityMeter, operators all. Accept: application/ld+json puts @context in each entity; application/json ' +
          'names it in a Link header. Unknown types match nothing. `limit`/`offset` page (Link rel="next"), `count=true` gives NGSILD-Results-Count.',
        querystring: EntitiesQuery,
        ok: { 200: answer(Type.Array(Entity), 'the entities of the page, in city-file order') },
        errors: [400],
      }),
      async (request, reply) => {
        const p = principal(request);
        const q = request.query;
        const city = ctx.city.city;
        let objects: CityObject[];
        if (q.id !== undefined) {
          const types = q.type === undefined ? undefined : new Set(typesOf(p, q.type));
          objects = [];
          for (const id of new Set(q.id.split(','))) {
            const parsed = parseEntityId(id);
            if (!parsed || !isEntityType(parsed.type) || (types && !types.has(parsed.type))) continue;
            const o = cityObject(city, parsed.type, parsed.localId);
            if (o && mayReadObject(p, city, o)) objects.push(o);
          }
        } else {
          objects = typesOf(p, q.type).flatMap((t) => cityObjects(city, t).filter((o) => mayReadObject(p, city, o)));
        }
        const page = objects.slice(q.offset, q.offset + q.limit);
        if (q.count) reply.header('ngsild-results-count', String(objects.length));
        const links: string[] = [];
        if (q.limit > 0 && q.offset + q.limit < objects.length)
          links.push(`<${pageUrl(request, q.offset + q.limit)}>; rel="next"`);
        if (q.offset > 0) links.push(`<${pageUrl(request, Math.max(0, q.offset - q.limit))}>; rel="prev"`);
        return sendEntities(
          request,
          reply,
          page.map((o) => render(o, q.options)),
          links,
        );
      },
    );

    app.get<{ Params: EntityParams; Querystring: EntityQuery }>(
      '/entities/:entityId',
      anyRole({
        operationId: 'getNgsiLdEntity',
        summary: 'One city object as an NGSI-LD entity',
        description:
          'By its id, urn:ngsi-ld:<Type>:<city id> (a bin, detector sensor, feeder or DR resource id). A type your role does not read is 403; a bin outside ' +
          "a contractor's depots and areas is 404, exactly like a missing one.",
        params: EntityParams,
        querystring: EntityQuery,
        ok: { 200: answer(Entity, 'the entity') },
        errors: [400, 404],
      }),
      async (request, reply) => {
        const p = principal(request);
        const { entityId } = request.params;
        const parsed = parseEntityId(entityId);
        const missing = () => new HttpProblem('not-found', `no entity ${entityId} within your scope`);
        if (!parsed || !isEntityType(parsed.type)) throw missing();
        if (!mayReadType(p, parsed.type)) throw forbidden(p, parsed.type);
        const city = ctx.city.city;
        const o = cityObject(city, parsed.type, parsed.localId);
        if (!o || !mayReadObject(p, city, o)) throw missing();
        return sendEntities(request, reply, render(o, request.query.options));
      },
    );
  };
}

/** The same query at another offset, for the Link rel="next"/"prev" headers. */
function pageUrl(request: FastifyRequest, offset: number): string {
  const [path, search = ''] = request.url.split('?');
  const params = new URLSearchParams(search);
  params.set('offset', String(offset));
  return `${path}?${params.toString()}`;
}
