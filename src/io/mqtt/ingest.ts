// MQTT messages into the engine: decode by topic, validate, drop QoS 1 redeliveries, gather each source's readings
// for one engine message per tick, and checkpoint window state so that QoS 1 messages are acknowledged only once
// their readings are durable (exactly once across a crash, with the broker redelivering what was not acknowledged).
import type { StreamEngine } from '../../stream/engine.js';
import type { OperatorSpec } from '../../stream/index.js';
import { BatchScanner, type ScannedBatch } from '../../telemetry/batch-scan.js';
import type { SensorCatalog } from '../../telemetry/catalog.js';
import { WireFormatError, type DecodedBatch, type SingleReading } from '../../telemetry/codec.js';
import type { DeadLetter, DeadLetterSink } from '../../telemetry/dead-letter.js';
import { METRICS, METRIC_INDEX } from '../../telemetry/metrics.js';
import { ReadingColumns } from '../../telemetry/reading-columns.js';
import { rowProblem, validateBatch, validateSingle, type ValidationContext } from '../../telemetry/validate.js';
import type { MqttCheckpointStore } from './checkpoint-store.js';
import { decodeBatchTopicPayload, readingFromTopicPayload } from './payload.js';
import { scanReadingPayload, type ScannedReading } from './reading-payload-scan.js';
import { RedeliveryFilter } from './redelivery-filter.js';
import { matchTopic, type TopicTemplate } from './topics.js';

export interface MqttIngestOptions {
  engine: StreamEngine;
  catalog: SensorCatalog;
  operators: readonly OperatorSpec[];
  readingTopic: TopicTemplate;
  batchTopic: TopicTemplate;
  deadLetter: DeadLetterSink;
  /** Durable state; without it nothing is checkpointed and QoS 1 messages are acknowledged at once. */
  store?: MqttCheckpointStore;
  /** Readings gathered for one engine message at most this often (default 20 ms). */
  tickMs?: number;
  /** Checkpoint at least this often while QoS 1 messages wait for their acknowledgement (default 100 ms). */
  checkpointIntervalMs?: number;
  /** Checkpoint as soon as this many QoS 1 messages wait (default 16: below Mosquitto's default of 20 in flight). */
  checkpointAfterMessages?: number;
  onError: (err: Error) => void;
}

export interface MqttIngestStats {
  messages: number;
  readings: number;
  duplicates: number;
  checkpoints: number;
  /** QoS 1 messages taken in and waiting for the next checkpoint. */
  awaitingAck: number;
  /**
   * performance.now() when the first message was taken in (undefined before): a backlog delivered at once keeps the
   * event loop busy, so a caller's own timer would first run only after the whole of it.
   */
  firstMessageAt: number | undefined;
}

const MAX_GATHERED = 65_536;

/**
 * What a topic names, resolved once and kept by topic string: devices publish on the same topics again and again, so
 * the split, the template match and the catalog look-ups are not paid per message.
 */
type TopicRoute =
  | { kind: 'reading'; source: string; sensorName: string; metricName: string; sensor: number; metric: number }
  | { kind: 'batch'; source: string };

/** Topics remembered at most (a city's sensors times metrics times tenants); beyond, the memory starts afresh. */
const MAX_ROUTES = 100_000;

/** One source's readings since the last tick: the valid ones in columns, and how many were read in all. */
class Gathered extends ReadingColumns {
  readings = 0;

  constructor() {
    super(256);
  }
}

/** The latest event time a copy of a reading could still be aggregated at, relative to the watermark. */
export function redeliveryHorizonMs(operators: readonly OperatorSpec[]): number {
  let span = 0;
  for (const o of operators) {
    const w = o.window;
    const size = w.type === 'session' ? w.gapMs : w.sizeMs;
    span = Math.max(span, size + o.allowedLatenessMs);
  }
  return span;
}

export class MqttIngest {
  private readonly filter: RedeliveryFilter;
  private readonly gathered = new Map<string, Gathered>();
  /** Buffers the engine is done with, reused (their columns stay grown): no fresh columns every tick. */
  private readonly spare: Gathered[] = [];
  private readonly routes = new Map<string, TopicRoute>();
  private readonly scanned: ScannedReading = { value: 0, ts: 0, quality: 0 };
  private readonly batchScanner: BatchScanner;
  /** The topic of the message being taken, which its dead letters name. */
  private topic = '';
  private readonly ctx: ValidationContext;
  private readonly horizonMs: number;
  private chain: Promise<void> = Promise.resolve();
  private waiting: (() => void)[] = [];
  private waitingSince = 0;
  private gatheredRows = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private closed = false;
  private readonly counters = { messages: 0, readings: 0, checkpoints: 0 };
  private firstMessageAt: number | undefined;

