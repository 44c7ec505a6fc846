// TypeBox schemas of live plan answers (signal plans, collection routes, completed dispatch requests) for the API.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { CalendarDate } from '../../formats.js';

const Los = Type.Union((['A', 'B', 'C', 'D', 'E', 'F'] as const).map((l) => Type.Literal(l)));
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** The signal planner's IntersectionPlan (solvers/signals/types.ts), in NTCIP 1202 terms. */
export const IntersectionPlanSchema = Type.Object({
  intersectionId: Type.String(),
  pattern: Type.Object({
    cycleTime: Type.Number(),
    offsetTime: Type.Number(),
    coordPhase: Nullable(Type.String()),
    sequence: Type.Array(Type.Array(Type.Array(Type.String()))),
  }),
  phases: Type.Array(
    Type.Object({
      phase: Type.String(),
      ring: Type.Integer(),
      barrier: Type.Integer(),
      start: Type.Number(),
      splitTime: Type.Number(),
      green: Type.Number(),
      minimumGreen: Type.Number(),
      walk: Type.Number(),
      pedestrianClear: Type.Number(),
      yellowChange: Type.Number(),
      redClear: Type.Number(),
      effectiveGreen: Type.Number(),
      lostTime: Type.Number(),
      laneGroups: Type.Array(Type.String()),
      splitMode: Type.Union([Type.Literal('coordinated'), Type.Literal('none')]),
    }),
  ),
  performance: Type.Object({
    criticalFlowRatio: Type.Number(),
    lostTime: Type.Number(),
    websterCycle: Nullable(Type.Number()),
    maxDegreeOfSaturation: Type.Number(),
    reserveCapacityPercent: Nullable(Type.Number()),
    controlDelay: Type.Number(),
    los: Los,
    laneGroups: Type.Array(
      Type.Object({
        id: Type.String(),
        phases: Type.Array(Type.String()),
        flowRate: Type.Number(),
        saturationFlow: Type.Number(),
        flowRatio: Type.Number(),
        effectiveGreen: Type.Number(),
        capacity: Type.Number(),
        vc: Type.Number(),
        uniformDelay: Type.Number(),
        incrementalDelay: Type.Number(),
        controlDelay: Type.Number(),
        los: Los,
      }),
    ),
  }),
  cycleSource: Type.Union(
    (['webster', 'cmin', 'cmax', 'minimum-greens', 'oversaturated', 'fixed'] as const).map((s) => Type.Literal(s)),
  ),
  oversaturated: Type.Boolean(),
});

export const CorridorPlanSchema = Type.Object({
  corridorId: Type.String(),
  cycleTime: Type.Number(),
  outboundBandwidth: Type.Number(),
  inboundBandwidth: Type.Number(),
  plans: Type.Array(IntersectionPlanSchema),
  method: Type.Literal('maxband-milp'),
  solverStatus: Type.String(),
});

const Demand = Type.Record(Type.String(), Type.Number(), { description: 'veh/h per lane group over the plan period' });

const versionFields = {
  version: Type.Integer({ minimum: 1, description: 'grows by one whenever the content changes' }),
  etag: Type.String({ description: 'strong ETag of the content, for If-None-Match' }),
  computedAtMs: Type.Number(),
  effectiveFromMs: Type.Number(),
  effectiveUntilMs: Type.Number(),
};

const forecastStatus = Type.Union([Type.Literal('ready'), Type.Literal('fallback')], {
  description: 'fallback when some demand came from the cold-start forecast (seasonal naive)',
});

export const SignalPlanReadySchema = Type.Object({
  status: Type.Literal('ready'),
  kind: Type.Literal('intersection'),
  id: Type.String(),
  ...versionFields,
  forecastStatus,
  demandVehPerHour: Demand,
  plan: IntersectionPlanSchema,
  warning: Type.Optional(Type.String()),
});

export const CorridorPlanReadySchema = Type.Object({
  status: Type.Literal('ready'),
  kind: Type.Literal('corridor'),
  id: Type.String(),
  ...versionFields,
  forecastStatus,
  demandVehPerHour: Type.Record(Type.String(), Demand, { description: 'per intersection id' }),
  plan: CorridorPlanSchema,
  warning: Type.Optional(Type.String()),
});

export const PlanNotReadySchema = Type.Object({
  status: Type.Literal('not-ready'),
  kind: Type.Union([Type.Literal('intersection'), Type.Literal('corridor')]),
  id: Type.String(),
  reason: Type.String(),
});

