// Fast tier on librdkafka's mock cluster: the whole read-process-write loop in process, output against the reference.
// (The mock keeps no transactional offset commits and does not finish cooperative rebalances, so takeovers and
// restarts are tested on the real broker.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaConfig } from '../../../src/config.js';
import { KafkaProcessor } from '../../../src/io/kafka/processor.js';
import { changelogTopic } from '../../../src/io/kafka/client-config.js';
import { CATALOG, OPERATORS } from '../../helpers/telemetry-stream.js';
import { OUT_OF_ORDERNESS_MS, identity, sorted, testInput } from './expected.js';
import {
  decodeResults,
  kafkaConfig,
  produceAll,
  readTopic,
  startMockCluster,
  touchTopics,
  waitFor,
  type Cluster,
} from './kafka-helpers.js';

const PARTITIONS = 4;
let cluster: Cluster;

beforeAll(async () => {
  cluster = await startMockCluster(1);
});

afterAll(async () => {
  await cluster?.close();
});

/** Every partition's last offset committed, by whichever processor owns it now. */
function caughtUp(processors: KafkaProcessor[], input: { messages: { partition: number }[] }): boolean {
  const ends = Array.from({ length: PARTITIONS }, (_, n) => input.messages.filter((m) => m.partition === n).length);
  return ends.every((n, part) => n === 0 || processors.some((p) => (p.kafkaStats().committed[part] ?? -1) >= n));
}

function processor(config: KafkaConfig, workers: number): KafkaProcessor {
  return new KafkaProcessor({
    config,
    catalog: CATALOG,
    operators: OPERATORS,
    outOfOrdernessMs: OUT_OF_ORDERNESS_MS,
    workers,
    maxFutureMs: 400 * 86_400_000,
  });
}

describe('Kafka processor on the mock cluster', () => {
  it('consumes telemetry, and the committed results equal the single-threaded reference, each window once', async () => {
    const config = kafkaConfig(cluster.brokers, { applicationId: 'mock-e2e' });
    await touchTopics(cluster.brokers, [
      config.inputTopic,
      config.resultsTopic,
      config.deadLetterTopic,
      changelogTopic(config),
    ]);
    const input = testInput(21, 1500, PARTITIONS);
    await produceAll(cluster.brokers, config.inputTopic, input.messages);
    const p = processor(config, 2);
    await p.start();
    try {
      await waitFor('the group to commit the end of the input', () => caughtUp([p], input));
    } finally {
      await p.stop();
    }
    const got = decodeResults(await readTopic(cluster.brokers, config.resultsTopic, PARTITIONS));
    expect(new Set(got.map(identity)).size).toBe(got.length);
    expect(sorted(got).map(identity)).toEqual(sorted(input.expected).map(identity));
    const dead = await readTopic(cluster.brokers, config.deadLetterTopic, PARTITIONS);
    expect(dead.length).toBe(input.deadLetters);
  });

  it('a process stopped mid-stream hands its window state over through the changelog: the next one continues exactly once', async () => {
    // The mock cluster forgets a member only after its session times out: keep that short.
    const config = kafkaConfig(cluster.brokers, {
      applicationId: 'mock-handover',
      inputTopic: 'telemetry2',
      resultsTopic: 'results2',
      deadLetterTopic: 'dead-letters2',
      properties: { 'session.timeout.ms': '3000', 'heartbeat.interval.ms': '500' },
    });
    await touchTopics(cluster.brokers, [
      config.inputTopic,
      config.resultsTopic,
      config.deadLetterTopic,
      changelogTopic(config),
    ]);
    const input = testInput(22, 1500, PARTITIONS);
    const half = Math.floor(input.messages.length / 2);
    const first = processor(config, 0);
    await first.start();
    try {
      await produceAll(cluster.brokers, config.inputTopic, input.messages.slice(0, half));
      await waitFor('the first half to be committed', () =>
        caughtUp([first], { messages: input.messages.slice(0, half) }),
      );
    } finally {
      await first.stop();
    }
    await produceAll(cluster.brokers, config.inputTopic, input.messages.slice(half));
    const second = processor(config, 1);
    await second.start();
    try {
      await waitFor('the group to commit the end of the input', () => caughtUp([second], input));
      expect(second.kafkaStats().restoredKeys).toBeGreaterThan(0);
    } finally {
      await second.stop();
    }
    const got = decodeResults(await readTopic(cluster.brokers, config.resultsTopic, PARTITIONS));
    expect(new Set(got.map(identity)).size).toBe(got.length);
    expect(sorted(got).map(identity)).toEqual(sorted(input.expected).map(identity));
  });
});
