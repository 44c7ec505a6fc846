// Forecast queries: a feeder's load, a bin's fill level, a lane group's flow with 80/95% intervals, and series listings; role-scoped.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  ForecastReadySchema,
  type ForecastAnswer,
  type ForecastReady,
  type SeriesKind,
} from '../../app/forecasts/index.js';
import { etagOf } from '../../app/plans/index.js';
import type { City } from '../../city/index.js';
import { isUrbanflowError } from '../../errors.js';
import { allow, mayReadBin, principal, type Principal, type Role } from '../access/index.js';
import type { ApiContext } from '../context.js';
import { HttpProblem } from '../problem.js';
import { routeOptions } from '../route-options.js';
import { notModified } from './conditional.js';
import { missingOf, notReady, waitFor } from './not-ready.js';
import type { LiveApi } from './plugin.js';
import { parseDuration, parseInstant } from './query-values.js';
import { ForecastQueryString, IdParams, LaneGroupParams, SeriesList, SeriesListQuery } from './schemas.js';
import type { ServiceTime } from './service-time.js';

const HOUR = 3_600_000;

interface KindRoute {
  kind: SeriesKind;
  /** URL segment under /v1/forecasts. */
  path: string;
  noun: string;
  roles: Role[];
  defaultHorizonMs: number;
  /** Params schema and the series id they name. */
  params: TSchema;
  paramPath: string;
  idOf: (params: Record<string, string>) => string;
  /** Series the caller may read (contractors: the bins of their depots or areas). */
  mayRead?: (p: Principal, city: City, id: string) => boolean;
}

/** A series named by one id in the path (a feeder, a bin). */
const NAMED_BY_ID: Pick<KindRoute, 'params' | 'paramPath' | 'idOf'> = {
  params: IdParams,
  paramPath: ':id',
  idOf: (p) => p.id,
};

const KINDS: KindRoute[] = [
  {
    kind: 'feeder',
    path: 'feeders',
    noun: 'feeder',
    roles: ['utility', 'operator'],
    defaultHorizonMs: 24 * HOUR,
    ...NAMED_BY_ID,
  },
  {
    kind: 'bin',
    path: 'bins',
    noun: 'bin',
    roles: ['waste-contractor', 'operator'],
    defaultHorizonMs: 48 * HOUR,
    ...NAMED_BY_ID,
    mayRead: (p, city, id) => {
      const bin = city.waste.bins.find((b) => b.id === id);
      return bin !== undefined && mayReadBin(p, city, bin);
    },
  },
  {
    kind: 'laneGroup',
    path: 'lane-groups',
    noun: 'lane group',
    roles: ['traffic-center', 'operator'],
    defaultHorizonMs: 2 * HOUR,
    params: LaneGroupParams,
    paramPath: ':intersection/:laneGroup',
    idOf: (p) => `${p.intersection}/${p.laneGroup}`,
  },
];

const QUERY_FIELDS: Record<string, string> = { horizonMs: 'horizon', fromMs: 'from' };

