// User state shared by the processes of a group: every change is written to a compacted topic and applied from it, by every process, in the topic's order.
import type { KafkaConfig } from '../../config.js';
import type { KeyStore, ReplicatedKey } from '../../api/access/index.js';
import type { CityModel, ReplicatedCity } from '../../api/city-model.js';
import type { PlanRecord, PlanStore } from '../../api/plans/index.js';
import { sharedProducerConfig, PRODUCER_TOPIC_CONFIG } from '../../io/kafka/client-config.js';
import { GlobalTopicReader, type GlobalTopicLag } from '../../io/kafka/global-table.js';
import { LeaderElection } from '../../io/kafka/leader.js';
import {
  RdProducer,
  asError,
  connect,
  disconnect,
  flush,
  type Message,
  type Producer,
} from '../../io/kafka/rdkafka.js';
import type { Replica } from '../replica.js';
import { ensureSharedTopics, sharedTopics, type SharedTopics } from './topics.js';

const TOKEN_SECRET = 'token-secret';

export interface SharedStateOptions {
  config: KafkaConfig;
  log?: (line: string) => void;
}

/**
 * Each store applies a change it made at once (a process reads its own writes) and publishes it; every process
 * then applies every record it reads, its own included. Applying is a merge that gives the same state in any
 * order (a revocation is never undone, a finished plan never queued again, the highest revision or version
 * stands), so a change applied early here and again from the topic leaves every process with the same state.
 * Local SQLite files stay as caches: a restarted process serves from them while it catches up.
 */
export class SharedState {
  readonly topics: SharedTopics;
  private producer?: Producer;
  private reader?: GlobalTopicReader;
  private leader?: LeaderElection;
  private keys?: KeyStore;
  private plans?: PlanStore;
  private city?: CityModel;
  private readonly versionLogs = new Map<string, (key: string, doc: string | null) => void>();
  private fitsApply?: (key: string, doc: string | null) => void;
  private tokenSecretSeen = false;
  /** Changes that could not be published (they stay local to this process); shown in /metrics and logged. */
  publishErrors = 0;
  /** Records read that could not be applied (malformed, or refused by their store). */
  applyErrors = 0;

  constructor(private readonly o: SharedStateOptions) {
    this.topics = sharedTopics(o.config);
  }

  /**
   * The stores whose changes are shared (API keys, plans, the city model): creations, revocations and edits here go
   * to every process; theirs come here.
   */
  bind(stores: { keys: KeyStore; plans: PlanStore; city: CityModel }): void {
    this.keys = stores.keys;
    this.plans = stores.plans;
    this.city = stores.city;
  }

  /** The replica of one namespace of live plan versions (VersionLog), for the live services. */
  replicas = (namespace: string): Replica => ({
    publish: (key, doc) => this.publish(this.topics.livePlans, `${namespace}|${key}`, doc),
    subscribe: (apply) => void this.versionLogs.set(namespace, apply),
  });

  /** The forecast fits of the group (ForecastService): the leader's fits go to every process. */
  fits: Replica = {
    publish: (key, doc) => this.publish(this.topics.forecastFits, key, doc),
    subscribe: (apply) => void (this.fitsApply = apply),
  };

  /**
   * Whether this process leads the refits and the refresh of live signal plans: it holds the leadership and has
   * read what the group shared (a leader that had not would refit and replan what the previous one just did).
   */
  leads = (): boolean => (this.leader?.isLeader ?? false) && this.caughtUp;

  /** How long this process has led without interruption (0 when it does not lead). */
  leadingForMs = (): number => this.leader?.leadingForMs() ?? 0;

  /** Ready once every shared topic was read up to its end offsets at start. */
  get caughtUp(): boolean {
    return this.reader?.isCaughtUp ?? false;
  }

  get catchUpMs(): number | null {
    return this.reader?.catchUpMs ?? null;
  }

  lags(): GlobalTopicLag[] {
    return this.reader?.lags() ?? [];
  }

