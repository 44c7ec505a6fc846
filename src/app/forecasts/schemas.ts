// TypeBox schemas of forecast queries and answers: plain JSON, for the API's validation and documentation.
import { Type, type Static } from '@sinclair/typebox';

export const SeriesKindSchema = Type.Union([Type.Literal('feeder'), Type.Literal('bin'), Type.Literal('laneGroup')], {
  description: 'feeder load (kW, 30-min means), bin fill level (%, hourly), lane-group flow (vehicles per 5 min)',
});

export const ForecastQuerySchema = Type.Object(
  {
    kind: SeriesKindSchema,
    id: Type.String({ minLength: 1, description: 'feeder id, bin id, or intersection/laneGroup' }),
    fromMs: Type.Optional(
      Type.Number({ description: 'first step: the window containing this instant (epoch ms); default now' }),
    ),
    horizonMs: Type.Number({ exclusiveMinimum: 0, description: 'span to forecast from the first step' }),
  },
  { additionalProperties: false },
);
export type ForecastQuery = Static<typeof ForecastQuerySchema>;

const Numbers = Type.Array(Type.Number());

export const ModelInfoSchema = Type.Object({
  fittedAtMs: Type.Union([Type.Number(), Type.Null()], {
    description: 'service time of the refit; null for a cold-start fallback',
  }),
  dataFromMs: Type.Number({ description: 'start of the first window the forecast rests on' }),
  dataToMs: Type.Number({ description: 'start of the last window the fit used' }),
  observations: Type.Integer(),
  filledGaps: Type.Integer({ description: 'missing windows filled before fitting' }),
  calibratedHorizonSteps: Type.Integer({
    description: 'steps whose intervals were calibrated; later steps reuse the last width',
  }),
  appendedSteps: Type.Integer({ description: 'windows appended to the fitted model since the fit, without refitting' }),
});

export const ForecastReadySchema = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('fallback')]),
  kind: SeriesKindSchema,
  id: Type.String(),
  method: Type.Union(
    [
      Type.Literal('seasonal-arx'),
      Type.Literal('decomposition'),
      Type.Literal('combination'),
      Type.Literal('weekly-naive'),
      Type.Literal('seasonal-naive'),
      Type.Literal('yearly-naive'),
      Type.Literal('bin-fill'),
      Type.Literal('fill-rate'),
    ],
    {
      description:
        "the model that forecast: the series forecaster's chosen candidate, the bin fill model, or a cold-start fallback (seasonal-naive, fill-rate)",
    },
  ),
  unit: Type.String(),
  stepMs: Type.Integer(),
  timestamps: Type.Array(Type.Number(), {
    description: 'start of each forecast window (epoch ms); each covers stepMs',
  }),
  forecast: Numbers,
  lower80: Numbers,
  upper80: Numbers,
  lower95: Numbers,
  upper95: Numbers,
  lastObservationMs: Type.Number({ description: 'start of the newest observed window' }),
  lastValue: Type.Number({ description: 'the value observed in that window' }),
  stale: Type.Boolean({ description: 'no observation for longer than the kind allows before flagging' }),
  model: ModelInfoSchema,
  requiredForModel: Type.Optional(Type.Integer({ description: 'fallback only: usable steps the fitted model needs' })),
  threshold: Type.Optional(
    Type.Object({
      percent: Type.Number(),
      atMs: Type.Union([Type.Number(), Type.Null()], { description: 'when the point forecast reaches the threshold' }),
      earliestMs: Type.Union([Type.Number(), Type.Null()], {
        description: 'when the upper 80% band reaches it within the horizon',
      }),
    }),
  ),
});
export type ForecastReady = Static<typeof ForecastReadySchema>;

export const ForecastNotReadySchema = Type.Object({
  status: Type.Literal('not-ready'),
  kind: SeriesKindSchema,
  id: Type.String(),
  observations: Type.Integer(),
  required: Type.Integer({ description: 'observations the first forecast (fallback) needs' }),
  reason: Type.String(),
});
export type ForecastNotReady = Static<typeof ForecastNotReadySchema>;

export const ForecastAnswerSchema = Type.Union([ForecastReadySchema, ForecastNotReadySchema]);
export type ForecastAnswer = Static<typeof ForecastAnswerSchema>;

export const SeriesSummarySchema = Type.Object({
  kind: SeriesKindSchema,
  id: Type.String(),
  observations: Type.Integer(),
  lastObservationMs: Type.Union([Type.Number(), Type.Null()]),
  model: Type.Union([
    Type.Object({ fittedAtMs: Type.Number(), observations: Type.Integer(), calibratedHorizonSteps: Type.Integer() }),
    Type.Null(),
  ]),
  lastFitError: Type.Union([Type.String(), Type.Null()]),
});
export type SeriesSummary = Static<typeof SeriesSummarySchema>;
