// Public surface of the Kafka source and sinks.
export { KafkaProcessor, type KafkaProcessorOptions, type KafkaStats } from './processor.js';
export { coPartitioning, murmur2, partitionForKey, type CoPartitioning } from './partitioner.js';
export { TelemetryProducer, type TelemetryProducerOptions } from './telemetry-producer.js';
export { changelogTopic } from './client-config.js';
