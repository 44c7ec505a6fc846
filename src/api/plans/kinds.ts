// The plan kinds served over HTTP: who may ask, how a request is checked and scoped, and the extra representations.
import { Type, type TProperties, type TSchema } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { City } from '../../city/index.js';
import { validateDispatchRequest } from '../../../solvers/dispatch/index.js';
import { planToGeoJson, planToGpx, type CollectionPlan } from '../../../solvers/routing/index.js';
import { isUrbanflowError, UrbanflowError } from '../../errors.js';
import { allow, contractorDepots, mayReadTenant, mayUseDepot, principal, type Access, type Principal } from '../access/index.js';
import { HttpProblem } from '../problem.js';
import { DispatchInputs, DispatchPlan, DispatchRequest, LoadBand } from '../schemas/dispatch.js';
import { CollectionPlanSchema } from '../../app/plans/schemas.js';
import { GeoJson, RoutingRequest } from '../schemas/routing.js';
import { SignalPlans, SignalsRequest } from '../schemas/signals.js';
import type { PlanRecord } from './plan-store.js';
import type { PlanKindName, RouteRequest } from './solve.js';

export interface Representation {
  mediaType: string;
  /** What the representation holds, for the OpenAPI document. */
  schema: TSchema;
  render: (result: unknown, record: PlanRecord) => string;
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
    const field = (err.details.field ?? err.details.path) as string | undefined;
    throw new HttpProblem('invalid-request', err.message, { code: err.code, ...(field ? { errors: [{ path: `body.${field}`, message: err.message }] } : {}) });
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
  admit: (_request, body) => {
    try {
      validateDispatchRequest(body);
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
    const depot = (body as RouteRequest).depot.id;
    if (!mayUseDepot(p, city, depot)) {
      const own = [...contractorDepots(p, city)];
      throw new HttpProblem('forbidden', `depot '${depot}' is not one of your depots (${own.length ? own.join(', ') : 'none'}); routes can be planned only for your own depots`);
    }
    return { scope: depot };
  },
  // Route plans belong to a depot: a contractor reads the plans of its depots, whoever of its keys asked for them.
  mayRead: (p, r, city) => p.role === 'operator' || (p.role === 'waste-contractor' && contractorDepots(p, city).has(r.scope)),
  listFilter: (p, city) => (p.role === 'operator' ? {} : { scopes: [...contractorDepots(p, city)] }),
  representations: {
    geojson: { mediaType: 'application/geo+json', schema: GeoJson, render: (result) => JSON.stringify(planToGeoJson(result as CollectionPlan)) },
    gpx: { mediaType: 'application/gpx+xml', schema: Type.String({ description: 'GPX 1.1: a track per truck, waypoints per stop' }), render: (result, record) => planToGpx(result as CollectionPlan, (JSON.parse(record.requestJson) as RouteRequest).date) },
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
    const req = body as { intersections: { id: string }[]; corridors?: { id: string; signals: { intersection: string }[] }[] };
    const ids = new Set(req.intersections.map((i) => i.id));
    req.corridors?.forEach((c, ci) =>
      c.signals.forEach((s, si) => {
        if (!ids.has(s.intersection)) {
          asBodyProblem(new UrbanflowError('UF_ERR_INPUT', `corridor ${c.id}: signal intersection '${s.intersection}' is not in "intersections"`, { field: `corridors[${ci}].signals[${si}].intersection` }));
        }
      }),
    );
    return { scope: '' };
  },
  mayRead: (p, r) => mayReadTenant(p, r.tenant),
  listFilter: byTenant,
};

export const PLAN_KIND_DEFS: PlanKind[] = [DISPATCH, ROUTE, SIGNALS];