export function forecastRoutes(ctx: ApiContext, live: LiveApi, time: ServiceTime): FastifyPluginAsync {
  const forecasts = live.forecasts;

  /** The forecast, or a 400 naming the query parameter the service refused. */
  const answer = (
    k: KindRoute,
    id: string,
    horizonMs: number,
    fromMs: number | undefined,
    now: number,
  ): ForecastAnswer => {
    try {
      return forecasts.forecast({ kind: k.kind, id, horizonMs, ...(fromMs !== undefined ? { fromMs } : {}) }, now);
    } catch (err) {
      const field =
        isUrbanflowError(err) && err.code === 'UF_ERR_INPUT' ? QUERY_FIELDS[err.details.field as string] : undefined;
      if (field)
        throw new HttpProblem('validation', (err as Error).message, {
          errors: [{ path: `querystring.${field}`, message: (err as Error).message }],
        });
      throw err;
    }
  };

  /** State of one series for listings: the status a one-step forecast answers with now. */
  const stateOf = (k: KindRoute, id: string, stepMs: number, now: number) => {
    try {
      const a = forecasts.forecast({ kind: k.kind, id, horizonMs: stepMs }, now);
      return a.status === 'not-ready'
        ? { status: a.status, stale: false, reason: a.reason }
        : { status: a.status, stale: a.stale };
    } catch (err) {
      return { status: 'not-ready' as const, stale: false, reason: (err as Error).message };
    }
  };

  return async (app) => {
    const tags = ['forecasts'];
    for (const k of KINDS) {
      const readers = routeOptions(allow(...k.roles), tags);
      const readable = (request: FastifyRequest, id: string) =>
        !k.mayRead || k.mayRead(principal(request), ctx.city.city, id);

      app.get<{ Querystring: Static<typeof SeriesListQuery> }>(
        `/forecasts/${k.path}`,
        readers({
          summary: `Every ${k.noun} series the caller may read, with its data and model state`,
          querystring: SeriesListQuery,
          ok: { 200: SeriesList },
          errors: [400, 404, 422],
        }),
        async (request) => {
          const info = forecasts.kindInfo(k.kind);
          const now = time.now();
          const all = forecasts.series(k.kind).filter((s) => readable(request, s.id));
          let start = 0;
          if (request.query.after !== undefined) {
            const i = all.findIndex((s) => s.id === request.query.after);
            if (i < 0)
              throw new HttpProblem(
                'invalid-request',
                `cursor 'after' is not one of your ${k.noun} series: '${request.query.after}'`,
                { errors: [{ path: 'querystring.after', message: 'unknown series id' }] },
              );
            start = i + 1;
          }
          const page = all.slice(start, start + request.query.limit);
          const items = page.map((s) => ({ ...s, ...stateOf(k, s.id, info.stepMs, now) }));
          const more = start + page.length < all.length;
          return {
            kind: k.kind,
            operator: info.operator,
            stepMs: info.stepMs,
            unit: info.unit,
            maxHorizonMs: info.maxLookaheadMs,
            items,
            total: all.length,
            ...(more ? { next: page[page.length - 1].id } : {}),
          };
        },
      );

      app.get<{ Params: Record<string, string>; Querystring: Static<typeof ForecastQueryString> }>(
        `/forecasts/${k.path}/${k.paramPath}`,
        readers({
          summary: `The ${k.noun} forecast with 80% and 95% prediction intervals`,
          description:
            'Point forecast and interval bounds per window from the window containing `from` (default now), the fitted model (fit time, data span) or the ' +
            'cold-start fallback, and whether the data is stale. ETag of the content; If-None-Match answers 304. While the series is in cold start the ' +
            'answer is 503 with Retry-After and the observations still missing.',
          params: k.params,
          querystring: ForecastQueryString,
          produces: ['application/json', 'application/msgpack'],
          ok: { 200: ForecastReadySchema, 304: Type.Null() },
          errors: [400, 404, 422, 503],
        }),
        async (
          request: FastifyRequest<{ Params: Record<string, string>; Querystring: Static<typeof ForecastQueryString> }>,
          reply: FastifyReply,
        ) => {
          const id = k.idOf(request.params);
          // A bin outside a contractor's scope is answered exactly like a missing one.
          if (!readable(request, id)) throw new HttpProblem('not-found', `no ${k.noun} '${id}' within your scope`);
          const horizonMs =
            request.query.horizon === undefined ? k.defaultHorizonMs : parseDuration(request.query.horizon, 'horizon');
          const fromMs = request.query.from === undefined ? undefined : parseInstant(request.query.from, 'from');
          const now = time.now();
          const a = answer(k, id, horizonMs, fromMs, now);
          const missing = missingOf(a);
          if (missing)
            throw notReady(
              time,
              `no forecast for ${k.noun} ${id} yet: ${missing.reason}`,
              waitFor(missing, forecasts.kindInfo(k.kind).stepMs),
              [missing],
            );
          const ready = a as ForecastReady;
          const etag = etagOf(ready);
          // The answer changes when the window after the newest observed one closes.
          const cacheControl = time.cacheControl(ready.lastObservationMs + 2 * ready.stepMs - now);
          reply.header('etag', etag).header('cache-control', cacheControl);
          if (notModified(request, { etag, cacheControl })) return reply.code(304).send();
          return ready;
        },
      );
    }
  };
}
