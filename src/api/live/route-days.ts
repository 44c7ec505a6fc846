// Live collection routes for waste contractors: a depot's service dates, and its routes for one date as JSON, GeoJSON or GPX.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { dayOfDate, localDateTime } from '../../city/local-time.js';
import { CollectionRoutesAnswerSchema, type CollectionRoutesAnswer } from '../../app/plans/index.js';
import type { City } from '../../city/index.js';
import { isUrbanflowError } from '../../errors.js';
import { planToGeoJson, planToGpx } from '../../../solvers/routing/index.js';
import { allow, mayUseDepot, principal } from '../access/index.js';
import type { ApiContext } from '../context.js';
import { HttpProblem } from '../problem.js';
import { routeOptions } from '../route-options.js';
import { GeoJson } from '../schemas/routing.js';
import { derivedTag, EncodedAnswers, sendConditional } from './conditional.js';
import { missingOf, notReady, waitFor, type MissingSeries } from './not-ready.js';
import type { LiveApi } from './plugin.js';
import { DepotCalendar, DepotDateParams, DepotParams, FormatQuery } from './schemas.js';
import type { ServiceTime } from './service-time.js';

const DAY = 86_400_000;

const FORMATS = {
  geojson: 'application/geo+json',
  gpx: 'application/gpx+xml',
} as const;
type Format = 'json' | keyof typeof FORMATS;

function formatOf(request: FastifyRequest<{ Querystring: Static<typeof FormatQuery> }>): Format {
  const asked =
    request.query.format ??
    (Object.keys(FORMATS) as (keyof typeof FORMATS)[]).find((f) => request.headers.accept?.includes(FORMATS[f]));
  return asked ?? 'json';
}

/** The routes as GeoJSON: truck lines and stops, plus a point per bin left out, with the reason and whether it risks overflowing. */
function geoJson(a: CollectionRoutesAnswer, city: City): string {
  const fc = planToGeoJson(a.plan);
  const risk = new Set(a.overflowRisk);
  const bins = new Map(city.waste.bins.map((b) => [b.id, b]));
  const left = a.plan.unassigned.flatMap((u) => {
    const b = bins.get(u.bin);
    if (!b) return [];
    return [
      {
        type: 'Feature' as const,
        geometry: { type: 'Point' as const, coordinates: [b.location.lon, b.location.lat] as [number, number] },
        properties: {
          kind: 'unassigned',
          id: u.bin,
          reason: u.reason,
          mustCollect: u.mustCollect,
          overflowRisk: risk.has(u.bin),
        },
      },
    ];
  });
  return JSON.stringify({
    ...fc,
    features: [...fc.features, ...left],
    depot: a.depot,
    date: a.date,
    version: a.version,
  });
}

