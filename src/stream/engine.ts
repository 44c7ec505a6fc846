// The stream engine: decode, validate, route by key to worker threads in batches, advance watermarks, collect results.
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { SensorCatalog } from '../telemetry/catalog.js';
import { WireFormatError, batchFromReadings, decodeWire, type DecodedBatch, type DecodedMessage } from '../telemetry/codec.js';
import type { DeadLetterSink } from '../telemetry/dead-letter.js';
import { METRICS, METRIC_INDEX } from '../telemetry/metrics.js';
import type { Reading } from '../telemetry/reading.js';
import { validateBatch, validateSingle, type ValidationContext } from '../telemetry/validate.js';
import { SingleReadingDecoder, type FastReading } from '../telemetry/single-decoder.js';
import { configError } from '../errors.js';
import type { WindowResultColumns } from './emit-buffer.js';
import { LatencyHistogram } from './histogram.js';
import type { OperatorSpec, WatermarkSpec } from './spec.js';
import { TaskBuilder, taskTransferList, type WorkerReply, type WorkerTask } from './task.js';
import { WorkerCore, type WorkerInit } from './worker-core.js';
import { WatermarkTracker } from './watermark.js';

export interface EngineOptions {
  catalog: SensorCatalog;
  operators: OperatorSpec[];
  watermark: WatermarkSpec;
  /** Worker threads; 0 runs the operators on the calling thread. */
  workers: number;
  /** Readings per task sent to a worker. */
  batchSize?: number;
  /** Tasks a worker may have queued before ingest waits (backpressure). */
  maxInFlight?: number;
  /** Buffered readings are sent at least this often (wall-clock ms), so results are not held back. */
  flushIntervalMs?: number;
  maxFutureMs?: number;
  /** Processing-time clock in ms (event time always comes from the readings). */
  clock?: () => number;
  onResults?: (operator: OperatorSpec, columns: WindowResultColumns) => void;
  deadLetter: DeadLetterSink;
}

export interface EngineStats {
  messages: number;
  readings: number;
  accepted: number;
  badQuality: number;
  unkeyed: number;
  late: number;
  results: number;
  watermark: number;
  activeWindows: number;
  emitDelayP50Ms: number;
  emitDelayP99Ms: number;
  /** Tasks sent to workers and not yet answered (bounded by maxInFlight per worker). */
  tasksInFlight: number;
}

interface Route {
  operator: number;
  ofSensor: Int32Array;
}

const DONE: Promise<void> = Promise.resolve();

function defaultWorkerFile(): string {
  const here = import.meta.url;
  // Under the test runner this module is TypeScript source; workers always run the compiled build.
  const url = here.endsWith('.ts') ? new URL('../../dist/src/stream/worker.js', here) : new URL('./worker.js', here);
  return fileURLToPath(url);
}

export class StreamEngine {
  private readonly opts: Required<Omit<EngineOptions, 'onResults'>> & Pick<EngineOptions, 'onResults'>;
  private readonly routes: Route[][];
  private readonly builders: TaskBuilder[];
  private readonly pools: Piscina[] = [];
  private readonly inline?: WorkerCore;
  private readonly inFlight: Promise<void>[][];
  private readonly tracker: WatermarkTracker;
  private readonly markers: { w: number; at: number }[] = [];
  private readonly emitDelay = new LatencyHistogram();
  private readonly activeByWorker: number[];
  private lastFlush = 0;
  private readonly fullLanes: number[] = [];
  private readonly validationContext: ValidationContext;
  private readonly singleDecoder: SingleReadingDecoder;
  private readonly fast: FastReading = { sensor: 0, metric: 0, ts: 0, value: 0, quality: 0 };
  private failure: Error | undefined;
  private readonly counters = { messages: 0, readings: 0, accepted: 0, badQuality: 0, unkeyed: 0, late: 0, results: 0 };

  constructor(options: EngineOptions) {
    this.opts = {
      batchSize: 8192,
      maxInFlight: 2,
      flushIntervalMs: 5,
      maxFutureMs: 24 * 3600_000,
      clock: () => performance.timeOrigin + performance.now(),
      onResults: undefined,
      ...options,
    };
    const { catalog, operators, workers } = this.opts;
    if (!Number.isInteger(workers) || workers < 0) throw configError(`workers must be a whole number >= 0, got ${workers}`);
    if (operators.length > 255) throw configError(`at most 255 operators, got ${operators.length}`);
    this.routes = METRICS.map(() => []);
    const keyCounts: number[] = [];
    operators.forEach((spec, i) => {
      const m = METRIC_INDEX.get(spec.metric);
      if (m === undefined) throw configError(`operator '${spec.name}': unknown metric '${spec.metric}'`);
      const grouping = catalog.groupings.get(spec.keyBy);
      if (!grouping) throw configError(`operator '${spec.name}': keyBy '${spec.keyBy}' is not a grouping of the city (${[...catalog.groupings.keys()].join(', ')})`);
      this.routes[m].push({ operator: i, ofSensor: grouping.ofSensor });
      keyCounts.push(grouping.keys.length);
    });
    const init: WorkerInit = { operators, keyCounts };
    const lanes = Math.max(1, workers);
    this.builders = Array.from({ length: lanes }, () => new TaskBuilder(this.opts.batchSize));
    this.inFlight = Array.from({ length: lanes }, () => []);
    this.activeByWorker = new Array<number>(lanes).fill(0);
    if (workers === 0) this.inline = new WorkerCore(init);
    else {
      const filename = defaultWorkerFile();
      for (let i = 0; i < workers; i++) {
        this.pools.push(new Piscina({ filename, minThreads: 1, maxThreads: 1, concurrentTasksPerWorker: 1, idleTimeout: Infinity, workerData: init }));
      }
    }
    this.tracker = new WatermarkTracker(this.opts.watermark);
    this.singleDecoder = new SingleReadingDecoder(catalog);
    this.validationContext = { catalog, nowMs: 0, maxFutureMs: this.opts.maxFutureMs, source: '', deadLetter: this.opts.deadLetter };
  }

