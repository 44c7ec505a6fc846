// Public surface of telemetry: the reading, the metrics and sensor catalog, the wire codec, validation and dead letters.
export { QUALITY_CODES, QUALITY_NAMES, type Quality, type Reading } from './reading.js';
export { METRICS, METRIC_INDEX, type MetricSpec, type SensorKind } from './metrics.js';
export { SENSOR_KINDS, buildCatalog, type CatalogSensor, type SensorCatalog } from './catalog.js';
export {
  WireFormatError,
  batchFromReadings,
  decodeSingle,
  decodeWire,
  encodeBatch,
  encodeReading,
  type DecodedBatch,
  type DecodedMessage,
} from './codec.js';
export { SingleReadingDecoder, type FastReading } from './single-decoder.js';
export {
  DEFAULT_MAX_FUTURE_SKEW_MS,
  validateBatch,
  validateSingle,
  type PartitionOwnership,
  type ValidReadings,
  type ValidationContext,
} from './validate.js';
export { ReadingColumns } from './reading-columns.js';
export { DeadLetterLog, type DeadLetter, type DeadLetterReason, type DeadLetterSink } from './dead-letter.js';
export { DeadLetterSampler } from './dead-letter-sampler.js';
