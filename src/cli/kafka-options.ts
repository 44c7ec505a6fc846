// The Kafka flags shared by `run` and `simulate`; each maps to a URBANFLOW_KAFKA_* variable (see src/config.ts).
import type { Command } from 'commander';
import type { KafkaFlags } from '../config.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function addKafkaOptions(cmd: Command): Command {
  return cmd
    .option('--kafka <brokers>', 'Kafka bootstrap servers host:port[,...] (URBANFLOW_KAFKA_BROKERS)')
    .option('--kafka-topic <name>', 'telemetry topic (default urbanflow.telemetry; URBANFLOW_KAFKA_TOPIC)')
    .option('--kafka-results-topic <name>', 'window results topic (default urbanflow.window-results)')
    .option('--kafka-dead-letter-topic <name>', 'dead-letter topic (default urbanflow.dead-letters)')
    .option(
      '--kafka-group <id>',
      'consumer group id, also naming the changelog topic and transactional ids (default urbanflow)',
    )
    .option(
      '--kafka-instance-id <id>',
      'stable id of this process (e.g. pod name): a restart fences its previous incarnation at once',
    )
    .option('--kafka-commit-interval <duration>', 'how often results are committed (default 500ms)')
    .option(
      '--kafka-transaction-timeout <duration>',
      'transaction timeout; a crashed process holds read_committed readers back at most this long (default 10s)',
    )
    .option('--kafka-partitions <n>', 'partitions of topics urbanflow creates (default 6)')
    .option('--kafka-replication <n>', 'replication factor of topics urbanflow creates (default: the broker default)')
    .option(
      '--kafka-config <key=value>',
      'librdkafka property passed through, e.g. security.protocol=SASL_SSL (repeatable)',
      collect,
    )
    .option('--kafka-config-file <file>', 'librdkafka properties file (key=value lines; URBANFLOW_KAFKA_CONFIG_FILE)');
}

export function kafkaFlags(o: Record<string, unknown>): KafkaFlags {
  const s = (k: string) => o[k] as string | undefined;
  return {
    brokers: s('kafka'),
    inputTopic: s('kafkaTopic'),
    resultsTopic: s('kafkaResultsTopic'),
    deadLetterTopic: s('kafkaDeadLetterTopic'),
    applicationId: s('kafkaGroup'),
    instanceId: s('kafkaInstanceId'),
    commitIntervalMs: s('kafkaCommitInterval'),
    transactionTimeoutMs: s('kafkaTransactionTimeout'),
    partitions: s('kafkaPartitions'),
    replicationFactor: s('kafkaReplication'),
    properties: o.kafkaConfig as string[] | undefined,
    propertiesFile: s('kafkaConfigFile'),
  };
}
