// Consumer polls one batch ahead: while a batch is processed, librdkafka's queue is already being read for the next.
import * as rd from './rdkafka.js';

type Outcome = { messages: rd.Message[] } | { error: Error };

interface Poll {
  outcome: Promise<Outcome>;
  generation: number;
}

export interface Batch {
  messages: rd.Message[];
  /** The poller's generation when the poll started: a batch of an older one predates a seek. */
  generation: number;
}

/**
 * Batches are fetched ahead of processing, so one may hold messages from before a seek. Callers `drop()` before
 * they seek or replace the consumer: that waits for the poll under way and makes every batch polled until then
 * stale (`current(batch)` is false), so no partition is processed from two positions.
 */
export class Poller {
  private underWay: Poll | undefined;
  private generation = 0;
  private stopped = false;

  constructor(
    private consumer: rd.KafkaConsumer,
    private readonly batchSize: number,
  ) {}

  private start(): Poll {
    const outcome = rd.consume(this.consumer, this.batchSize).then(
      (messages): Outcome => ({ messages }),
      (err): Outcome => ({ error: rd.asError(err) }),
    );
    return (this.underWay = { outcome, generation: this.generation });
  }

  /** The next batch (empty when a poll found nothing); the poll after it starts at once. */
  async next(): Promise<Batch> {
    const poll = this.underWay ?? this.start();
    const outcome = await poll.outcome;
    if (this.underWay === poll) this.underWay = undefined;
    if ('error' in outcome) throw outcome.error;
    if (!this.stopped && poll.generation === this.generation) this.start();
    return { messages: outcome.messages, generation: poll.generation };
  }

  current(batch: Batch): boolean {
    return batch.generation === this.generation;
  }

  /** Makes every batch polled so far stale and waits for the poll under way. */
  async drop(): Promise<void> {
    this.generation++;
    const poll = this.underWay;
    this.underWay = undefined;
    if (poll) await poll.outcome;
  }

  /** A replaced consumer: what the old one fetched is stale. */
  async replace(consumer: rd.KafkaConsumer): Promise<void> {
    await this.drop();
    this.consumer = consumer;
  }

  /** No further polls; the one under way is waited for, so the consumer can be closed. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.drop();
  }
}
