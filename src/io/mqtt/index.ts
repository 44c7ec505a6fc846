// MQTT in and out: the client source and embedded broker of `urbanflow run`, and the publisher of `urbanflow simulate`.
export { mqttConfig, type MqttConfig, type MqttFlags } from './config.js';
export { startMqttService, type MqttService } from './service.js';
export { TelemetryPublisher, type TelemetryPublisherOptions } from './telemetry-publisher.js';
export {
  DEFAULT_BATCH_TOPIC,
  DEFAULT_READING_TOPIC,
  parseTopicTemplate,
  matchTopic,
  topicFor,
  type TopicTemplate,
} from './topics.js';
