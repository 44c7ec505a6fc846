// Promise wrappers over the node-rdkafka calls the Kafka source and sinks use, and the error codes they test.
import rdkafka from 'node-rdkafka';
import type {
  Client,
  KafkaConsumer,
  LibrdKafkaError,
  Message,
  Metadata,
  Producer,
  TopicPartitionOffset,
} from 'node-rdkafka';

export const { KafkaConsumer: Consumer, Producer: RdProducer, AdminClient, CODES } = rdkafka;
export type { KafkaConsumer, LibrdKafkaError, Message, Metadata, Producer, TopicPartitionOffset };

export const ERR = CODES.ERRORS;

function callback<T>(resolve: (v: T) => void, reject: (e: Error) => void) {
  return (err: LibrdKafkaError | null | undefined, value: T) => (err ? reject(asError(err)) : resolve(value));
}

/** librdkafka errors arrive as plain objects in places; make them Errors that keep code and flags. */
export function asError(
  err: unknown,
): Error & Partial<LibrdKafkaError> & { isFatal?: boolean; isRetriable?: boolean; isTxnRequiresAbort?: boolean } {
  if (err instanceof Error) return err as never;
  const e = err as LibrdKafkaError & { isFatal?: boolean; isRetriable?: boolean; isTxnRequiresAbort?: boolean };
  return Object.assign(new Error(e?.message ?? String(err)), e);
}

export function connect(client: Client<string>, timeoutMs: number): Promise<Metadata> {
  return new Promise((resolve, reject) => client.connect({ timeout: timeoutMs }, callback(resolve, reject)));
}

export function disconnect(client: Client<string>): Promise<void> {
  return new Promise((resolve) => {
    if (!client.isConnected()) return resolve();
    // A producer's disconnect(timeout, cb) flushes first; this one must not (an aborted transaction's records are gone).
    (client as Client<string> & { _disconnect?: (cb: () => void) => void })._disconnect?.(() => resolve()) ??
      client.disconnect(() => resolve());
  });
}

export function metadata(client: Client<string>, timeoutMs: number): Promise<Metadata> {
  return new Promise((resolve, reject) =>
    client.getMetadata({ allTopics: true, timeout: timeoutMs }, callback(resolve, reject)),
  );
}

/** Up to `n` messages; an empty array when none arrived within the consumer's consume timeout. */
export function consume(consumer: KafkaConsumer, n: number): Promise<Message[]> {
  return new Promise((resolve, reject) =>
    consumer.consume(n, (err, messages) => (err ? reject(asError(err)) : resolve(messages ?? []))),
  );
}

export function committed(
  consumer: KafkaConsumer,
  partitions: { topic: string; partition: number }[],
  timeoutMs: number,
): Promise<TopicPartitionOffset[]> {
  return new Promise((resolve, reject) => consumer.committed(partitions, timeoutMs, callback(resolve, reject)));
}

export function seek(consumer: KafkaConsumer, tpo: TopicPartitionOffset, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) =>
    consumer.seek(tpo, timeoutMs, (err) => (err ? reject(asError(err)) : resolve())),
  );
}

/** A partition's low and high watermark as the broker has them now (not librdkafka's last fetch). */
export function watermarks(
  client: KafkaConsumer,
  topic: string,
  partition: number,
  timeoutMs: number,
): Promise<{ lowOffset: number; highOffset: number }> {
  return new Promise((resolve, reject) =>
    client.queryWatermarkOffsets(topic, partition, timeoutMs, (err, o) => (err ? reject(asError(err)) : resolve(o))),
  );
}

export function txn(run: (cb: (err: LibrdKafkaError) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => run((err) => (err ? reject(asError(err)) : resolve())));
}

export function flush(producer: Producer, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => producer.flush(timeoutMs, (err) => (err ? reject(asError(err)) : resolve())));
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Produces, waiting while librdkafka's local queue is full: the sinks are called synchronously from the
 * engine, so the wait blocks this thread briefly while librdkafka's own threads send what is queued.
 */
export function produceBlocking(
  producer: Producer,
  topic: string,
  partition: number | null,
  value: Buffer | null,
  key: string | Buffer | null,
  timestamp?: number,
): void {
  for (let waited = 0; ; waited++) {
    try {
      producer.produce(topic, partition, value, key, timestamp ?? null);
      return;
    } catch (err) {
      if ((err as LibrdKafkaError).code !== ERR.ERR__QUEUE_FULL || waited > 60_000) throw asError(err);
      producer.poll();
      Atomics.wait(sleeper, 0, 0, 1);
    }
  }
}
