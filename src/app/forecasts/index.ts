// Online forecasting of the live city: feeder load, bin fill and lane-group flow from window results, refitted in workers.
export { ForecastService, type ForecastServiceOptions, type ForecastStats } from './service.js';
export {
  DEFAULT_KIND_SETTINGS,
  SERIES_KINDS,
  resolveKinds,
  seriesIdsOfCity,
  type KindSettings,
  type ResolvedKind,
  type SeriesKind,
} from './series-kinds.js';
export { SeriesHistory, type HistorySnapshot } from './history.js';
export { fillGaps } from './gaps.js';
export {
  buildFitTask,
  runFit,
  requiredSteps,
  fitHorizon,
  type FitTask,
  type FitData,
  type LiveModel,
} from './fit-task.js';
export { advanceModel, forecastPath, type ModelRecord } from './online.js';
export { answerForecast, fallbackRequired } from './answer.js';
export {
  ForecastQuerySchema,
  ForecastAnswerSchema,
  ForecastReadySchema,
  ForecastNotReadySchema,
  SeriesKindSchema,
  SeriesSummarySchema,
  type ForecastQuery,
  type ForecastAnswer,
  type ForecastReady,
  type ForecastNotReady,
  type SeriesSummary,
} from './schemas.js';