  /**
   * Creates the topics, starts reading them, and resolves once caught up; then this process's own state (keys and
   * plans it holds, perhaps made while it was apart) is published, and its later changes with it.
   */
  async start(): Promise<void> {
    const log = this.o.log;
    await ensureSharedTopics(this.o.config);
    const producer = new RdProducer(
      { ...sharedProducerConfig(this.o.config), dr_cb: true } as never,
      PRODUCER_TOPIC_CONFIG as never,
    );
    producer.on('delivery-report', (err) => {
      if (!err) return;
      this.publishErrors++;
      log?.(`shared state: a change was not delivered: ${asError(err).message}`);
    });
    await connect(producer, 30_000);
    producer.setPollInterval(50);
    this.producer = producer;
    const t = this.topics;
    this.reader = new GlobalTopicReader({
      config: this.o.config,
      role: 'shared-state',
      log,
      topics: [
        { name: t.keys, apply: this.each((m) => this.applyKey(m)) },
        { name: t.plans, apply: this.each((m) => this.applyPlan(m)) },
        { name: t.city, apply: this.each((m) => this.applyCity(m)) },
        { name: t.livePlans, apply: this.each((m) => this.applyLivePlan(m)) },
        {
          name: t.forecastFits,
          apply: this.each((m) => this.fitsApply?.(m.key?.toString() ?? '', m.value ? m.value.toString() : null)),
        },
      ],
    });
    await this.reader.start();
    this.leader = new LeaderElection({
      config: this.o.config,
      groupId: `${this.o.config.applicationId}-live-plans-leader`,
      topic: t.livePlans,
      log,
    });
    await this.leader.start();
    await this.reader.caughtUp;
    log?.(`shared state caught up in ${this.reader.catchUpMs} ms (${this.reader.counters.records} records)`);
    this.keys?.replicateTo({
      key: (k) => this.publish(t.keys, `key/${k.id}`, JSON.stringify(k)),
      tokenSecret: (s) => this.publish(t.keys, TOKEN_SECRET, s.toString('base64')),
    });
    if (!this.tokenSecretSeen) this.keys?.publishTokenSecret();
    this.plans?.replicateTo((p) => this.publish(t.plans, `plan/${p.id}`, JSON.stringify(p)));
    this.city?.replicateTo((c) => this.publish(t.city, `city/${c.city.id}`, JSON.stringify(c)));
  }

  /** Stops reading (before the stores close at shutdown); changes made here until `stop` are still published. */
  async stopReading(): Promise<void> {
    await this.leader?.stop();
    await this.reader?.stop();
    this.leader = undefined;
    this.reader = undefined;
  }

  async stop(): Promise<void> {
    await this.stopReading();
    if (this.producer) {
      await flush(this.producer, 10_000).catch((err: Error) =>
        this.o.log?.(`shared state: changes may not have been delivered at shutdown: ${err.message}`),
      );
      await disconnect(this.producer);
    }
  }

  private publish(topic: string, key: string, value: string | null): void {
    try {
      this.producer!.produce(topic, 0, value === null ? null : Buffer.from(value), key);
    } catch (err) {
      this.publishErrors++;
      this.o.log?.(`shared state: could not publish ${key} to ${topic}: ${asError(err).message}`);
    }
  }

  /** Applies records one by one: a record that cannot be applied is logged and counted, the next ones still are. */
  private each(apply: (m: Message) => void): (messages: Message[]) => void {
    return (messages) => {
      for (const m of messages) {
        try {
          apply(m);
        } catch (err) {
          this.applyErrors++;
          this.o.log?.(
            `shared state: record ${m.key?.toString() ?? ''} of ${m.topic} at offset ${m.offset} not applied: ${(err as Error).message}`,
          );
        }
      }
    };
  }

  private applyKey(m: Message): void {
    const key = m.key?.toString() ?? '';
    if (!m.value || !this.keys) return;
    if (key === TOKEN_SECRET) {
      this.tokenSecretSeen = true;
      this.keys.applyTokenSecret(Buffer.from(m.value.toString(), 'base64'));
    } else this.keys.applyReplicated(JSON.parse(m.value.toString()) as ReplicatedKey);
  }

  private applyPlan(m: Message): void {
    if (m.value && this.plans) this.plans.applyReplicated(JSON.parse(m.value.toString()) as PlanRecord);
  }

  private applyCity(m: Message): void {
    if (!m.value || !this.city) return;
    const change = JSON.parse(m.value.toString()) as ReplicatedCity;
    // A group serves one city; a record of another city id (an older deployment under this group) is left alone.
    if (change.city.id === this.city.city.id) this.city.applyReplicated(change);
  }

  private applyLivePlan(m: Message): void {
    const key = m.key?.toString() ?? '';
    const at = key.indexOf('|');
    this.versionLogs.get(key.slice(0, at))?.(key.slice(at + 1), m.value ? m.value.toString() : null);
  }
}
