// The compacted topics that carry what users own across the processes of a group: one partition each, so every process applies one order.
import type { KafkaConfig } from '../../config.js';
import { SHARED_RECORD_MAX_BYTES, adminConfig } from '../../io/kafka/client-config.js';
import { AdminClient, ERR, asError } from '../../io/kafka/rdkafka.js';

export interface SharedTopics {
  /** API keys (hashed secrets), their tenants and scopes, revocations, and the token signing secret. */
  keys: string;
  /** Stored plans: requests, status, results. */
  plans: string;
  /** The managed city model, with its revision. */
  city: string;
  /** Live plan versions (signal plans, collection routes); its one partition also elects the leader that refreshes them. */
  livePlans: string;
  /** The group leader's forecast fits (model and last fit error per series), which every process forecasts with. */
  forecastFits: string;
}

export function sharedTopics(c: KafkaConfig): SharedTopics {
  const p = c.applicationId;
  return {
    keys: `${p}-shared-keys`,
    plans: `${p}-shared-plans`,
    city: `${p}-shared-city`,
    livePlans: `${p}-shared-live-plans`,
    forecastFits: `${p}-shared-forecast-fits`,
  };
}

/** Creates the missing ones: compacted (the latest record of each key is the state), one partition, large records allowed. */
export async function ensureSharedTopics(c: KafkaConfig): Promise<void> {
  const admin = AdminClient.create(adminConfig(c) as never);
  try {
    for (const topic of Object.values(sharedTopics(c))) {
      await new Promise<void>((resolve, reject) =>
        admin.createTopic(
          {
            topic,
            num_partitions: 1,
            replication_factor: c.replicationFactor,
            config: {
              'cleanup.policy': 'compact',
              'max.message.bytes': String(SHARED_RECORD_MAX_BYTES),
              'min.compaction.lag.ms': '60000',
            },
          } as never,
          15_000,
          (err) => (err && err.code !== ERR.ERR_TOPIC_ALREADY_EXISTS ? reject(asError(err)) : resolve()),
        ),
      );
    }
  } finally {
    admin.disconnect();
  }
}
