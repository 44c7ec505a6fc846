// The plan kinds served over HTTP: who may ask, how a request is checked and scoped, and the extra representations.
import { Type, type TProperties, type TSchema } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { City } from '../../city/index.js';
import { dayOfDate, localDateTime } from '../../city/local-time.js';
import {
  checkDispatchRules,
  type DispatchRequest as DispatchRequestBody,
  type DispatchRequestInput,
} from '../../../solvers/dispatch/index.js';
import { resolveCityResources } from '../../app/plans/index.js';
import { checkFleetRules, planToGeoJson, planToGpx, type CollectionPlan } from '../../../solvers/routing/index.js';
import { isUrbanflowError, UrbanflowError } from '../../errors.js';
import {
  allow,
  contractorDepots,
  mayReadTenant,
  mayUseDepot,
  principal,
  type Access,
  type Principal,
} from '../access/index.js';
import { HttpProblem } from '../problem.js';
import { DispatchInputs, DispatchPlan, DispatchRequest, LoadBand } from '../schemas/dispatch.js';
import { CollectionPlanSchema } from '../../app/plans/schemas.js';
import { GeoJson, RoutingRequest } from '../schemas/routing.js';
import { SignalPlans, SignalsRequest } from '../schemas/signals.js';
import type { PlanRecord } from './plan-store.js';
import type { PlanKindName, RouteRequest } from '../../runtime/index.js';

export interface Representation {
  mediaType: string;
  /** What the representation holds, for the OpenAPI document. */
  schema: TSchema;
  render: (result: unknown, record: PlanRecord, city: City) => string;
}

/**
 * A step that fills in what a request left out before it is checked and stored (e.g. a feeder's load from the live
 * forecast), registered by a plugin under `ctx.planInputs`; `inputs` records where the filled values came from.
 */
export type PlanInputStep = (body: unknown, query: Record<string, unknown>) => { body: unknown; inputs?: unknown };

export interface PlanKind {
  kind: PlanKindName;
  /** Under /v1, e.g. `/dispatch/plans`. */
  path: string;
  tag: string;
  summary: string;
  access: Access;
  body: TSchema;
  result: TSchema;
  /** Schema of the inputs a plan input step records (shown with the plan). */
  inputs?: TSchema;
  /** Query parameters of the submit route besides `wait`, read by the plan input step. */
  submitQuery?: TProperties;
  /** Resolves what the request names from the city model (a dispatch request's city DR resources) before the input step. */
  prepare?: (body: unknown, city: City) => { body: unknown; inputs?: Record<string, unknown> };
  /** Checks the request for this caller; the scope stored with the plan (a route plan's depot). */
  admit: (request: FastifyRequest, body: unknown, city: City) => { scope: string };
  mayRead: (p: Principal, record: { tenant: string; scope: string }, city: City) => boolean;
  /** Filter of the plan list for this caller. */
  listFilter: (p: Principal, city: City) => { tenant?: string; scopes?: string[] };
  /** Other forms of a finished plan by `?format=` or Accept. */
  representations?: Record<string, Representation>;
}

/** A solver's input error as a 422 whose field paths point into the body. */
function asBodyProblem(err: unknown): never {
  if (isUrbanflowError(err) && err.code === 'UF_ERR_INPUT') {
    const field = err.details.field as string | undefined;
    throw new HttpProblem('invalid-request', err.message, {
      code: err.code,
      ...(field ? { errors: [{ path: `body.${field}`, message: err.message }] } : {}),
    });
  }
  throw err;
}

const byTenant = (p: Principal) => (p.role === 'operator' ? {} : { tenant: p.tenant });

