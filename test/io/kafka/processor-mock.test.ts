// Fast tier on librdkafka's mock cluster: the whole read-process-write loop in process, output against the reference.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaProcessor } from '../../../src/io/kafka/processor.js';
import { changelogTopic } from '../../../src/io/kafka/client-config.js';
import { CATALOG, OPERATORS } from '../../helpers/telemetry-stream.js';
import { OUT_OF_ORDERNESS_MS, identity, sorted, testInput } from './expected.js';
import { decodeResults, kafkaConfig, produceAll, readTopic, startMockCluster, touchTopics, waitFor, type Cluster } from './kafka-helpers.js';

const PARTITIONS = 4;
let cluster: Cluster;

beforeAll(async () => {
  cluster = await startMockCluster(1);
});

afterAll(async () => {
  await cluster?.close();
});

function caughtUp(p: KafkaProcessor, input: { messages: { partition: number }[] }): boolean {
  const committed = p.kafkaStats().committed;
  const ends = Array.from({ length: PARTITIONS }, (_, n) => input.messages.filter((m) => m.partition === n).length);
  return ends.every((n, part) => n === 0 || (committed[part] ?? -1) >= n);
}

describe('Kafka processor on the mock cluster', () => {
  it('consumes telemetry, and the committed results equal the single-threaded reference, each window once', async () => {
    const config = kafkaConfig(cluster.brokers, { applicationId: 'mock-e2e' });
    await touchTopics(cluster.brokers, [config.inputTopic, config.resultsTopic, config.deadLetterTopic, changelogTopic(config)]);
    const input = testInput(21, 1500, PARTITIONS);
    await produceAll(cluster.brokers, config.inputTopic, input.messages);
    const p = new KafkaProcessor({ config, catalog: CATALOG, operators: OPERATORS, outOfOrdernessMs: OUT_OF_ORDERNESS_MS, workers: 2, maxFutureMs: 400 * 86_400_000 });
    await p.start();
    try {
      await waitFor('the group to commit the end of the input', () => caughtUp(p, input));
    } finally {
      await p.stop();
    }
    const got = decodeResults(await readTopic(cluster.brokers, config.resultsTopic, PARTITIONS));
    expect(new Set(got.map(identity)).size).toBe(got.length);
    expect(sorted(got).map(identity)).toEqual(sorted(input.expected).map(identity));
    const dead = await readTopic(cluster.brokers, config.deadLetterTopic, PARTITIONS);
    expect(dead.length).toBe(input.deadLetters);
  });
});
