// librdkafka configurations of the engine's clients: the user's pass-through properties under the settings exactly-once needs.
import type { KafkaConfig } from '../../config.js';

type Props = Record<string, string | number | boolean>;

/** The changelog topic of the window state store of an application (one per consumer group). */
export function changelogTopic(c: KafkaConfig): string {
  return `${c.applicationId}-window-state-changelog`;
}

function base(c: KafkaConfig, role: string): Props {
  return { 'client.id': `${c.applicationId}-${role}`, ...c.properties, 'bootstrap.servers': c.brokers };
}

/**
 * The group member: offsets are only committed inside transactions, and only committed data is read. With a
 * stable instance id the member is static: a restarted process takes its partitions back without a rebalance.
 */
export function consumerConfig(c: KafkaConfig): Props {
  const staticMember: Props = c.instanceId ? { 'group.instance.id': `${c.applicationId}-${c.instanceId}` } : {};
  return {
    'partition.assignment.strategy': 'cooperative-sticky',
    'auto.offset.reset': 'earliest',
    // librdkafka prefetches per partition; bound it so a slow engine never buffers without limit.
    'queued.max.messages.kbytes': 16_384,
    'fetch.wait.max.ms': 50,
    ...base(c, 'consumer'),
    ...staticMember,
    'group.id': c.applicationId,
    'enable.auto.commit': false,
    'enable.auto.offset.store': false,
    'isolation.level': 'read_committed',
    // node-rdkafka's batch consume waits up to its timeout for each further message, so a steady trickle
    // would hold a batch open until it is full; reaching a partition's end closes the batch instead.
    'enable.partition.eof': true,
  };
}

/** Reads changelog partitions to their end (the last stable offset) on assignment; never joins the group. */
export function restoreConsumerConfig(c: KafkaConfig): Props {
  return {
    'queued.max.messages.kbytes': 65_536,
    'fetch.wait.max.ms': 10,
    ...base(c, 'restore'),
    'group.id': `${c.applicationId}-restore`,
    'enable.auto.commit': false,
    'enable.auto.offset.store': false,
    'enable.partition.eof': true,
    'isolation.level': 'read_committed',
  };
}

/** The transactional producer of results, dead letters and changelog records. */
export function producerConfig(c: KafkaConfig, transactionalId: string): Props {
  return {
    'linger.ms': 5,
    'queue.buffering.max.messages': 2_000_000,
    'queue.buffering.max.kbytes': 1_048_576,
    'compression.codec': 'lz4',
    ...base(c, 'producer'),
    'transactional.id': transactionalId,
    'transaction.timeout.ms': c.transactionTimeoutMs,
    'message.timeout.ms': c.transactionTimeoutMs,
    'enable.idempotence': true,
  };
}

export function adminConfig(c: KafkaConfig): Props {
  return base(c, 'admin');
}

/**
 * Producers' topic configuration. node-rdkafka replaces librdkafka's default topic configuration with the one
 * it is given, so the partitioner is set here: murmur2 on the key, as the Java client partitions.
 */
export const PRODUCER_TOPIC_CONFIG = { partitioner: 'murmur2_random' };
