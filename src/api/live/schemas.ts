// Contract of the live-city routes: parameters, listings and the answers the live services give (their own schemas).
import { Type, type TSchema } from '@sinclair/typebox';
import { SeriesSummarySchema } from '../../app/forecasts/index.js';
import { CalendarDate, Instant } from '../../formats.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

// Optional without a default: a request without it passes validation as it is (no conversion per request).
export const PeriodQuery = Type.Object({
  period: Type.Optional(
    Type.Union([Type.Literal('current'), Type.Literal('next')], {
      description:
        "current (default): the plan in effect now; next: the next period's plan, published shortly before the period starts",
    }),
  ),
});

const PlanRef = Type.Object({
  version: Type.Integer(),
  etag: Type.String(),
  effectiveFromMs: Type.Number(),
  effectiveUntilMs: Type.Number(),
});

export const SignalPlanRow = Type.Object({
  id: Type.String(),
  status: Type.Union([Type.Literal('ready'), Type.Literal('not-ready')]),
  intersections: Type.Optional(Type.Array(Type.String(), { description: 'corridors: their intersections in order' })),
  version: Nullable(Type.Integer()),
  etag: Nullable(Type.String({ description: 'the ETag a GET of the current plan answers with' })),
  effectiveFromMs: Nullable(Type.Number()),
  effectiveUntilMs: Nullable(Type.Number()),
  forecastStatus: Type.Optional(Type.Union([Type.Literal('ready'), Type.Literal('fallback')])),
  warning: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String({ description: 'not-ready: what is missing' })),
  next: Nullable(PlanRef),
});

export const SignalPlanList = Type.Object({
  kind: Type.Union([Type.Literal('intersection'), Type.Literal('corridor')]),
  items: Type.Array(SignalPlanRow),
});

export const DepotParams = Type.Object({ depot: Type.String({ minLength: 1, maxLength: 200 }) });

export const DepotDateParams = Type.Object({
  depot: Type.String({ minLength: 1, maxLength: 200 }),
  date: Type.Union([CalendarDate(), Type.Literal('next')], {
    description:
      "service date YYYY-MM-DD, local to the city, or 'next': the next service date whose shift has not started",
  }),
});

export const FormatQuery = Type.Object({
  format: Type.Optional(
    Type.Union([Type.Literal('json'), Type.Literal('geojson'), Type.Literal('gpx')], {
      description: 'json (default), geojson or gpx; or ask with Accept: application/geo+json or application/gpx+xml',
    }),
  ),
});

export const DepotCalendar = Type.Object({
  depot: Type.String(),
  contractor: Type.String(),
  timezone: Type.String(),
  dates: Type.Array(
    Type.Object({
      date: Type.String(),
      shiftStartMs: Type.Number(),
      plan: Nullable(
        Type.Object({
          version: Type.Integer(),
          etag: Type.String(),
          computedAtMs: Type.Number(),
          frozen: Type.Boolean({ description: 'the shift has started: the routes no longer change' }),
        }),
      ),
    }),
    {
      description:
        'service dates that may be requested now, with the routes computed so far (GET a date to compute them)',
    },
  ),
});

const N = '[0-9]+(\\.[0-9]+)?';

/** The durations parseDuration reads: 90m, 6h, 1.5d, or ISO 8601 days, hours and minutes (PT6H, P1DT12H). */
export const DURATION_PATTERN = `^(${N}(m|min|h|d)|P(${N}D(T(${N}H(${N}M)?|${N}M))?|T(${N}H(${N}M)?|${N}M)))$`;

export const ForecastQueryString = Type.Object({
  horizon: Type.Optional(
    Type.String({
      pattern: DURATION_PATTERN,
      errorMessage: 'must be a positive duration such as 90m, 6h, 2d or PT6H',
      description:
        'span to forecast: 90m, 6h, 2d or ISO 8601 (PT6H, P1DT12H); default 24h for feeders, 48h for bins, 2h for lane groups',
    }),
  ),
  from: Type.Optional(
    Instant({
      description: 'first step: the window containing this instant (RFC 3339 date-time or epoch ms); default now',
    }),
  ),
});

export const LaneGroupParams = Type.Object({
  intersection: Type.String({ minLength: 1, maxLength: 200 }),
  laneGroup: Type.String({ minLength: 1, maxLength: 200 }),
});

export const SeriesListQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 1_000 }),
  after: Type.Optional(Type.String({ description: 'cursor: the last id of the previous page' })),
});

export const SeriesRow = Type.Composite([
  SeriesSummarySchema,
  Type.Object({
    status: Type.Union([Type.Literal('ready'), Type.Literal('fallback'), Type.Literal('not-ready')], {
      description: 'ready: fitted model; fallback: cold-start forecast; not-ready: no forecast yet (reason says why)',
    }),
    stale: Type.Boolean({ description: 'no observation for longer than the kind allows before flagging' }),
    reason: Type.Optional(Type.String()),
  }),
]);

export const SeriesList = Type.Object({
  kind: Type.Union([Type.Literal('feeder'), Type.Literal('bin'), Type.Literal('laneGroup')]),
  operator: Type.String({ description: 'the window operator that feeds the series' }),
  stepMs: Type.Integer(),
  unit: Type.String(),
  maxHorizonMs: Type.Number({ description: 'how far past the last observation a forecast may reach' }),
  items: Type.Array(SeriesRow),
  total: Type.Integer({ description: 'series of this kind the caller may read' }),
  next: Type.Optional(Type.String({ description: 'cursor of the next page' })),
});
