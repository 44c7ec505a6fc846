// Live signal timing plans for traffic centers: the plan in effect per intersection and corridor, conditional GETs, listings.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { intersectionKey } from '../../app/index.js';
import {
  CorridorPlanReadySchema,
  SignalPlanReadySchema,
  etagOf,
  type CorridorPlanReady,
  type PlanNotReady,
  type SignalPlanReady,
} from '../../app/plans/index.js';
import { allow } from '../access/index.js';
import type { ApiContext } from '../context.js';
import { HttpProblem } from '../problem.js';
import { routeOptions } from '../route-options.js';
import { derivedTag, EncodedAnswers, sendConditional } from './conditional.js';
import { missingOf, notReady, waitFor, type MissingSeries } from './not-ready.js';
import type { LiveApi } from './plugin.js';
import { IdParams, PeriodQuery, SignalPlanList, SignalPlanRow } from './schemas.js';
import type { ServiceTime } from './service-time.js';

type Kind = 'intersection' | 'corridor';
type Ready = SignalPlanReady | CorridorPlanReady;
type Row = Static<typeof SignalPlanRow>;

const PLURAL: Record<Kind, string> = { intersection: 'intersections', corridor: 'corridors' };

/** The tag a GET answers with: the plan's content tag, or one derived from it while a warning is attached (so pollers see the warning once). */
function tagOf(a: Ready): string {
  return a.warning ? derivedTag(a.etag, etagOf(a.warning).slice(1, 9)) : a.etag;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function planHeaders(doc: unknown): Record<string, string> {
  const a = doc as Ready;
  return {
    'x-plan-version': String(a.version),
    'x-effective-from': iso(a.effectiveFromMs),
    'x-effective-until': iso(a.effectiveUntilMs),
  };
}

export function signalRoutes(ctx: ApiContext, live: LiveApi, time: ServiceTime): FastifyPluginAsync {
  const plans = live.signalPlans;
  const refreshMs = live.planRefreshEveryMs;
  const at = (kind: Kind, id: string, now: number) =>
    kind === 'intersection' ? plans.intersectionAt(id, now) : plans.corridorAt(id, now);
  // The planner's own city: a change staged for the next start (new sensors) is not planned yet.
  const ids = (kind: Kind): string[] =>
    plans
      .list()
      .filter((r) => r.kind === kind)
      .map((r) => r.id);

  /** Service time the answer can stay cached: it may change at the next refresh, when it ends, or when the next plan starts. */
  const freshFor = (current: Ready, next: Ready | null, now: number): number =>
    Math.min(refreshMs, current.effectiveUntilMs - now, next ? next.effectiveFromMs - now : Infinity);

  /** Lane groups of the intersections whose flow forecast is not ready, and how long until plans can follow them. */
  const missingFor = (intersections: string[], now: number): { missing: MissingSeries[]; waitMs: number } => {
    const stepMs = (() => {
      try {
        return live.forecasts.kindInfo('laneGroup').stepMs;
      } catch {
        return refreshMs;
      }
    })();
    const missing: MissingSeries[] = [];
    let waitMs = 0;
    for (const x of ctx.city.city.intersections.filter((i) => intersections.includes(i.id))) {
      for (const g of x.approaches.flatMap((a) => a.laneGroups)) {
        const id = intersectionKey(x.id, g.id);
        let m: MissingSeries | undefined;
        try {
          m = missingOf(live.forecasts.forecast({ kind: 'laneGroup', id, horizonMs: stepMs }, now));
        } catch (err) {
          m = { kind: 'laneGroup', id, observations: 0, required: 0, reason: (err as Error).message };
        }
        if (!m) continue;
        missing.push(m);
        waitMs = Math.max(waitMs, waitFor(m, stepMs));
      }
    }
    // Plans follow the forecasts at the next refresh.
    return { missing, waitMs: waitMs + refreshMs };
  };

  const membersOf = (kind: Kind, id: string): string[] =>
    kind === 'intersection' ? [id] : (ctx.city.city.corridors.find((c) => c.id === id)?.intersections ?? []);

  const notReadyProblem = (kind: Kind, a: PlanNotReady, now: number): HttpProblem => {
    const { missing, waitMs } = missingFor(membersOf(kind, a.id), now);
    return notReady(time, `no signal plan for ${kind} ${a.id} yet: ${a.reason}`, waitMs, missing, { reason: a.reason });
  };

  const row = (kind: Kind, id: string, now: number): Row => {
    const { current, next } = at(kind, id, now);
    const members = kind === 'corridor' ? { intersections: membersOf(kind, id) } : {};
    const ref = next && {
      version: next.version,
      etag: next.etag,
      effectiveFromMs: next.effectiveFromMs,
      effectiveUntilMs: next.effectiveUntilMs,
    };
    if (current.status === 'not-ready') {
      return {
        id,
        status: 'not-ready',
        ...members,
        version: null,
        etag: null,
        effectiveFromMs: null,
        effectiveUntilMs: null,
        reason: current.reason,
        next: ref,
      };
    }
    return {
      id,
      status: 'ready',
      ...members,
      version: current.version,
      etag: tagOf(current),
      effectiveFromMs: current.effectiveFromMs,
      effectiveUntilMs: current.effectiveUntilMs,
      forecastStatus: current.forecastStatus,
      ...(current.warning ? { warning: current.warning } : {}),
      next: ref,
    };
  };

  return async (app) => {
    const readers = routeOptions(allow('traffic-center', 'operator'), ['signals']);
    for (const kind of ['intersection', 'corridor'] as const) {
      const path = `/signals/${PLURAL[kind]}`;
      const Answer = kind === 'intersection' ? SignalPlanReadySchema : CorridorPlanReadySchema;
      const answers = new EncodedAnswers(Answer, `${kind} signal plan`);
      const lists = new EncodedAnswers(SignalPlanList, `${kind} plan list`);

      app.get(
        path,
        readers({
          summary: `Every ${kind} with the version and ETag of its plan in effect, and the next period's when published`,
          description:
            'The listing has an ETag of its own: poll it with If-None-Match and GET only the plans whose ETag changed.',
          ok: { 200: SignalPlanList, 304: Type.Null() },
        }),
        async (request, reply) => {
          const now = time.now();
          const items = ids(kind).map((id) => row(kind, id, now));
          const etag = etagOf(items);
          let fresh = refreshMs;
          for (const r of items) {
            if (r.effectiveUntilMs !== null && r.effectiveUntilMs > now)
              fresh = Math.min(fresh, r.effectiveUntilMs - now);
            if (r.next) fresh = Math.min(fresh, r.next.effectiveFromMs - now);
          }
          return sendConditional(request, reply, { etag, cacheControl: time.cacheControl(fresh) }, ctx.now(), () =>
            lists.get('all', etag, () => ({ kind, items })),
          );
        },
      );

      app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof PeriodQuery> }>(
        `${path}/:id/plan`,
        readers({
          summary: `The signal timing plan of a${kind === 'intersection' ? 'n' : ''} ${kind} in effect now (NTCIP 1202 pattern, splits and phases), or the next period's`,
          description:
            'ETag and Last-Modified (when computed); If-None-Match or If-Modified-Since answer 304 while the plan is unchanged. Cache-Control max-age runs to ' +
            'the next point the plan can change (a refresh, the end of its period, or the start of the next plan). X-Plan-Version, X-Effective-From and ' +
            "X-Effective-Until repeat the plan's version and effective span; a Link rel=next header points to the next period's plan once it is published. " +
            'While the lane-group forecasts are in cold start the answer is 503 with Retry-After and the lane groups still missing.',
          params: IdParams,
          querystring: PeriodQuery,
          produces: ['application/json', 'application/msgpack'],
          ok: { 200: Answer, 304: Type.Null() },
          errors: [400, 404, 503],
        }),
        async (
          request: FastifyRequest<{ Params: Static<typeof IdParams>; Querystring: Static<typeof PeriodQuery> }>,
          reply: FastifyReply,
        ) => {
          const { id } = request.params;
          const now = time.now();
          const { current, next } = at(kind, id, now);
          if (current.status === 'not-ready') throw notReadyProblem(kind, current, now);
          const wantsNext = request.query.period === 'next';
          const period = wantsNext ? 'next' : 'current';
          if (wantsNext && !next) {
            throw new HttpProblem(
              'not-found',
              `the next period's plan for ${kind} ${id} is not published yet; it is published shortly before the current plan ends (${iso(current.effectiveUntilMs)})`,
            );
          }
          const a = (wantsNext ? next : current) as Ready;
          const etag = tagOf(a);
          // Encoded (and its headers built) once per version; a poll costs a map lookup.
          const encoded = answers.get(`${id}|${period}`, etag, () => a, planHeaders);
          if (!wantsNext && next)
            reply.header('link', `</v1${path}/${encodeURIComponent(id)}/plan?period=next>; rel="next"`);
          const fresh = wantsNext ? Math.min(refreshMs, a.effectiveFromMs - now) : freshFor(a, next, now);
          return sendConditional(
            request,
            reply,
            { etag, lastModifiedMs: a.computedAtMs, cacheControl: time.cacheControl(fresh), headers: encoded.headers },
            ctx.now(),
            () => encoded,
          );
        },
      );
    }
  };
}
