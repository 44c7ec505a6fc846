// A global table's reader, as Kafka Streams' GlobalKTable: every partition of its topics, committed data only, from the start, caught up once it reached the end offsets it read at start.
import type { KafkaConfig } from '../../config.js';
import { globalReaderConfig } from './client-config.js';
import {
  Consumer,
  asError,
  connect,
  consume,
  disconnect,
  metadata,
  watermarks,
  type KafkaConsumer,
  type Message,
} from './rdkafka.js';

/** Wait between two polls that found nothing: a change reaches the table within it plus the fetch wait. */
const IDLE_POLL_MS = 20;

export interface GlobalTopic {
  name: string;
  /** Records of one partition in offset order (a batch may mix partitions; each partition's records stay in order). */
  apply(messages: Message[]): void;
}

export interface GlobalTopicReaderOptions {
  config: KafkaConfig;
  topics: GlobalTopic[];
  /** Names the client (`<group>-<role>`) in broker logs and metrics. */
  role: string;
  /** How long to wait for a topic to exist before starting fails. */
  topicWaitMs?: number;
  log?: (line: string) => void;
}

interface PartitionProgress {
  topic: string;
  partition: number;
  /** The end offset (last stable offset for read_committed) read at start: caught up once the position reaches it. */
  target: number;
  /** The next offset to read. */
  position: number;
}

export interface GlobalTopicLag {
  topic: string;
  /** Records between the position and the end last reported by the broker, summed over partitions. */
  lag: number;
  caughtUp: boolean;
}

/**
 * No consumer group: partitions are assigned by hand, so every process reads all of them and a rebalance of the
 * processing group never stops it. read_committed: what a transaction wrote is seen only once committed, and an
 * aborted one never. A record handler that throws is logged and counted; the reader goes on (one bad record must
 * not stop every other change from replicating).
 */
export class GlobalTopicReader {
  private consumer?: KafkaConsumer;
  private readonly parts = new Map<string, PartitionProgress>();
  private readonly byName: Map<string, GlobalTopic>;
  private loop?: Promise<void>;
  private stopping = false;
  private caught = false;
  private resolveCaughtUp!: () => void;
  /** Resolves once every partition reached the end offset read at start. */
  readonly caughtUp: Promise<void>;
  readonly counters = { records: 0, applyErrors: 0, consumeErrors: 0 };
  /** Wall-clock milliseconds from start until caught up (null before). */
  catchUpMs: number | null = null;

  constructor(private readonly o: GlobalTopicReaderOptions) {
    this.byName = new Map(o.topics.map((t) => [t.name, t]));
    this.caughtUp = new Promise((resolve) => (this.resolveCaughtUp = resolve));
  }

  get isCaughtUp(): boolean {
    return this.caught;
  }

  async start(): Promise<void> {
    const began = performance.now();
    const consumer = new Consumer(globalReaderConfig(this.o.config, this.o.role) as never, {});
    this.consumer = consumer;
    await connect(consumer, 30_000);
    // A consume call that waits holds one of libuv's four pool threads (the processor's polls, commits and restores
    // need them): take what librdkafka has already fetched and sleep in JavaScript when there is nothing.
    consumer.setDefaultConsumeTimeout(0);
    const counts = await this.partitionCounts(consumer);
    for (const [topic, n] of counts) {
      for (let partition = 0; partition < n; partition++) {
        const w = await watermarks(consumer, topic, partition, 15_000);
        this.parts.set(`${topic}/${partition}`, { topic, partition, target: w.highOffset, position: w.lowOffset });
      }
    }
    consumer.on('partition.eof', (e: { topic: string; partition: number; offset: number }) => {
      const p = this.parts.get(`${e.topic}/${e.partition}`);
      // The end of a read_committed fetch lies past the transaction markers, which are never delivered as records.
      if (p && e.offset > p.position) p.position = e.offset;
    });
    consumer.assign([...this.parts.values()].map((p) => ({ topic: p.topic, partition: p.partition, offset: -2 })));
    this.checkCaughtUp(began);
    this.loop = this.run(began);
  }

  /** Per topic: records behind the end, and whether the reader has caught up. */
  lags(): GlobalTopicLag[] {
    const out = new Map<string, GlobalTopicLag>();
    for (const p of this.parts.values()) {
      const t = out.get(p.topic) ?? { topic: p.topic, lag: 0, caughtUp: this.caught };
      let high = p.target;
      try {
        const w = this.consumer?.getWatermarkOffsets(p.topic, p.partition);
        if (w && w.highOffset >= 0) high = Math.max(high, w.highOffset);
      } catch (err) {
        // No fetch answered for this partition yet: the end read at start stands.
        if (!(err instanceof Error)) throw err;
      }
      t.lag += Math.max(0, high - p.position);
      out.set(p.topic, t);
    }
    return [...out.values()];
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
    if (this.consumer) await disconnect(this.consumer);
  }

  private async partitionCounts(consumer: KafkaConsumer): Promise<Map<string, number>> {
    const names = [...this.byName.keys()];
    const deadline = Date.now() + (this.o.topicWaitMs ?? 60_000);
    for (;;) {
      const md = await metadata(consumer, 15_000);
      const counts = new Map(
        md.topics
          .filter((t) => this.byName.has(t.name) && t.partitions.length > 0)
          .map((t) => [t.name, t.partitions.length]),
      );
      if (counts.size === names.length) return counts;
      if (Date.now() > deadline)
        throw new Error(
          `the topics ${names.filter((n) => !counts.has(n)).join(', ')} do not exist after ${this.o.topicWaitMs ?? 60_000} ms`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  private async run(began: number): Promise<void> {
    const consumer = this.consumer!;
    while (!this.stopping) {
      let batch: Message[];
      try {
        batch = await consume(consumer, 5_000);
      } catch (err) {
        // Broker trouble: librdkafka reconnects by itself; say so and try again.
        this.counters.consumeErrors++;
        this.o.log?.(`kafka: reading ${[...this.byName.keys()].join(', ')} failed (retrying): ${asError(err).message}`);
        await new Promise((r) => setTimeout(r, 1_000));
        continue;
      }
      let run: Message[] = [];
      const flush = () => {
        if (run.length === 0) return;
        const topic = this.byName.get(run[0].topic)!;
        try {
          topic.apply(run);
        } catch (err) {
          this.counters.applyErrors++;
          this.o.log?.(`kafka: applying records of ${run[0].topic} failed: ${(err as Error).message}`);
        }
        run = [];
      };
      for (const m of batch) {
        if (run.length > 0 && run[0].topic !== m.topic) flush();
        run.push(m);
        const p = this.parts.get(`${m.topic}/${m.partition}`);
        if (p && m.offset + 1 > p.position) p.position = m.offset + 1;
      }
      flush();
      this.counters.records += batch.length;
      this.checkCaughtUp(began);
      if (batch.length === 0) await new Promise((r) => setTimeout(r, IDLE_POLL_MS));
    }
  }

  private checkCaughtUp(began: number): void {
    if (this.caught) return;
    for (const p of this.parts.values()) if (p.position < p.target) return;
    this.caught = true;
    this.catchUpMs = Math.round(performance.now() - began);
    this.resolveCaughtUp();
  }
}
