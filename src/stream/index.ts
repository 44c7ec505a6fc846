// Public surface of the stream subsystem.
export { AGGREGATES, type AggregateName } from './aggregates.js';
export { StreamEngine, type EngineOptions, type EngineStats } from './engine.js';
export { LateRateMonitor, type LateRateStatus } from './late-rate.js';
export { resultRows, type WindowResult } from './results.js';
export type { OperatorSpec, WatermarkSpec, WindowSpec } from './spec.js';
export { DEFAULT_SKETCH_ALPHA } from './sketch.js';
