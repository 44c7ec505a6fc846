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

/**
 * A global table's reader (src/io/kafka/global-table.ts): every partition assigned by hand, committed data only,
 * never a group member (the group id is only librdkafka's requirement; nothing is committed under it).
 */
export function globalReaderConfig(c: KafkaConfig, role: string): Props {
  return {
    'queued.max.messages.kbytes': 65_536,
    // Shared user state (a revocation) must reach every process well within a second.
    'fetch.wait.max.ms': 50,
    ...base(c, role),
    'group.id': `${c.applicationId}-${role}`,
    'enable.auto.commit': false,
    'enable.auto.offset.store': false,
    'enable.partition.eof': true,
    'isolation.level': 'read_committed',
  };
}

/**
 * A member of the leader group of live plans: one partition, so one member holds it. Its session timeout bounds
 * how long plans go unrefreshed after the leader dies; a user's session.timeout.ms applies here too.
 */
export function leaderConsumerConfig(c: KafkaConfig, groupId: string): Props {
  return {
    'session.timeout.ms': 6_000,
    'heartbeat.interval.ms': 1_000,
    'fetch.wait.max.ms': 500,
    ...base(c, 'leader'),
    'group.id': groupId,
    'partition.assignment.strategy': 'range',
    'auto.offset.reset': 'latest',
    'enable.auto.commit': false,
    'enable.auto.offset.store': false,
    'isolation.level': 'read_committed',
  };
}

/** The producer of shared user state: idempotent, no transactions (each record is one change), large records allowed. */
export function sharedProducerConfig(c: KafkaConfig): Props {
  return {
    'linger.ms': 1,
    'message.max.bytes': SHARED_RECORD_MAX_BYTES,
    ...base(c, 'shared-producer'),
    'enable.idempotence': true,
  };
}

/** Stored plans carry their request and result (a plan request may be 8 MB of JSON). */
export const SHARED_RECORD_MAX_BYTES = 20 * 1024 * 1024;

export function adminConfig(c: KafkaConfig): Props {
  return base(c, 'admin');
}

/**
 * Producers' topic configuration. node-rdkafka replaces librdkafka's default topic configuration with the one
 * it is given, so the partitioner is set here: murmur2 on the key, as the Java client partitions.
 */
export const PRODUCER_TOPIC_CONFIG = { partitioner: 'murmur2_random' };
