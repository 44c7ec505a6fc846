// The transactional producer of results, dead letters and changelog records: one transaction open at a time,
// and output that belongs to the next one held back while the current one commits.
import type { KafkaConfig } from '../../config.js';
import { PRODUCER_TOPIC_CONFIG, producerConfig } from './client-config.js';
import * as rd from './rdkafka.js';

interface HeldRecord {
  topic: string;
  partition: number | null;
  value: Buffer | null;
  key: string;
}

/** Another producer took this transactional id, or the coordinator bumped its epoch after a timeout. */
function fenced(e: { code?: number }): boolean {
  return e.code === rd.ERR.ERR__FENCED || e.code === rd.ERR.ERR_PRODUCER_FENCED;
}

export class Transactions {
  producer!: rd.Producer;
  /** A record the producer refused: the open transaction cannot commit. */
  private sinkError: Error | undefined;
  private held: HeldRecord[] = [];

  constructor(
    private readonly c: KafkaConfig,
    readonly transactionalId: string,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * A transactional producer with this process's transactional id: initialising it aborts whatever an earlier
   * producer with the same id left open, and fences that producer for good.
   */
  async connect(): Promise<void> {
    this.producer = new rd.RdProducer(
      producerConfig(this.c, this.transactionalId) as never,
      PRODUCER_TOPIC_CONFIG as never,
    );
    await rd.connect(this.producer, 30_000);
    this.producer.setPollInterval(100);
    await rd.txn((cb) => this.producer.initTransactions(this.c.transactionTimeoutMs * 2, cb));
    this.sinkError = undefined;
  }

  get error(): Error | undefined {
    return this.sinkError;
  }

  /** Into the open transaction; a producer that cannot take a record fails the transaction, which is then aborted and replayed. */
  produce(topic: string, partition: number | null, value: Buffer | null, key: string): void {
    if (this.sinkError) return;
    try {
      rd.produceBlocking(this.producer, topic, partition, value, key);
    } catch (err) {
      this.sinkError = rd.asError(err);
    }
  }

  /** Output of input the committing transaction does not hold: produced into the next transaction once it begins. */
  hold(topic: string, partition: number | null, value: Buffer | null, key: string): void {
    this.held.push({ topic, partition, value, key });
  }

  get heldCount(): number {
    return this.held.length;
  }

  begin(): Promise<void> {
    return rd.txn((cb) => this.producer.beginTransaction(cb));
  }

  /** Produces what was held into the transaction just begun, in the order it was emitted. */
  releaseHeld(): void {
    const held = this.held;
    this.held = [];
    for (const r of held) this.produce(r.topic, r.partition, r.value, r.key);
  }

  sendOffsets(offsets: rd.TopicPartitionOffset[], consumer: rd.KafkaConsumer): Promise<void> {
    return rd.txn((cb) => this.producer.sendOffsetsToTransaction(offsets, consumer, this.c.transactionTimeoutMs, cb));
  }

  /** Retries a commit that timed out (e.g. while a broker restarts); anything else is the caller's to handle. */
  async commit(): Promise<void> {
    if (this.sinkError) throw this.sinkError;
    const deadline = Date.now() + this.c.transactionTimeoutMs * 3;
    for (;;) {
      try {
        await rd.txn((cb) => this.producer.commitTransaction(this.c.transactionTimeoutMs, cb));
        return;
      } catch (err) {
        const e = rd.asError(err);
        if (!e.isRetriable || e.isTxnRequiresAbort || Date.now() > deadline) throw e;
      }
    }
  }

  /**
   * Aborts the open transaction and drops what was held: none of it becomes visible to read_committed
   * consumers. A producer that hit a fatal error is replaced; initialising its successor aborts the transaction.
   * `failure` is checked before the transactional id is taken back (a process that stopped must not).
   */
  async abort(failure: () => Error | undefined): Promise<void> {
    this.held = [];
    const deadline = Date.now() + this.c.transactionTimeoutMs * 3;
    for (;;) {
      try {
        await rd.txn((cb) => this.producer.abortTransaction(this.c.transactionTimeoutMs, cb));
        this.sinkError = undefined;
        return;
      } catch (err) {
        const e = rd.asError(err);
        if (e.isFatal || Date.now() > deadline) {
          // A coordinator that timed the transaction out (e.g. across a broker restart) bumps the producer
          // epoch, which librdkafka reports as fencing. A process that really lost its identity to a newer
          // one is stopped by its consumer (a fenced static member gets a fatal error within a heartbeat),
          // so wait that long before taking the transactional id back.
          this.log(`kafka: replacing the producer: ${e.message}`);
          if (fenced(e)) await new Promise((r) => setTimeout(r, 3_000));
          const stopped = failure();
          if (stopped) throw stopped;
          await rd.disconnect(this.producer);
          await this.connect();
          return;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  async close(): Promise<void> {
    if (this.producer) await rd.disconnect(this.producer);
  }
}