  get watermark(): number {
    return this.tracker.current;
  }

  stats(): EngineStats {
    return {
      ...this.counters,
      watermark: this.tracker.current,
      activeWindows: this.activeByWorker.reduce((a, b) => a + b, 0),
      emitDelayP50Ms: this.emitDelay.quantile(0.5),
      emitDelayP99Ms: this.emitDelay.quantile(0.99),
      tasksInFlight: this.inFlight.reduce((n, q) => n + q.length, 0),
    };
  }

  /**
   * Messages of one source partition in arrival order, as a consumer poll returns them: awaits only where a
   * message has to wait (backpressure or a due flush), not once per message.
   */
  async ingestMessages(messages: readonly Uint8Array[], partition = 'default'): Promise<void> {
    for (let i = 0; i < messages.length; i++) {
      const accepted = this.ingestMessage(messages[i], partition);
      if (accepted !== DONE) await accepted;
    }
  }

  /**
   * One MessagePack message from a source partition. The returned promise resolves once the message is
   * accepted; it waits only when a worker is behind (backpressure), so callers should await it.
   */
  ingestMessage(bytes: Uint8Array, partition = 'default'): Promise<void> {
    this.throwIfFailed();
    this.counters.messages++;
    const now = this.opts.clock();
    const f = this.fast;
    // One reading per message is the costly shape of the wire: no columns, no strings, and no promise unless a worker is behind.
    if (this.singleDecoder.decode(bytes, now + this.opts.maxFutureMs, f)) {
      const ts = f.ts;
      this.counters.readings++;
      this.routeReading(f.sensor, f.metric, ts, f.value, f.quality);
      const waiting = this.fullLanes.length > 0 ? this.sendFull() : undefined;
      if (waiting) return waiting.then(() => this.endMessage(partition, ts, now));
      return this.endMessage(partition, ts, now) ?? DONE;
    }
    let msg: DecodedMessage;
    try {
      msg = decodeWire(bytes);
    } catch (err) {
      if (!(err instanceof WireFormatError)) throw err;
      this.opts.deadLetter({
        reason: err.reason,
        detail: err.message,
        source: partition,
        payload: Buffer.from(bytes.subarray(0, 512)).toString('base64'),
      });
      return DONE;
    }
    if (msg.kind === 'batch') return this.ingestDecoded(msg.batch, partition);
    const r = msg.reading;
    this.counters.readings++;
    const ids = validateSingle(r, this.validation(now, partition));
    const maxTs = ids >= 0 ? r.ts : -Infinity;
    if (ids >= 0) this.routeReading(Math.floor(ids / 256), ids % 256, r.ts, r.value, r.quality);
    const waiting = this.fullLanes.length > 0 ? this.sendFull() : undefined;
    if (waiting) return waiting.then(() => this.endMessage(partition, maxTs, now));
    return this.endMessage(partition, maxTs, now) ?? DONE;
  }

  /** Readings produced in-process (the simulator), validated like any message. */
  async ingestReadings(readings: readonly Reading[], partition = 'default'): Promise<void> {
    this.throwIfFailed();
    this.counters.messages++;
    await this.ingestDecoded(batchFromReadings(readings), partition);
  }

  private validation(nowMs: number, source: string): ValidationContext {
    this.validationContext.nowMs = nowMs;
    this.validationContext.source = source;
    return this.validationContext;
  }

  private async ingestDecoded(batch: DecodedBatch, partition: string): Promise<void> {
    const now = this.opts.clock();
    this.counters.readings += batch.length;
    const valid = validateBatch(batch, this.validation(now, partition));
    let maxTs = -Infinity;
    for (let i = 0; i < valid.length; i++) {
      const ts = valid.ts[i];
      if (ts > maxTs) maxTs = ts;
      this.routeReading(valid.sensor[i], valid.metric[i], ts, valid.value[i], valid.quality[i]);
      if (this.fullLanes.length > 0) await this.sendFull();
    }
    await this.endMessage(partition, maxTs, now);
  }

