// Telemetry into Kafka the way the engine needs it: each reading on its co-partition unit's partition, as
// columnar gateway batches (one message per partition per send) or as single-reading messages keyed by unit.
import type { KafkaConfig } from '../../config.js';
import type { OperatorSpec } from '../../stream/index.js';
import {
  type SensorCatalog,
  decodeWire,
  encodeBatch,
  encodeReading,
  type DecodedMessage,
  QUALITY_NAMES,
  type Reading,
} from '../../telemetry/index.js';
import { PRODUCER_TOPIC_CONFIG } from './client-config.js';
import { coPartitioning, type CoPartitioning } from './partitioner.js';
import * as rd from './rdkafka.js';
import { ensureInputTopic } from './topics.js';

export interface TelemetryProducerOptions {
  config: KafkaConfig;
  catalog: SensorCatalog;
  /** The operators the consuming engines run: they decide which sensors must share a partition. */
  operators: OperatorSpec[];
  /** One message per reading (keyed by unit) instead of gateway batches. */
  single?: boolean;
  /** Largest batch message, in readings. */
  maxBatch?: number;
}

function buffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export class TelemetryProducer {
  private sent = 0;

  private constructor(
    private readonly o: TelemetryProducerOptions,
    private readonly producer: rd.Producer,
    private readonly co: CoPartitioning,
    private readonly partitionOf: Int32Array,
    readonly partitions: number,
  ) {}

  static async connect(o: TelemetryProducerOptions): Promise<TelemetryProducer> {
    const producer = new rd.RdProducer(
      {
        'linger.ms': 10,
        'compression.codec': 'lz4',
        'queue.buffering.max.kbytes': 262_144,
        ...o.config.properties,
        'bootstrap.servers': o.config.brokers,
        'enable.idempotence': true,
      } as never,
      PRODUCER_TOPIC_CONFIG as never,
    );
    await rd.connect(producer, 30_000);
    producer.setPollInterval(100);
    const partitions = await ensureInputTopic(o.config, producer);
    const co = coPartitioning(o.catalog, o.operators);
    return new TelemetryProducer(o, producer, co, co.partitionOfSensor(partitions), partitions);
  }

  /** Messages handed to librdkafka so far. */
  get messages(): number {
    return this.sent;
  }

  /** Queues readings in arrival order; per partition that order is kept. */
  send(readings: readonly Reading[]): void {
    const topic = this.o.config.inputTopic;
    const index = this.o.catalog.index;
    if (this.o.single) {
      for (const r of readings) {
        const s = index.get(r.sensor);
        rd.produceBlocking(
          this.producer,
          topic,
          s === undefined ? 0 : this.partitionOf[s],
          buffer(encodeReading(r)),
          s === undefined ? r.sensor : this.co.unitOf[s],
        );
        this.sent++;
      }
      return;
    }
    const max = this.o.maxBatch ?? 4096;
    const byPartition: Reading[][] = Array.from({ length: this.partitions }, () => []);
    for (const r of readings) {
      const s = index.get(r.sensor);
      const list = byPartition[s === undefined ? 0 : this.partitionOf[s]];
      list.push(r);
      if (list.length >= max) this.sendBatch(list);
    }
    for (const list of byPartition) if (list.length > 0) this.sendBatch(list);
  }

  /**
   * One wire message as received (e.g. over HTTP): its readings each to their unit's partition. A message
   * that cannot be decoded goes to partition 0 as it is, where the engine dead-letters it with its offset.
   */
  sendMessage(bytes: Uint8Array): void {
    let msg: DecodedMessage;
    try {
      msg = decodeWire(bytes);
    } catch {
      rd.produceBlocking(this.producer, this.o.config.inputTopic, 0, Buffer.from(bytes), null);
      this.sent++;
      return;
    }
    this.send(readingsOf(msg));
  }

  private sendBatch(list: Reading[]): void {
    const s = this.o.catalog.index.get(list[0].sensor);
    const partition = s === undefined ? 0 : this.partitionOf[s];
    rd.produceBlocking(this.producer, this.o.config.inputTopic, partition, buffer(encodeBatch(list)), null);
    this.sent++;
    list.length = 0;
  }

  /** Waits until every queued message is acknowledged by the brokers. */
  async flush(): Promise<void> {
    await rd.flush(this.producer, 120_000);
  }

  async close(): Promise<void> {
    await this.flush();
    await rd.disconnect(this.producer);
  }
}

function readingsOf(msg: DecodedMessage): Reading[] {
  const quality = (q: number) => (q ? { quality: QUALITY_NAMES[q] ?? ('bad' as const) } : {});
  if (msg.kind === 'single') {
    const r = msg.reading;
    return [{ sensor: r.sensor, metric: r.metric, ts: r.ts, value: r.value, ...quality(r.quality) }];
  }
  const b = msg.batch;
  return Array.from({ length: b.length }, (_, i) => ({
    sensor: b.sensorNames[b.sensor[i]],
    metric: b.metricNames[b.metric[i]],
    ts: b.ts[i],
    value: b.value[i],
    ...quality(b.quality[i]),
  }));
}
