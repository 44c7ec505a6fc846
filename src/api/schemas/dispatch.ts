// Contract of dispatch plans over HTTP: the request (its schema is the solver's), the plan with OpenADR events, the inputs filled in.
import { Type } from '@sinclair/typebox';
import { DispatchRequestSchema } from '../../../solvers/dispatch/request.js';
import { DECOMPOSITION_FALLBACK_REASONS } from '../../../solvers/dispatch/index.js';

const Num = Type.Number();
const Window = Type.Object(
  { start: Type.String({ description: 'ISO 8601 instant' }), end: Type.String() },
  { additionalProperties: false },
);

/** The request's one schema lives with the solver (solvers/dispatch/request.ts); the API documents and checks it. */
export const DispatchRequest = DispatchRequestSchema;

const Setpoint = Type.Object({ type: Type.Literal('DISPATCH_SETPOINT'), values: Type.Array(Num) });

export const OpenAdrEvent = Type.Object({
  objectType: Type.Literal('EVENT'),
  programID: Type.String(),
  eventName: Type.String(),
  targets: Type.Array(Type.Object({ type: Type.String(), values: Type.Array(Type.String()) })),
  payloadDescriptors: Type.Array(
    Type.Object({ objectType: Type.String(), payloadType: Type.String(), units: Type.String() }),
  ),
  intervalPeriod: Type.Object({ start: Type.String(), duration: Type.String() }),
  intervals: Type.Array(
    Type.Object({
      id: Type.Integer(),
      intervalPeriod: Type.Optional(Type.Object({ start: Type.String(), duration: Type.String() })),
      payloads: Type.Array(Setpoint),
    }),
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
      {
        description:
          'the time budget ran out first: the best plan found, with the lower bound proven by then and the gap to it',
      },
    ),
  ),
  decomposition: Type.Optional(
    Type.Object(
      {
        rounds: Type.Optional(Type.Integer()),
        columns: Type.Optional(Type.Integer()),
        masterIterations: Type.Optional(Type.Integer()),
        lowerBound: Type.Optional(Num),
        pricingThreads: Type.Optional(Type.Integer()),
        masterMs: Type.Optional(Num),
        oracleMs: Type.Optional(Num),
        fallback: Type.Optional(
          Type.Object(
            {
              reason: Type.Union(DECOMPOSITION_FALLBACK_REASONS.map((r) => Type.Literal(r))),
              message: Type.String(),
            },
            {
              description:
                'the problem was meant for the decomposition, which could not give the plan: the full model solved it, for this reason',
            },
          ),
        ),
      },
      {
        description:
          'column generation statistics of a decomposition solve, or why the full model solved a problem meant for it',
      },
    ),
  ),
  rejectedPlan: Type.Optional(
    Type.Object(
      { method: Type.String(), violations: Type.Array(Type.String()) },
      {
        description:
          "a first plan broke a rule of the request (the service's independent checker) and the full model's plan replaced it",
      },
    ),
  ),
  repairedPlan: Type.Optional(
    Type.Object(
      {
        violations: Type.Array(Type.String()),
        nettedIntervals: Type.Integer(),
        scaledResources: Type.Array(Type.Object({ id: Type.String(), factor: Num })),
      },
      {
        description:
          'the plan the time budget stopped broke these rules and was repaired: storage charging and discharging in one interval merged at the same state of charge, and merged plans that would break a ramp scaled down',
      },
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
    Type.Object({
      id: Type.String(),
      netReductionKW: Series,
      shortfallKW: Type.Union([Series, Type.Null()]),
      marginalCostPerKWh: Type.Union([Series, Type.Null()]),
    }),
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
  description:
    "which load a capped feeder's missing forecastKW is taken from: the point forecast (default) or an upper band, for a cautious cap",
});

export const CityResourcesInput = Type.Object(
  {
    city: Type.String({ description: 'the city model the references were resolved against' }),
    taken: Type.Array(
      Type.Object({
        id: Type.String(),
        feeder: Type.String({
          description: 'its feeder in the city (the plan attaches it there only when the request lists that feeder)',
        }),
        kind: Type.String(),
        via: Type.Union([Type.Literal('ref'), Type.Literal('feeder')]),
      }),
    ),
    leftOut: Type.Array(Type.Object({ id: Type.String(), feeder: Type.String(), reason: Type.String() }), {
      description: 'resources of a named feeder not dispatched, and why',
    }),
  },
  { description: 'DR resources of the city file the request named by { ref } or { feeder }, as the plan used them' },
);

export const DispatchInputs = Type.Object(
  {
    completedAtMs: Type.Optional(
      Type.Number({
        description: 'service time (epoch ms) at which the missing loads were taken from the live forecasts',
      }),
    ),
    band: Type.Optional(LoadBand),
    feeders: Type.Optional(
      Type.Array(
        Type.Object({
          feeder: Type.String(),
          source: Type.Literal('forecast'),
          method: Type.String({
            description: 'forecast method: seasonal-arx (fitted model) or seasonal-naive (cold-start fallback)',
          }),
          fittedAtMs: Type.Union([Type.Number(), Type.Null()], {
            description: 'service time the model was fitted; null for the fallback',
          }),
          lastObservationMs: Type.Number({
            description: 'start of the newest measured 30-minute window the forecast followed',
          }),
          observedIntervals: Type.Integer({
            description: 'event intervals (partly) covered by measured load instead of forecast',
          }),
          forecastKW: Type.Array(Num, { description: 'the load per event interval the plan was solved against' }),
        }),
      ),
    ),
    cityResources: Type.Optional(CityResourcesInput),
  },
  {
    description:
      'Inputs the request left out or named and the service filled: the load forecast of each capped feeder given without forecastKW, the DR resources named from the city file',
  },
);