  private constructor(
    private readonly o: MqttIngestOptions,
    restoredFilter: RedeliveryFilter,
  ) {
    this.filter = restoredFilter;
    this.horizonMs = redeliveryHorizonMs(o.operators);
    this.batchScanner = new BatchScanner(o.catalog);
    this.ctx = {
      catalog: o.catalog,
      nowMs: 0,
      maxFutureMs: 0,
      source: '',
      deadLetter: (l: DeadLetter) => o.deadLetter({ ...l, topic: this.topic }),
    };
    this.timer = setInterval(() => this.onTick(), o.tickMs ?? 20);
  }

  /** Restores the saved window state into the engine (before its first message) and starts the tick. */
  static async start(o: MqttIngestOptions): Promise<{ ingest: MqttIngest; restoredKeys: number }> {
    const slots = o.catalog.ids.length;
    if (!o.store)
      return {
        ingest: new MqttIngest(o, new RedeliveryFilter(slots * METRICS.length, METRICS.length, undefined)),
        restoredKeys: 0,
      };
    const saved = o.store.load();
    await o.engine.restore(saved.restore);
    const filter = new RedeliveryFilter(slots * METRICS.length, METRICS.length, saved.dedupBase, saved.generations);
    return { ingest: new MqttIngest(o, filter), restoredKeys: saved.keys };
  }

  /** True once `close` was called: messages arriving after it are left unacknowledged, for the next start. */
  get isClosed(): boolean {
    return this.closed;
  }

  stats(): MqttIngestStats {
    return {
      ...this.counters,
      duplicates: this.filter.duplicates,
      awaitingAck: this.waiting.length,
      firstMessageAt: this.firstMessageAt,
    };
  }

  private gather(source: string): Gathered {
    let g = this.gathered.get(source);
    if (!g) this.gathered.set(source, (g = this.spare.pop() ?? new Gathered()));
    return g;
  }

  /** The topic's route, or undefined when it matches neither template. */
  private route(topic: string): TopicRoute | undefined {
    const known = this.routes.get(topic);
    if (known) return known;
    const reading = matchTopic(this.o.readingTopic, topic);
    const fields = reading ?? matchTopic(this.o.batchTopic, topic);
    if (!fields) return undefined;
    const source = `mqtt:${fields.tenant ?? 'default'}`;
    const route: TopicRoute = reading
      ? {
          kind: 'reading',
          source,
          sensorName: reading.sensor!,
          metricName: reading.metric!,
          sensor: this.o.catalog.index.get(reading.sensor!) ?? -1,
          metric: METRIC_INDEX.get(reading.metric!) ?? -1,
        }
      : { kind: 'batch', source };
    if (this.routes.size >= MAX_ROUTES) this.routes.clear();
    this.routes.set(topic, route);
    return route;
  }