  /** A message's readings are routed: its event times move the watermark, which marks the end of a step. */
  private endMessage(partition: string, maxTs: number, now: number): Promise<void> | undefined {
    if (maxTs > -Infinity) this.tracker.observe(partition, maxTs, now);
    if (this.tracker.update(now)) this.markWatermark();
    return performance.now() - this.lastFlush >= this.opts.flushIntervalMs ? this.flush() : undefined;
  }

  private routeReading(sensor: number, metric: number, ts: number, value: number, quality: number): void {
    if (quality === 2) {
      this.counters.badQuality++;
      return;
    }
    const routes = this.routes[metric];
    const lanes = this.builders.length;
    for (let r = 0; r < routes.length; r++) {
      const key = routes[r].ofSensor[sensor];
      if (key < 0) {
        this.counters.unkeyed++;
        continue;
      }
      const lane = lanes === 1 ? 0 : (Math.imul(key, 0x9e3779b1) >>> 0) % lanes;
      const b = this.builders[lane];
      b.push(routes[r].operator, key, ts, value);
      this.counters.accepted++;
      if (b.full) this.fullLanes.push(lane);
    }
  }

  private async sendFull(): Promise<void> {
    while (this.fullLanes.length > 0) {
      const lane = this.fullLanes.pop()!;
      if (this.builders[lane].full) await this.send(lane);
    }
  }

  private markWatermark(): void {
    const w = this.tracker.current;
    for (const b of this.builders) b.mark(w);
    this.markers.push({ w, at: performance.now() });
    if (this.markers.length > 100_000) this.markers.splice(0, 50_000);
  }

  /** Processing-time tick: lets idle partitions release the watermark and sends what is buffered. */
  async tick(): Promise<void> {
    const now = this.opts.clock();
    if (this.tracker.update(now)) this.markWatermark();
    await this.flush();
  }

  async flush(): Promise<void> {
    this.lastFlush = performance.now();
    for (let lane = 0; lane < this.builders.length; lane++) {
      const b = this.builders[lane];
      if (b.length > 0 || b.markerCount > 0) await this.send(lane);
    }
  }

  /** End of input: closes every window, waits for all results. */
  async finish(): Promise<void> {
    if (this.tracker.finish()) this.markWatermark();
    await this.flush();
    await this.drain();
  }

  /** Waits until every task sent so far has been processed. */
  async drain(): Promise<void> {
    for (const q of this.inFlight) await Promise.all(q);
    this.throwIfFailed();
  }

  async close(): Promise<void> {
    await this.drain().catch(() => undefined);
    await Promise.all(this.pools.map((p) => p.destroy()));
  }

  private async send(lane: number): Promise<void> {
    const task = this.builders[lane].take();
    if (this.inline) {
      this.handleReply(lane, this.inline.process(task));
      return;
    }
    const queue = this.inFlight[lane];
    while (queue.length >= this.opts.maxInFlight) await queue[0];
    // Each task starts only after the previous one on its lane finished: a key's readings and watermark
    // steps must reach its worker in order, and the pool's own queue does not promise that.
    const previous = queue.length > 0 ? queue[queue.length - 1] : Promise.resolve();
    const p: Promise<void> = previous
      .then(() => this.pools[lane].run(task, { transferList: taskTransferList(task) as never }))
      .then((reply: WorkerReply) => this.handleReply(lane, reply))
      .catch((err: Error) => {
        this.failure ??= err;
      })
      .finally(() => queue.splice(queue.indexOf(p), 1));
    queue.push(p);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  private handleReply(lane: number, reply: WorkerReply): void {
    // Emit delay is wall-clock time, whatever clock the engine runs on (the simulator's may run faster).
    const now = performance.now();
    this.activeByWorker[lane] = reply.activeWindows;
    for (const cols of reply.results) {
      this.counters.results += cols.key.length;
      // Rows of one window end share one delay: look it up once per run of equal ends.
      for (let i = 0; i < cols.key.length; ) {
        let j = i;
        let first = 0;
        while (j < cols.key.length && cols.end[j] === cols.end[i]) if (cols.revision[j++] === 0) first++;
        if (first > 0) this.recordDelay(cols.end[i] - 1, now, first);
        i = j;
      }
      this.opts.onResults?.(this.opts.operators[cols.operator], cols);
    }
    const late = reply.late;
    for (let i = 0; i < late.op.length; i++) {
      this.counters.late++;
      const spec = this.opts.operators[late.op[i]];
      this.opts.deadLetter({
        reason: 'late',
        detail: `event time ${new Date(late.ts[i]).toISOString()} is past every window of operator '${spec.name}' plus its allowed lateness of ${spec.allowedLatenessMs} ms`,
        source: 'window',
        operator: spec.name,
        metric: spec.metric,
        ts: late.ts[i],
        value: late.value[i],
        key: this.opts.catalog.groupings.get(spec.keyBy)!.keys[late.key[i]],
      });
    }
  }

  private recordDelay(windowMaxTs: number, now: number, windows: number): void {
    const m = this.markers;
    let lo = 0;
    let hi = m.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (m[mid].w >= windowMaxTs) hi = mid;
      else lo = mid + 1;
    }
    if (lo < m.length && m[lo].w !== Infinity) this.emitDelay.record(now - m[lo].at, windows);
  }
}

export type { WorkerTask };