export const SignalPlanAnswerSchema = Type.Union([SignalPlanReadySchema, PlanNotReadySchema]);
export const CorridorPlanAnswerSchema = Type.Union([CorridorPlanReadySchema, PlanNotReadySchema]);
export type SignalPlanReady = Static<typeof SignalPlanReadySchema>;
export type CorridorPlanReady = Static<typeof CorridorPlanReadySchema>;
export type PlanNotReady = Static<typeof PlanNotReadySchema>;
export type SignalPlanAnswer = Static<typeof SignalPlanAnswerSchema>;
export type CorridorPlanAnswer = Static<typeof CorridorPlanAnswerSchema>;

const LatLon = Type.Object({ lat: Type.Number(), lon: Type.Number() });

/** The routing planner's CollectionPlan (solvers/routing/collection/types.ts). */
export const CollectionPlanSchema = Type.Object({
  trucks: Type.Array(
    Type.Object({
      truck: Type.String(),
      vehicleType: Type.Optional(Type.String({ description: 'the vehicle type the truck belongs to' })),
      cost: Type.Number({ description: "the truck's fixed cost plus its cost per km times its distance" }),
      stops: Type.Array(
        Type.Object({
          kind: Type.Union([Type.Literal('depot'), Type.Literal('bin'), Type.Literal('disposal')]),
          id: Type.String(),
          location: LatLon,
          arrival: Type.Number({ description: 'minutes after local midnight of the service date' }),
          departure: Type.Number(),
          loadM3: Type.Number(),
          loadKg: Type.Number(),
        }),
      ),
      trips: Type.Integer(),
      distanceKm: Type.Number(),
      durationMinutes: Type.Number(),
    }),
  ),
  unassigned: Type.Array(
    Type.Object({
      bin: Type.String(),
      mustCollect: Type.Boolean(),
      reason: Type.Union(
        (
          [
            'exceeds truck capacity',
            'unreachable',
            'time window cannot be met',
            'no truck time left',
            'optional bin not worth the detour',
          ] as const
        ).map((r) => Type.Literal(r)),
      ),
      detail: Type.Optional(
        Type.String({ description: 'the figures behind the reason, e.g. the earliest arrival against the window' }),
      ),
    }),
  ),
  mustCollect: Type.Array(Type.String()),
  optional: Type.Array(Type.String()),
  distanceKm: Type.Number(),
  cost: Type.Number({ description: 'Σ over the trucks used of fixed cost + cost per km × km' }),
});

export const CollectionRoutesQuerySchema = Type.Object(
  {
    depot: Type.String({ minLength: 1 }),
    date: CalendarDate({ description: 'service date, local to the city' }),
  },
  { additionalProperties: false },
);
export type CollectionRoutesQuery = Static<typeof CollectionRoutesQuerySchema>;

export const BinLevelRowSchema = Type.Object({
  id: Type.String(),
  fill: Type.Number({ description: 'fill (fraction) expected when the shift starts' }),
  forecastFill: Type.Number({
    description: "upper 80% fill (fraction) at the next service day's shift start if skipped",
  }),
  forecast: Type.Union([Type.Literal('ready'), Type.Literal('fallback')]),
  mustCollect: Type.Boolean(),
});
export type BinLevelRow = Static<typeof BinLevelRowSchema>;

export const CollectionRoutesAnswerSchema = Type.Object({
  status: Type.Literal('ready'),
  depot: Type.String(),
  date: Type.String(),
  ...versionFields,
  shiftStartMs: Type.Number(),
  nextServiceDate: Type.String(),
  nextServiceStartMs: Type.Number(),
  frozen: Type.Boolean({ description: 'the shift has started: routes no longer change' }),
  bins: Type.Array(BinLevelRowSchema),
  unknownBins: Type.Array(Type.Object({ id: Type.String(), reason: Type.String() })),
  overflowRisk: Type.Array(Type.String(), { description: 'must-collect bins the routes could not take' }),
  plan: CollectionPlanSchema,
});
export type CollectionRoutesAnswer = Static<typeof CollectionRoutesAnswerSchema>;

export const DispatchCompletionOptionsSchema = Type.Object(
  {
    band: Type.Optional(
      Type.Union([Type.Literal('forecast'), Type.Literal('upper80'), Type.Literal('upper95')], {
        description: 'which load to plan the cap against: the point forecast (default) or an upper band',
      }),
    ),
  },
  { additionalProperties: false },
);
export type DispatchCompletionOptions = Static<typeof DispatchCompletionOptionsSchema>;

export const FeederLoadSourceSchema = Type.Object({
  feeder: Type.String(),
  source: Type.Union([Type.Literal('request'), Type.Literal('forecast')]),
  method: Type.Optional(Type.String()),
  fittedAtMs: Type.Optional(Nullable(Type.Number())),
  lastObservationMs: Type.Optional(Type.Number()),
  observedIntervals: Type.Optional(
    Type.Integer({ description: 'intervals (partly) covered by measured load rather than forecast' }),
  ),
});
export type FeederLoadSource = Static<typeof FeederLoadSourceSchema>;
