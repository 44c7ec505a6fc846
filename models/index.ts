// Forecasting models: what the live service uses (the CLI and tests import the focused modules directly).
export { fitFeederLoad, forecastFeederLoad, type FeederLoadModel } from './feeder-load.js';
export {
  fitBinFill,
  forecastBinFill,
  appendBinFill,
  detectCollections,
  binCalibratableHorizon,
  DEFAULT_BIN_OPTIONS,
  type BinFillModel,
} from './bin-fill.js';
export { fitTrafficFlow, forecastTrafficFlow, type TrafficFlowModel } from './traffic-flow.js';
export { calibratableHorizon } from './generic.js';
export { appendSeriesModel, type SeriesMethod } from './series-model.js';
export { seasonalNaive } from './seasonal-naive.js';
export type { Bands } from './intervals.js';
