// Contract of dispatch plans: the request (solvers/dispatch checks the semantics) and the plan with OpenADR events.
import { Type } from '@sinclair/typebox';

const Num = Type.Number();
const NumOrSeries = Type.Union([Type.Number(), Type.Array(Type.Number())], { description: 'one value for every interval, or one per interval' });
const Window = Type.Object({ start: Type.String({ description: 'ISO 8601 instant' }), end: Type.String() }, { additionalProperties: false });

const common = {
  id: Type.String({ minLength: 1 }),
  feeder: Type.Optional(Type.String()),
  costPerKWh: Type.Optional(Num),
  costPerCall: Type.Optional(Num),
  rampKWPerInterval: Type.Optional(Num),
  availability: Type.Optional(Type.Array(Window)),
  maxEvents: Type.Optional(Type.Integer()),
};

const Resource = Type.Union([
  Type.Object({ ...common, kind: Type.Literal('battery'), powerKW: Num, energyKWh: Num, socKWh: Num, minSocKWh: Type.Optional(Num), roundTripEfficiency: Type.Optional(Num) }, { additionalProperties: false }),
  Type.Object({ ...common, kind: Type.Literal('hvac'), shedKW: Num, maxDurationMinutes: Num, reboundFraction: Type.Optional(Num), reboundMinutes: Type.Optional(Num) }, { additionalProperties: false }),
  Type.Object({ ...common, kind: Type.Literal('ev'), baselineKW: NumOrSeries, maxChargeKW: Num, shiftableKWh: Num, deadline: Type.String() }, { additionalProperties: false }),
  Type.Object(
    { ...common, kind: Type.Literal('industrial'), minKW: Type.Optional(Num), maxKW: Num, noticeMinutes: Type.Optional(Num), minRunMinutes: Type.Optional(Num) },
    { additionalProperties: false },
  ),
]);

export const DispatchRequest = Type.Object(
  {
    issuedAt: Type.Optional(Type.String()),
    programId: Type.Optional(Type.String()),
    event: Type.Optional(Type.Object({ start: Type.String(), intervalMinutes: Num, count: Type.Integer() }, { additionalProperties: false })),
    intervals: Type.Optional(Type.Array(Window, { maxItems: 10_000 })),
    targetKW: Type.Optional(Type.Array(Num, { maxItems: 10_000 })),
    feeders: Type.Optional(
      Type.Array(
        Type.Object({ id: Type.String(), capKW: Type.Optional(NumOrSeries), forecastKW: Type.Optional(Type.Array(Num)), maxReductionKW: Type.Optional(Num) }, { additionalProperties: false }),
      ),
    ),
    shortfallPenaltyPerKWh: Type.Optional(Num),
    mipGap: Type.Optional(Type.Number({ minimum: 0, maximum: 0.5, description: 'relative gap at which a MIP plan is accepted (default 0.005)' })),
    timeLimitSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 3600, description: 'time budget of the solve; when it runs out the best plan found is returned with its proven bound in timeLimit (default 120)' })),
    resources: Type.Array(Resource, { maxItems: 20_000 }),
  },
  { additionalProperties: false, description: 'A demand-response dispatch request, as read by `urbanflow dispatch FILE.json`' },
);

const Setpoint = Type.Object({ type: Type.Literal('DISPATCH_SETPOINT'), values: Type.Array(Num) });

export const OpenAdrEvent = Type.Object({
  objectType: Type.Literal('EVENT'),
  programID: Type.String(),
  eventName: Type.String(),
  targets: Type.Array(Type.Object({ type: Type.String(), values: Type.Array(Type.String()) })),
  payloadDescriptors: Type.Array(Type.Object({ objectType: Type.String(), payloadType: Type.String(), units: Type.String() })),
  intervalPeriod: Type.Object({ start: Type.String(), duration: Type.String() }),
  intervals: Type.Array(
    Type.Object({ id: Type.Integer(), intervalPeriod: Type.Optional(Type.Object({ start: Type.String(), duration: Type.String() })), payloads: Type.Array(Setpoint) }),
  ),
});

const Series = Type.Array(Num);

export const DispatchPlan = Type.Object({
  status: Type.Union([Type.Literal('optimal'), Type.Literal('feasible')]),
  backend: Type.String(),
  mip: Type.Boolean(),
  mipGap: Type.Optional(Num),
  timeLimit: Type.Optional(
    Type.Object(
      { seconds: Num, lowerBound: Type.Union([Num, Type.Null()]), gap: Type.Union([Num, Type.Null()]) },
      { description: 'the time budget ran out first: the best plan found, with the lower bound proven by then and the gap to it' },
    ),
  ),
  rejectedPlan: Type.Optional(
    Type.Object(
      { method: Type.String(), violations: Type.Array(Type.String()) },
      { description: "a first plan broke a rule of the request (the service's independent checker) and the full model's plan replaced it" },
    ),
  ),
  intervals: Type.Array(Window),
  objective: Num,
  cost: Type.Object({ total: Num, energy: Num, calls: Num }),
  shortfallPenalty: Num,
  deliveredKW: Series,
  shortfallKW: Series,
  marginalCostPerKWh: Type.Union([Series, Type.Null()]),
  feeders: Type.Array(
    Type.Object({ id: Type.String(), netReductionKW: Series, shortfallKW: Type.Union([Series, Type.Null()]), marginalCostPerKWh: Type.Union([Series, Type.Null()]) }),
  ),
  resources: Type.Array(
    Type.Object({
      id: Type.String(),
      kind: Type.String(),
      feeder: Type.Optional(Type.String()),
      setpointKW: Series,
      netReductionKW: Series,
      stateKWh: Type.Optional(Series),
      called: Type.Array(Type.Boolean()),
      calls: Type.Integer(),
      cost: Num,
    }),
  ),
  events: Type.Array(OpenAdrEvent),
});

export const LoadBand = Type.Union([Type.Literal('forecast'), Type.Literal('upper80'), Type.Literal('upper95')], {
  description: "which load a capped feeder's missing forecastKW is taken from: the point forecast (default) or an upper band, for a cautious cap",
});

export const DispatchInputs = Type.Object(
  {
    completedAtMs: Type.Number({ description: 'service time (epoch ms) at which the missing loads were taken from the live forecasts' }),
    band: LoadBand,
    feeders: Type.Array(
      Type.Object({
        feeder: Type.String(),
        source: Type.Literal('forecast'),
        method: Type.String({ description: 'forecast method: seasonal-arx (fitted model) or seasonal-naive (cold-start fallback)' }),
        fittedAtMs: Type.Union([Type.Number(), Type.Null()], { description: 'service time the model was fitted; null for the fallback' }),
        lastObservationMs: Type.Number({ description: 'start of the newest measured 30-minute window the forecast followed' }),
        observedIntervals: Type.Integer({ description: 'event intervals (partly) covered by measured load instead of forecast' }),
        forecastKW: Type.Array(Num, { description: 'the load per event interval the plan was solved against' }),
      }),
    ),
  },
  { description: 'Inputs the request left out and the service filled: the load forecast of each capped feeder given without forecastKW' },
);