export function routeDayRoutes(ctx: ApiContext, live: LiveApi, time: ServiceTime): FastifyPluginAsync {
  const routes = live.collectionRoutes;
  /** A depot outside the caller's scope is answered exactly like a missing one: depot ids are no oracle. */
  const depotInScope = (request: FastifyRequest, depot: string) => {
    const city = ctx.city.city;
    const d = city.waste.depots.find((x) => x.id === depot);
    if (!d || !mayUseDepot(principal(request), city, depot))
      throw new HttpProblem('not-found', `no depot '${depot}' within your scope; GET /v1/city/depots lists yours`);
    return d;
  };

  /** No bin of the depot has a fill forecast yet: 503 with the bins and the wait. */
  const noForecasts = (depot: string, date: string, unknownBins: { id: string; reason: string }[], now: number) => {
    const stepMs = live.forecasts.kindInfo('bin').stepMs;
    const missing = unknownBins.map(({ id, reason }): MissingSeries => {
      try {
        return (
          missingOf(live.forecasts.forecast({ kind: 'bin', id, horizonMs: stepMs }, now)) ?? {
            kind: 'bin',
            id,
            observations: 0,
            required: 0,
            reason,
          }
        );
      } catch {
        return { kind: 'bin', id, observations: 0, required: 0, reason };
      }
    });
    const waitMs = Math.max(...missing.map((m) => waitFor(m, stepMs)));
    return notReady(
      time,
      `no collection routes for depot ${depot} on ${date} yet: none of its ${missing.length} bins has a fill forecast (${missing[0].id}: ${missing[0].reason})`,
      waitMs,
      missing,
    );
  };

  /** The next service date whose shift has not started: what a contractor plans for without reading a calendar. */
  const nextServiceDate = (depot: string, now: number): string => {
    const next = routes.serviceDates(depot, now).find((d) => d.shiftStartMs > now);
    if (!next)
      throw new HttpProblem('invalid-request', `depot ${depot} has no service date ahead within the planning horizon`, {
        errors: [{ path: 'params.date', message: 'no service date ahead' }],
      });
    return next.date;
  };

  return async (app) => {
    const readers = routeOptions(allow('waste-contractor', 'operator'), ['routes']);
    const answers = new EncodedAnswers(CollectionRoutesAnswerSchema, 'collection routes');

    app.get<{ Params: Static<typeof DepotParams> }>(
      '/routes/depots/:depot',
      readers({
        summary: "A depot's service dates that may be requested now, with the routes computed so far",
        params: DepotParams,
        ok: { 200: DepotCalendar },
        errors: [400, 404],
      }),
      async (request, reply) => {
        const d = depotInScope(request, request.params.depot);
        reply.header('cache-control', 'private, no-cache');
        return {
          depot: d.id,
          contractor: d.contractor,
          timezone: ctx.city.city.timezone,
          dates: routes.serviceDates(d.id, time.now()),
        };
      },
    );

    app.get<{ Params: Static<typeof DepotDateParams>; Querystring: Static<typeof FormatQuery> }>(
      '/routes/depots/:depot/:date',
      readers({
        summary: "A depot's collection routes for a service date, planned on the live bin fill forecasts",
        description:
          'Per truck the ordered stops with arrival times (minutes after local midnight), load after each stop, disposal trips, distance and duration; ' +
          'bins left out with the reason, and must-collect bins the trucks could not take (overflowRisk). ?format=geojson or gpx (or the matching Accept) ' +
          'for maps and navigation devices. The first request for a date plans it (seconds); later ones answer the cached plan, recomputed when the set of ' +
          'bins to collect changes. The date `next` is the next service date whose shift has not started. Routes freeze when the shift starts. ETag per representation (the JSON one changes once more when the routes ' +
          'freeze); If-None-Match answers 304. A date without service, in the past or too far ahead is 422 naming why. Bins without a fill ' +
          'forecast yet are listed in unknownBins; while no bin of the depot has one the answer is 503 with Retry-After.',
        params: DepotDateParams,
        querystring: FormatQuery,
        ok: {
          200: {
            description: 'the routes (JSON or MessagePack by Accept), or GeoJSON or GPX by ?format= or Accept',
            content: {
              'application/json': { schema: CollectionRoutesAnswerSchema },
              'application/msgpack': { schema: CollectionRoutesAnswerSchema },
              [FORMATS.geojson]: { schema: GeoJson },
              [FORMATS.gpx]: {
                schema: Type.String({ description: 'GPX 1.1: a track per truck, waypoints per stop' }),
              },
            },
          },
          304: Type.Null(),
        },
        errors: [400, 404, 422, 503],
      }),
      async (request, reply) => {
        const depot = depotInScope(request, request.params.depot).id;
        const format = formatOf(request);
        const now = time.now();
        const date = request.params.date === 'next' ? nextServiceDate(depot, now) : request.params.date;
        let a: CollectionRoutesAnswer;
        try {
          a = await routes.routes({ depot, date }, now);
        } catch (err) {
          if (isUrbanflowError(err) && err.code === 'UF_ERR_INPUT' && err.details.field === 'date') {
            throw new HttpProblem('invalid-request', err.message, {
              errors: [{ path: 'params.date', message: err.message }],
            });
          }
          if (isUrbanflowError(err) && err.code === 'UF_ERR_NOT_READY' && Array.isArray(err.details.unknownBins)) {
            throw noForecasts(depot, date, err.details.unknownBins as { id: string; reason: string }[], now);
          }
          throw err;
        }
        // The JSON form says whether the routes are frozen, so freezing gives it a tag of its own (pollers learn it once).
        const etag = format !== 'json' ? derivedTag(a.etag, format) : a.frozen ? derivedTag(a.etag, 'frozen') : a.etag;
        const headers = {
          'x-plan-version': String(a.version),
          'x-effective-from': new Date(a.effectiveFromMs).toISOString(),
          'x-effective-until': new Date(a.effectiveUntilMs).toISOString(),
        };
        // Frozen routes no longer change; before the shift a GET revalidates, which recomputes when the bins to collect changed.
        const cacheControl = a.frozen ? time.cacheControl(DAY) : 'private, no-cache';
        const v = { etag, lastModifiedMs: a.computedAtMs, cacheControl, headers };
        if (format === 'json')
          return sendConditional(request, reply, v, ctx.now(), () => answers.get(`${depot}|${date}`, etag, () => a));
        const city = ctx.city.city;
        const day = dayOfDate(date, 'date');
        return sendConditional(request, reply.type(FORMATS[format]), v, ctx.now(), () =>
          format === 'geojson'
            ? geoJson(a, city)
            : planToGpx(a.plan, (minutes) => localDateTime(city.timezone, day, minutes)),
        );
      },
    );
  };
}