  /**
   * Takes one message. For QoS 1 the returned promise resolves once its readings are in a committed checkpoint (the
   * moment to acknowledge it); for QoS 0, or without a store, it is undefined. Never throws on bad input: a bad
   * payload or topic is a dead letter.
   */
  accept(topic: string, payload: Uint8Array, qos: number): Promise<void> | undefined {
    if (this.closed) throw new Error('the MQTT ingest is closed');
    this.firstMessageAt ??= performance.now();
    this.counters.messages++;
    const clock = this.o.engine.ingestClock();
    const ctx = this.ctx;
    ctx.nowMs = clock.nowMs;
    ctx.maxFutureMs = clock.maxFutureMs;
    this.topic = topic;
    const dedup = qos > 0 && this.o.store !== undefined;
    const route = this.route(topic);
    if (!route) {
      this.counters.readings++;
      this.o.deadLetter({
        reason: 'unknown-topic',
        detail: `topic '${topic}' matches neither ${this.o.readingTopic.text} nor ${this.o.batchTopic.text}`,
        source: 'mqtt:default',
        topic,
      });
      return this.durable(qos);
    }
    ctx.source = route.source;
    const g = this.gather(route.source);
    try {
      if (route.kind === 'reading') {
        this.counters.readings++;
        g.readings++;
        const scanned = this.scanned;
        if (scanReadingPayload(payload, scanned)) {
          const ts = Number.isNaN(scanned.ts) ? clock.nowMs : scanned.ts;
          if (route.sensor < 0) this.unknownSensor(route, ts, scanned.value);
          else this.takeRouted(route, ts, scanned.value, scanned.quality, g, dedup);
        } else {
          // what the scan does not read (an ISO time, a mistake to explain) is read, and judged, in full
          const r = readingFromTopicPayload(payload, route.sensorName, route.metricName, clock.nowMs);
          if (route.sensor < 0) this.unknownSensor(route, r.ts, r.value);
          else this.takeSingle(r, g, dedup);
        }
      } else {
        const scanned = this.batchScanner.scan(payload);
        if (scanned && this.takeScannedBatch(scanned, g, dedup)) return this.afterMessage(qos);
        const decoded = decodeBatchTopicPayload(payload);
        if (decoded.kind === 'single') {
          this.counters.readings++;
          g.readings++;
          this.takeSingle(decoded.reading, g, dedup);
        } else this.takeBatch(decoded.batch, g, dedup);
      }
    } catch (err) {
      if (!(err instanceof WireFormatError)) throw err;
      if (route.kind === 'batch') {
        this.counters.readings++;
        g.readings++;
      }
      const head = payload.subarray(0, 512);
      this.o.deadLetter({
        reason: err.reason,
        detail: err.message,
        source: route.source,
        topic,
        payload: Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('base64'),
      });
    }
    return this.afterMessage(qos);
  }

  private afterMessage(qos: number): Promise<void> | undefined {
    if (this.gatheredRows >= MAX_GATHERED) void this.flushSoon();
    return this.durable(qos);
  }

  /** While readings wait beyond the high-water mark, the promise of the flush that takes them: callers await it (backpressure). */
  backpressure(): Promise<void> | undefined {
    return this.gatheredRows >= MAX_GATHERED ? this.flushing : undefined;
  }

  private unknownSensor(route: TopicRoute & { kind: 'reading' }, ts: number, value: number): void {
    this.o.deadLetter({
      reason: 'unknown-sensor',
      detail: `sensor '${route.sensorName}' named by the topic is not in the city model`,
      source: route.source,
      topic: this.topic,
      sensor: route.sensorName,
      metric: route.metricName,
      ts,
      value,
    });
  }

  /** A reading whose sensor and metric the topic's route resolved: only its time, value and quality are judged. */
  private takeRouted(
    route: TopicRoute & { kind: 'reading' },
    ts: number,
    value: number,
    quality: number,
    g: Gathered,
    dedup: boolean,
  ): void {
    const { sensor, metric } = route;
    const problem = rowProblem(this.ctx, sensor, metric, route.sensorName, route.metricName, ts, value, quality);
    if (problem) {
      this.ctx.deadLetter({
        reason: problem[0],
        detail: problem[1],
        source: route.source,
        sensor: route.sensorName,
        metric: route.metricName,
        ts,
        value,
      });
      return;
    }
    if (dedup && this.filter.seenBefore(sensor, metric, ts)) return;
    g.push(sensor, metric, ts, value, quality);
    this.gatheredRows++;
  }

  private takeSingle(r: SingleReading, g: Gathered, dedup: boolean): void {
    const sm = validateSingle(r, this.ctx);
    if (sm < 0) return;
    const s = Math.floor(sm / 256);
    const m = sm % 256;
    if (dedup && this.filter.seenBefore(s, m, r.ts)) return;
    g.push(s, m, r.ts, r.value, r.quality);
    this.gatheredRows++;
  }

  /**
   * A scanned batch whose every reading is good is taken whole; false (nothing taken) when one is not: the message is
   * then decoded and validated row by row, which writes the dead letters with the names and details.
   */
  private takeScannedBatch(b: ScannedBatch, g: Gathered, dedup: boolean): boolean {
    const ctx = this.ctx;
    const { length, sensorOf, metricOf, sensor, metric, ts, value, quality } = b;
    for (let i = 0; i < length; i++) {
      const sd = sensor[i];
      const md = metric[i];
      if (sd >= b.sensorNames || md >= b.metricNames) return false;
      if (rowProblem(ctx, sensorOf[sd], metricOf[md], '', '', ts[i], value[i], quality[i]) !== undefined) return false;
    }
    this.counters.readings += length;
    g.readings += length;
    for (let i = 0; i < length; i++) {
      const s = sensorOf[sensor[i]];
      const m = metricOf[metric[i]];
      if (dedup && this.filter.seenBefore(s, m, ts[i])) continue;
      g.push(s, m, ts[i], value[i], quality[i]);
    }
    this.gatheredRows += length;
    return true;
  }

