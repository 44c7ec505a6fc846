// The engine's topics: checked at start-up, created when missing (the changelog compacted, with the input's partition count).
import { configError } from '../../errors.js';
import type { KafkaConfig } from '../../config.js';
import { adminConfig, changelogTopic } from './client-config.js';
import { AdminClient, ERR, asError, metadata, type Producer } from './rdkafka.js';

export interface TopicLayout {
  /** Partitions of the input topic; the changelog has as many, partition for partition. */
  inputPartitions: number;
}

function partitionCounts(md: Awaited<ReturnType<typeof metadata>>): Map<string, number> {
  return new Map(md.topics.map((t) => [t.name, t.partitions.length]));
}

/** Metadata until every named topic shows up: a created topic reaches the metadata cache a little later. */
export async function awaitTopics(client: Producer, names: string[]): Promise<Map<string, number>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const counts = partitionCounts(await metadata(client, 15_000));
    if (names.every((n) => (counts.get(n) ?? 0) > 0) || Date.now() > deadline) return counts;
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function createTopic(
  c: KafkaConfig,
  name: string,
  partitions: number,
  config: Record<string, string>,
): Promise<void> {
  const admin = AdminClient.create(adminConfig(c) as never);
  return new Promise<void>((resolve, reject) => {
    admin.createTopic(
      { topic: name, num_partitions: partitions, replication_factor: c.replicationFactor, config } as never,
      15_000,
      (err) => {
        admin.disconnect();
        if (err && err.code !== ERR.ERR_TOPIC_ALREADY_EXISTS) reject(asError(err));
        else resolve();
      },
    );
  });
}

/** The input topic's partition count, creating the topic when missing (for producers of telemetry). */
export async function ensureInputTopic(c: KafkaConfig, client: Producer): Promise<number> {
  if (!partitionCounts(await metadata(client, 15_000)).has(c.inputTopic))
    await createTopic(c, c.inputTopic, c.partitions, {});
  const n = (await awaitTopics(client, [c.inputTopic])).get(c.inputTopic);
  if (n === undefined) throw configError(`the input topic ${c.inputTopic} does not exist and could not be created`);
  return n;
}

/**
 * Makes sure the input, results, dead-letter and changelog topics exist. The changelog must have exactly
 * the input's partition count: changelog partition p holds the state of input partition p.
 */
export async function ensureTopics(c: KafkaConfig, client: Producer): Promise<TopicLayout> {
  let counts = partitionCounts(await metadata(client, 15_000));
  const changelog = changelogTopic(c);
  if (!counts.has(c.inputTopic)) await createTopic(c, c.inputTopic, c.partitions, {});
  for (const t of [c.resultsTopic, c.deadLetterTopic]) if (!counts.has(t)) await createTopic(c, t, c.partitions, {});
  counts = await awaitTopics(client, [c.inputTopic, c.resultsTopic, c.deadLetterTopic]);
  const inputPartitions = counts.get(c.inputTopic);
  if (inputPartitions === undefined)
    throw configError(`the input topic ${c.inputTopic} does not exist and could not be created`);
  if (!counts.has(changelog)) {
    await createTopic(c, changelog, inputPartitions, {
      'cleanup.policy': 'compact',
      'min.compaction.lag.ms': '60000',
      'segment.ms': '3600000',
    });
    counts = await awaitTopics(client, [changelog]);
  }
  const changelogPartitions = counts.get(changelog);
  if (changelogPartitions !== inputPartitions) {
    throw configError(
      `the changelog topic ${changelog} has ${changelogPartitions ?? 'no'} partitions but the input topic ${c.inputTopic} has ${inputPartitions}; ` +
        `window state is kept partition for partition, so they must match (adding input partitions also moves co-partition units: start a new group id)`,
    );
  }
  return { inputPartitions };
}
