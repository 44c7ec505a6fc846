// Scale-out serving on Kafka: user state shared through compacted topics (keys, plans, city model, live plan versions).
export { SharedState, type SharedStateOptions } from './shared-state.js';
export { registerScaleOutMetrics, type ScaleOutSources } from './metrics.js';
export { sharedTopics, ensureSharedTopics, type SharedTopics } from './topics.js';