  private takeBatch(batch: DecodedBatch, g: Gathered, dedup: boolean): void {
    this.counters.readings += batch.length;
    g.readings += batch.length;
    const valid = validateBatch(batch, this.ctx);
    for (let i = 0; i < valid.length; i++) {
      if (dedup && this.filter.seenBefore(valid.sensor[i], valid.metric[i], valid.ts[i])) continue;
      g.push(valid.sensor[i], valid.metric[i], valid.ts[i], valid.value[i], valid.quality[i]);
    }
    this.gatheredRows += valid.length;
  }

  private durable(qos: number): Promise<void> | undefined {
    if (qos === 0 || !this.o.store) return undefined;
    if (this.waiting.length === 0) this.waitingSince = Date.now();
    const p = new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.waiting.length >= (this.o.checkpointAfterMessages ?? 16)) this.checkpointSoon();
    return p;
  }

  /** Runs engine work strictly in order: flushes and checkpoints must not interleave. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.chain.then(task);
    this.chain = run.catch((err: Error) => this.o.onError(err));
    return run;
  }

  private flushSoon(): Promise<void> {
    // a failed flush is reported once, by enqueue's onError; the waiters only wait for it, so it settles without
    // rejecting (an unawaited rejection here would end the process)
    this.flushing ??= this.enqueue(() => this.flushGathered())
      .catch(() => undefined)
      .finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private checkpointing = false;

  private checkpointSoon(): void {
    if (this.checkpointing) return;
    this.checkpointing = true;
    // a failure is reported by enqueue's onError
    void this.enqueue(async () => {
      this.checkpointing = false;
      await this.checkpoint();
    });
  }

  private messagesAtLastTick = 0;

  private onTick(): void {
    if (this.gatheredRows > 0 || [...this.gathered.values()].some((g) => g.readings > 0)) void this.flushSoon();
    // A pause in the stream (publishers waiting for their acknowledgements) checkpoints at once, not at the interval.
    const quiet = this.counters.messages === this.messagesAtLastTick;
    this.messagesAtLastTick = this.counters.messages;
    if (this.waiting.length > 0 && (quiet || Date.now() - this.waitingSince >= (this.o.checkpointIntervalMs ?? 100)))
      this.checkpointSoon();
  }

  /** Takes what was gathered so far out of the buffers, synchronously (messages taken in meanwhile start a new one). */
  private takeGathered(): [string, Gathered][] {
    const sources = [...this.gathered];
    this.gathered.clear();
    this.gatheredRows = 0;
    return sources;
  }

  private async ingestGathered(sources: [string, Gathered][]): Promise<void> {
    for (const [source, g] of sources) {
      if (g.readings > 0) await this.o.engine.ingestValidated(g, g.readings, source);
      // the engine copied the readings out (ingestValidated routes them before it resolves): the columns are free
      g.length = 0;
      g.readings = 0;
      this.spare.push(g);
    }
  }

  private async flushGathered(): Promise<void> {
    await this.ingestGathered(this.takeGathered());
  }

  /** Everything taken so far into the engine, its state committed, and the QoS 1 messages behind it released for acknowledgement. */
  private async checkpoint(): Promise<void> {
    // The readings, the messages to acknowledge and the redelivery keys are cut at one synchronous point: a message
    // taken in while the engine works belongs to the next checkpoint, so none is acknowledged (or marked as seen in a
    // committed generation) before its readings are in the committed window state.
    const sources = this.takeGathered();
    const release = this.waiting;
    this.waiting = [];
    const store = this.o.store;
    const generation = store ? this.filter.seal() : null;
    await this.ingestGathered(sources);
    if (!store) {
      for (const r of release) r();
      return;
    }
    const cp = await this.o.engine.checkpoint();
    const expired = this.filter.expire(cp.watermark.value - this.horizonMs);
    store.commit(cp, generation, expired, this.filter.base);
    this.counters.checkpoints++;
    for (const r of release) r();
  }

  /** Takes nothing more; commits what was taken (a last checkpoint) and releases every waiting acknowledgement. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.enqueue(() => this.checkpoint());
    await this.chain;
  }
}