export const DISPATCH: PlanKind = {
  kind: 'dispatch',
  path: '/dispatch/plans',
  tag: 'dispatch',
  summary: 'demand-response dispatch plan',
  access: allow('utility', 'operator'),
  body: DispatchRequest,
  result: DispatchPlan,
  inputs: DispatchInputs,
  submitQuery: { band: Type.Optional(LoadBand) },
  prepare: (body, city) => {
    try {
      const resolved = resolveCityResources(body as DispatchRequestInput, city);
      if (resolved.taken.length === 0 && resolved.leftOut.length === 0) return { body };
      return {
        body: resolved.request,
        inputs: { cityResources: { city: city.id, taken: resolved.taken, leftOut: resolved.leftOut } },
      };
    } catch (err) {
      asBodyProblem(err);
    }
  },
  admit: (_request, body) => {
    // The body passed the schema on arrival; what no schema can say is checked here, once.
    try {
      checkDispatchRules(body as DispatchRequestBody);
    } catch (err) {
      asBodyProblem(err);
    }
    return { scope: '' };
  },
  mayRead: (p, r) => mayReadTenant(p, r.tenant),
  listFilter: byTenant,
};

export const ROUTE: PlanKind = {
  kind: 'route',
  path: '/routes/plans',
  tag: 'routes',
  summary: 'collection route plan',
  access: allow('waste-contractor', 'operator'),
  body: RoutingRequest,
  result: CollectionPlanSchema,
  admit: (request, body, city) => {
    const p = principal(request);
    // The date places the GPX times on the city's clock: a day that does not exist (2026-02-30) is refused now, not when the plan is read.
    try {
      dayOfDate((body as RouteRequest).date, 'date');
      checkFleetRules(body as RouteRequest);
    } catch (err) {
      asBodyProblem(err);
    }
    const depot = (body as RouteRequest).depot.id;
    if (!mayUseDepot(p, city, depot)) {
      const own = [...contractorDepots(p, city)];
      throw new HttpProblem(
        'forbidden',
        `depot '${depot}' is not one of your depots (${own.length ? own.join(', ') : 'none'}); routes can be planned only for your own depots`,
      );
    }
    return { scope: depot };
  },
  // Route plans belong to a depot: a contractor reads the plans of its depots, whoever of its keys asked for them.
  mayRead: (p, r, city) =>
    p.role === 'operator' || (p.role === 'waste-contractor' && contractorDepots(p, city).has(r.scope)),
  listFilter: (p, city) => (p.role === 'operator' ? {} : { scopes: [...contractorDepots(p, city)] }),
  representations: {
    geojson: {
      mediaType: 'application/geo+json',
      schema: GeoJson,
      render: (result) => JSON.stringify(planToGeoJson(result as CollectionPlan)),
    },
    // Times on the city's local clock with its offset, as the live routes give them.
    gpx: {
      mediaType: 'application/gpx+xml',
      schema: Type.String({ description: 'GPX 1.1: a track per truck, waypoints per stop' }),
      render: (result, record, city) => {
        const day = dayOfDate((JSON.parse(record.requestJson) as RouteRequest).date, 'date');
        return planToGpx(result as CollectionPlan, (minutes) => localDateTime(city.timezone, day, minutes));
      },
    },
  },
};

export const SIGNALS: PlanKind = {
  kind: 'signals',
  path: '/signals/plans',
  tag: 'signals',
  summary: 'signal timing plan set',
  access: allow('traffic-center', 'operator'),
  body: SignalsRequest,
  result: SignalPlans,
  admit: (_request, body) => {
    const req = body as {
      intersections: { id: string }[];
      corridors?: { id: string; signals: { intersection: string }[] }[];
    };
    const ids = new Set(req.intersections.map((i) => i.id));
    req.corridors?.forEach((c, ci) =>
      c.signals.forEach((s, si) => {
        if (!ids.has(s.intersection)) {
          asBodyProblem(
            new UrbanflowError(
              'UF_ERR_INPUT',
              `corridor ${c.id}: signal intersection '${s.intersection}' is not in "intersections"`,
              { field: `corridors[${ci}].signals[${si}].intersection` },
            ),
          );
        }
      }),
    );
    return { scope: '' };
  },
  mayRead: (p, r) => mayReadTenant(p, r.tenant),
  listFilter: byTenant,
};

export const PLAN_KIND_DEFS: PlanKind[] = [DISPATCH, ROUTE, SIGNALS];
