// Forecasting models: pure fit / forecast / serialize functions for feeder load, bin fill, traffic flow and any series.
export { fitFeederLoad, forecastFeederLoad, type FeederLoadInput, type FeederLoadModel } from './feeder-load.js';
export { fitBinFill, forecastBinFill, appendBinFill, detectCollections, binCalibratableHorizon, DEFAULT_BIN_OPTIONS, type BinFillInput, type BinFillModel, type BinFillOptions, type BinFillForecast } from './bin-fill.js';
export { fitTrafficFlow, forecastTrafficFlow, type TrafficFlowInput, type TrafficFlowModel } from './traffic-flow.js';
export { fitSeries, forecastModel, calibratableHorizon, type SeriesInput, type Forecast } from './generic.js';
export { backtestSeries, type BacktestReport, type Scores } from './backtest.js';
export { parseCsvSeries, formatTime, type CsvSeries } from './csv.js';
export { serializeModel, restoreModel, type AnyModel } from './serialize.js';
export { holidayDays } from './calendar.js';
export { appendSeasonalArx, type SeasonalArxModel, type SeasonalArxConfig } from './seasonal-arx.js';
export { appendSeriesModel, type SeriesModel, type SeriesMethod } from './series-model.js';
export { fitDecomposition, forecastDecomposition, type DecompositionModel } from './decomposition.js';
export type { IntervalCalibration, Bands } from './intervals.js';
