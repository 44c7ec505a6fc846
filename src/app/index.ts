// Public surface of the application layer: the pipeline from a source to the stores, its Kafka variant, and the live
// services (forecasts and plans, each with its own index: ./forecasts, ./plans) the API serves.
export {
  createPipeline,
  type Pipeline,
  type PipelineEngine,
  type PipelineOptions,
  type ResultListener,
} from './pipeline.js';
export { createKafkaPipeline, type KafkaPipelineOptions } from './kafka-pipeline.js';
export { startLiveServices, type LiveOptions, type LiveServices } from './live.js';
export { catalogFromCity, intersectionKey } from './catalog.js';
export { DEFAULT_OPERATORS, parseOperators } from './operators.js';
export { StateStore } from './state-store.js';
