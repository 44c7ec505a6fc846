// Kafka test helpers: librdkafka's in-process mock cluster, producing test input, and reading topics to their end.
import { decode } from '@msgpack/msgpack';
import type { KafkaConfig } from '../../../src/config.js';
import * as rd from '../../../src/io/kafka/rdkafka.js';
import type { WindowResult } from '../../../src/stream/index.js';
import { waitFor } from '../../../bench/harness/wait-for.js';

export { waitFor };

export interface Cluster {
  brokers: string;
  close(): Promise<void>;
}

/** A mock cluster lives inside the client that asked for it; its brokers listen on loopback ports. */
export async function startMockCluster(brokers = 1): Promise<Cluster> {
  const holder = new rd.RdProducer({ 'test.mock.num.brokers': brokers, 'bootstrap.servers': 'mock:9092' } as never);
  const md = await rd.connect(holder, 10_000);
  return { brokers: md.brokers.map((b) => `${b.host}:${b.port}`).join(','), close: () => rd.disconnect(holder) };
}

/** The mock cluster has no CreateTopics: a producer's metadata request creates a topic (4 partitions). */
export async function touchTopics(brokers: string, topics: string[]): Promise<void> {
  const p = new rd.RdProducer({ 'bootstrap.servers': brokers } as never);
  await rd.connect(p, 10_000);
  for (const topic of topics)
    await new Promise<void>((resolve, reject) =>
      p.getMetadata({ topic, timeout: 10_000 }, (err) => (err ? reject(rd.asError(err)) : resolve())),
    );
  await rd.disconnect(p);
}

export interface Outgoing {
  partition: number;
  value: Uint8Array;
  key?: string;
}

export async function produceAll(
  brokers: string,
  topic: string,
  messages: Outgoing[],
  timestamp?: number,
): Promise<void> {
  const p = new rd.RdProducer({ 'bootstrap.servers': brokers, 'enable.idempotence': true, 'linger.ms': 5 } as never);
  await rd.connect(p, 10_000);
  for (const m of messages) rd.produceBlocking(p, topic, m.partition, Buffer.from(m.value), m.key ?? null, timestamp);
  await rd.flush(p, 60_000);
  await rd.disconnect(p);
}

/** Every message of a topic up to its end; read_committed unless told otherwise. */
export async function readTopic(
  brokers: string,
  topic: string,
  partitions: number,
  isolation = 'read_committed',
): Promise<rd.Message[]> {
  const c = new rd.Consumer(
    {
      'bootstrap.servers': brokers,
      'group.id': `reader-${Math.random()}`,
      'enable.auto.commit': false,
      'isolation.level': isolation,
      'enable.partition.eof': true,
    } as never,
    {},
  );
  await rd.connect(c, 10_000);
  c.setDefaultConsumeTimeout(100);
  const done = new Set<number>();
  c.on('partition.eof', (e) => done.add(e.partition));
  c.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: -2 })));
  const out: rd.Message[] = [];
  const deadline = Date.now() + 60_000;
  for (let quiet = 0; quiet < 2 && Date.now() < deadline;) {
    const batch = await rd.consume(c, 5000);
    out.push(...batch);
    quiet = done.size === partitions && batch.length === 0 ? quiet + 1 : 0;
  }
  await rd.disconnect(c);
  return out;
}

export function decodeResults(messages: rd.Message[]): WindowResult[] {
  return messages.map((m) => decode(m.value!) as WindowResult);
}

/**
 * Offsets the group has committed (-1001 where none), per partition. Read without `require_stable` (a
 * read_uncommitted client): a read_committed one waits while a transaction holding offsets is open, and a
 * running engine nearly always has one open.
 */
export async function committedOffsets(
  brokers: string,
  group: string,
  topic: string,
  partitions: number,
): Promise<number[]> {
  const c = new rd.Consumer(
    {
      'bootstrap.servers': brokers,
      'group.id': group,
      'enable.auto.commit': false,
      'isolation.level': 'read_uncommitted',
    } as never,
    {},
  );
  await rd.connect(c, 10_000);
  try {
    const got = await rd.committed(
      c,
      Array.from({ length: partitions }, (_, partition) => ({ topic, partition })),
      10_000,
    );
    return Array.from({ length: partitions }, (_, p) => got.find((x) => x.partition === p)?.offset ?? -1001);
  } finally {
    await rd.disconnect(c);
  }
}

export async function createTopic(brokers: string, topic: string, partitions: number): Promise<void> {
  const admin = rd.AdminClient.create({ 'bootstrap.servers': brokers } as never);
  await new Promise<void>((resolve, reject) =>
    admin.createTopic({ topic, num_partitions: partitions, replication_factor: 1 }, 15_000, (err) =>
      err && err.code !== rd.ERR.ERR_TOPIC_ALREADY_EXISTS ? reject(rd.asError(err)) : resolve(),
    ),
  );
  admin.disconnect();
  await waitFor(`topic ${topic}`, async () => {
    const p = new rd.RdProducer({ 'bootstrap.servers': brokers } as never);
    await rd.connect(p, 10_000);
    const md = await rd.metadata(p, 10_000);
    await rd.disconnect(p);
    return md.topics.some((t) => t.name === topic && t.partitions.length === partitions);
  });
}

export function kafkaConfig(brokers: string, over: Partial<KafkaConfig> = {}): KafkaConfig {
  return {
    brokers,
    inputTopic: 'telemetry',
    resultsTopic: 'results',
    deadLetterTopic: 'dead-letters',
    applicationId: 'uf-test',
    commitIntervalMs: 100,
    transactionTimeoutMs: 10_000,
    partitions: 4,
    replicationFactor: 1,
    properties: {},
    ...over,
  };
}
