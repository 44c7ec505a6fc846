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

function createTopic(c: KafkaConfig, name: string, partitions: number, config: Record<string, string>): Promise<void> {
  const admin = AdminClient.create(adminConfig(c) as never);
  return new Promise<void>((resolve, reject) => {
    admin.createTopic({ topic: name, num_partitions: partitions, replication_factor: c.replicationFactor, config } as never, 15_000, (err) => {
      admin.disconnect();
      if (err && err.code !== ERR.ERR_TOPIC_ALREADY_EXISTS) reject(asError(err));
      else resolve();
    });
  });
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
  counts = partitionCounts(await metadata(client, 15_000));
  const inputPartitions = counts.get(c.inputTopic);
  if (inputPartitions === undefined) throw configError(`the input topic ${c.inputTopic} does not exist and could not be created`);
  if (!counts.has(changelog)) {
    await createTopic(c, changelog, inputPartitions, { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '60000', 'segment.ms': '3600000' });
    counts = partitionCounts(await metadata(client, 15_000));
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
