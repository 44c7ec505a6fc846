// The stream engine: decode, validate, route by key to worker threads in batches, advance watermarks, collect results.
import {
  DEFAULT_MAX_FUTURE_SKEW_MS,
  DeadLetterSampler,
  METRICS,
  METRIC_INDEX,
  SingleReadingDecoder,
  WireFormatError,
  batchFromReadings,
  decodeWire,
  validateBatch,
  validateSingle,
  type DeadLetterSink,
  type DecodedBatch,
  type DecodedMessage,
  type FastReading,
  type PartitionOwnership,
  type Reading,
  type SensorCatalog,
  type ValidReadings,
  type ValidationContext,
} from '../telemetry/index.js';
import { configError } from '../errors.js';
import type { WindowResultColumns } from './emit-buffer.js';
import { LatencyHistogram } from './histogram.js';
import type { OperatorSpec, WatermarkSpec } from './spec.js';
import { concatEntries, type StateEntries } from './state-log.js';
import { stateLayout, type StateLayout } from './state-layout.js';
import { TaskBuilder, laneOfKey, splitRecords, type StateRecords, type WorkerReply, type WorkerTask } from './task.js';
import { WorkerCore, type WorkerInit } from './worker-core.js';
import { WorkerPool } from './worker-pool.js';
import { WatermarkTracker, type WatermarkState } from './watermark.js';

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
  /**
   * How far ahead of the clock an event time may be (default 5 minutes); further is a `future` dead letter and
   * moves no watermark, so one reading with a wrong clock cannot close everyone's windows.
   */
  maxFutureMs?: number;
  /** Processing-time clock in ms (event time always comes from the readings). */
  clock?: () => number;
  onResults?: (operator: OperatorSpec, columns: WindowResultColumns) => void;
  deadLetter: DeadLetterSink;
  /**
   * Dead letters of one message passed on per reason; the rest of the message's refused rows are counted in one
   * letter (DeadLetterSampler), so a batch of junk does not become a letter per row. Default: every letter.
   */
  deadLetterSamples?: number;
  /** Worker threads shared with other engines (e.g. one engine per Kafka partition); `workers` is then ignored. */
  pool?: WorkerPool;
  /** Track changed keys so that `checkpoint()` can return their state (a shared pool must be built with a state layout). */
  checkpoints?: boolean;
  /** Buckets of checkpointed state (default: `stateLayout(catalog, operators)`); a shared pool brings its own. */
  stateLayout?: StateLayout;
  /** Sensors this engine owns; readings of other sensors are dead letters (`wrong-partition`). */
  ownership?: PartitionOwnership;
}

/** What `checkpoint()` returns: the watermark and the state log entries of the keys that changed. */
export interface EngineCheckpoint {
  watermark: WatermarkState;
  entries: StateEntries;
}

/** What `restore()` takes: the watermark and each key's state, as replayed from the state log. */
export interface EngineRestore {
  watermark: WatermarkState;
  records: StateRecords;
  /** Write every restored key at the next checkpoint (the log was written under another bucket layout). */
  rewrite?: boolean;
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
  /** Worker lane of each key (with several lanes): all keys of a state bucket share one. */
  laneOf: Uint8Array;
}

/** What `ingestMessage` returns when the message was taken without waiting: callers may skip the await. */
export const ACCEPTED: Promise<void> = Promise.resolve();
const DONE = ACCEPTED;

export class StreamEngine {
  private readonly opts: Required<
    Omit<EngineOptions, 'onResults' | 'pool' | 'checkpoints' | 'ownership' | 'stateLayout'>
  > &
    Pick<EngineOptions, 'onResults'>;
  private readonly routes: Route[][];
  private readonly laneOf: Uint8Array[];
  private readonly builders: TaskBuilder[];
  private readonly pool?: WorkerPool;
  private readonly ownsPool: boolean;
  private readonly owned?: Uint8Array;
  private readonly state: number;
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
  private epochCount = 0;
  private replyEpoch = -1;
  private readonly counters = { messages: 0, readings: 0, accepted: 0, badQuality: 0, unkeyed: 0, late: 0, results: 0 };

  constructor(options: EngineOptions) {
    this.opts = {
      batchSize: 8192,
      maxInFlight: 2,
      flushIntervalMs: 5,
      maxFutureMs: DEFAULT_MAX_FUTURE_SKEW_MS,
      deadLetterSamples: Infinity,
      clock: () => performance.timeOrigin + performance.now(),
      onResults: undefined,
      ...options,
    };
    const { catalog, operators, workers } = this.opts;
    if (!Number.isInteger(workers) || workers < 0)
      throw configError(`workers must be a whole number >= 0, got ${workers}`);
    if (operators.length > 255) throw configError(`at most 255 operators, got ${operators.length}`);
    this.routes = METRICS.map(() => []);
    const keyCounts: number[] = [];
    const groupings = operators.map((spec) => {
      if (METRIC_INDEX.get(spec.metric) === undefined)
        throw configError(`operator '${spec.name}': unknown metric '${spec.metric}'`);
      const grouping = catalog.groupings.get(spec.keyBy);
      if (!grouping)
        throw configError(
          `operator '${spec.name}': keyBy '${spec.keyBy}' is not a grouping of the city (${[...catalog.groupings.keys()].join(', ')})`,
        );
      keyCounts.push(grouping.keys.length);
      return grouping;
    });
    let layout = options.checkpoints
      ? (options.pool?.init.layout ?? options.stateLayout ?? stateLayout(catalog, operators))
      : undefined;
    if (options.pool) {
      const shared = options.pool.init;
      if (JSON.stringify([shared.operators, shared.keyCounts]) !== JSON.stringify([operators, keyCounts]))
        throw configError('a shared worker pool must be built for the same operators and catalog as the engine');
      if (options.checkpoints && !shared.layout)
        throw configError('checkpoints need a worker pool built with a state layout');
      layout = shared.layout;
    }
    const init: WorkerInit = { operators, keyCounts, layout };
    this.pool = options.pool ?? (workers > 0 ? new WorkerPool(init, workers) : undefined);
    this.ownsPool = this.pool !== undefined && options.pool === undefined;
    this.state = options.pool ? options.pool.newState() : 0;
    const lanes = this.pool ? this.pool.lanes : 1;
    if (lanes > 255) throw configError(`at most 255 worker threads, got ${lanes}`);
    this.laneOf = groupings.map((g, i) => {
      const of = new Uint8Array(lanes > 1 ? g.keys.length : 0);
      for (let k = 0; k < of.length; k++) of[k] = laneOfKey(layout ? layout.bucketOf[i][k] : k, lanes);
      return of;
    });
    operators.forEach((spec, i) =>
      this.routes[METRIC_INDEX.get(spec.metric)!].push({
        operator: i,
        ofSensor: groupings[i].ofSensor,
        laneOf: this.laneOf[i],
      }),
    );
    this.builders = Array.from({ length: lanes }, () => new TaskBuilder(this.opts.batchSize, this.state));
    this.inFlight = Array.from({ length: lanes }, () => []);
    this.activeByWorker = new Array<number>(lanes).fill(0);
    if (!this.pool) this.inline = new WorkerCore(init);
    this.tracker = new WatermarkTracker(this.opts.watermark);
    this.singleDecoder = new SingleReadingDecoder(catalog);
    this.validationContext = {
      catalog,
      nowMs: 0,
      maxFutureMs: this.opts.maxFutureMs,
      source: '',
      deadLetter: this.opts.deadLetter,
      ownership: options.ownership,
    };
    this.owned = options.ownership?.accept;
  }

  get watermark(): number {
    return this.tracker.current;
  }

  /** Each source's largest event time and whether it is idle (no longer holding the watermark back). */
  watermarkSources(): { source: string; maxTs: number; lastSeenMs: number; idle: boolean }[] {
    return this.tracker.sources(this.opts.clock());
  }

  /** Checkpoints begun so far: readings ingested after the n-th belong to epoch n. */
  get epoch(): number {
    return this.epochCount;
  }

  /**
   * The epoch of what `onResults` and `deadLetter` are being called for: the epoch of the readings a worker
   * reply answers, or the current one for what ingest refuses.
   */
  get outputEpoch(): number {
    return this.replyEpoch >= 0 ? this.replyEpoch : this.epochCount;
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

  /** A copy of the emit-delay histogram since start; `later.since(earlier)` gives the delays of an interval. */
  emitDelayHistogram(): LatencyHistogram {
    return this.emitDelay.clone();
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
    // A sensor this engine does not own takes the full path below, which dead-letters it with the reason.
    if (
      this.singleDecoder.decode(bytes, now + this.opts.maxFutureMs, f) &&
      (this.owned === undefined || this.owned[f.sensor] === 1)
    ) {
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
    const ctx = this.validation(now, partition);
    let valid: ValidReadings;
    if (batch.length > this.opts.deadLetterSamples) {
      const sampler = new DeadLetterSampler(this.opts.deadLetter, this.opts.deadLetterSamples);
      ctx.deadLetter = sampler.add;
      try {
        valid = validateBatch(batch, ctx);
      } finally {
        ctx.deadLetter = this.opts.deadLetter;
      }
      sampler.flush();
    } else valid = validateBatch(batch, ctx);
    await this.routeValid(valid, partition);
  }

  /**
   * Readings validated elsewhere (the HTTP ingest decodes and validates large bodies off the event loop, against
   * `ingestClock()`): routed like a message of `partition`, `readings` counting the refused ones too. Between chunks of
   * `yieldEvery` rows the event loop runs other work; the watermark moves once, after the last row, as for one message.
   */
  async ingestValidated(valid: ValidReadings, readings: number, partition: string, yieldEvery = 8192): Promise<void> {
    this.throwIfFailed();
    this.counters.messages++;
    this.counters.readings += readings;
    await this.routeValid(valid, partition, yieldEvery);
  }

  /** The clock and future bound that readings validated outside the engine are judged against. */
  ingestClock(): { nowMs: number; maxFutureMs: number } {
    return { nowMs: this.opts.clock(), maxFutureMs: this.opts.maxFutureMs };
  }

  private async routeValid(valid: ValidReadings, partition: string, yieldEvery = Infinity): Promise<void> {
    let maxTs = -Infinity;
    this.tracker.begin(partition);
    try {
      for (let i = 0; i < valid.length; i++) {
        const ts = valid.ts[i];
        if (ts > maxTs) maxTs = ts;
        this.routeReading(valid.sensor[i], valid.metric[i], ts, valid.value[i], valid.quality[i]);
        if (this.fullLanes.length > 0) await this.sendFull();
        if (i % yieldEvery === yieldEvery - 1) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      this.tracker.end(partition);
    }
    await this.endMessage(partition, maxTs, this.opts.clock());
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
      const lane = lanes === 1 ? 0 : routes[r].laneOf[key];
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
    const pool = this.pool;
    if (!pool) return;
    if (this.ownsPool) await pool.destroy();
    else await Promise.all(this.builders.map((_, lane) => pool.drop(lane, this.state)));
  }

  /**
   * Queues a checkpoint of everything ingested so far behind the work already sent to each lane and returns
   * once it is queued: ingest may go on at once, in the next epoch. `state` resolves with the watermark as of
   * this call and the state log entries of the keys changed since the previous checkpoint (engines built with
   * `checkpoints`). Callers must not ingest until this returns.
   */
  async beginCheckpoint(): Promise<{ state: Promise<EngineCheckpoint> }> {
    await this.flush();
    const watermark = this.tracker.snapshot();
    this.epochCount++;
    if (this.inline) return { state: Promise.resolve({ watermark, entries: this.inline.checkpoint() }) };
    const pool = this.pool!;
    const lanes = this.builders.map((_, lane) => {
      const queue = this.inFlight[lane];
      const previous = queue.length > 0 ? queue[queue.length - 1] : Promise.resolve();
      const entries = previous.then(() => pool.checkpoint(lane, this.state));
      const queued: Promise<void> = entries
        .then(
          () => undefined,
          (err: Error) => {
            this.failure ??= err;
          },
        )
        .finally(() => queue.splice(queue.indexOf(queued), 1));
      queue.push(queued);
      return entries;
    });
    return { state: Promise.all(lanes).then((parts) => ({ watermark, entries: concatEntries(parts) })) };
  }

  /** Processes everything ingested so far and returns its checkpoint (see `beginCheckpoint`). */
  async checkpoint(): Promise<EngineCheckpoint> {
    return (await this.beginCheckpoint()).state;
  }

  /** Loads each key's state (replayed from the state log) into an engine that has not ingested anything. */
  async restore(cp: EngineRestore): Promise<void> {
    if (this.counters.messages > 0) throw new Error('restore() must come before the first message');
    this.tracker.restore(cp.watermark, this.opts.clock());
    const lanes = this.builders.length;
    const split = splitRecords(cp.records, lanes, (i) => {
      const op = cp.records.op[i];
      if (!this.opts.operators[op])
        throw configError(`checkpointed state names operator #${op}, but there are ${this.opts.operators.length}`);
      return lanes === 1 ? 0 : this.laneOf[op][cp.records.key[i]];
    });
    const w = this.tracker.current;
    const rewrite = cp.rewrite ?? false;
    const pool = this.pool;
    if (!pool) {
      this.inline!.restore(split[0], w, rewrite);
      this.activeByWorker[0] = this.inline!.activeWindows;
      return;
    }
    const active = await Promise.all(split.map((records, lane) => pool.restore(lane, this.state, records, w, rewrite)));
    active.forEach((n, lane) => (this.activeByWorker[lane] = n));
  }

  private async send(lane: number): Promise<void> {
    const task = this.builders[lane].take();
    const epoch = this.epochCount;
    if (this.inline) {
      this.handleReply(lane, this.inline.process(task), epoch);
      return;
    }
    const pool = this.pool!;
    const queue = this.inFlight[lane];
    while (queue.length >= this.opts.maxInFlight) await queue[0];
    // Each task starts only after the previous one on its lane finished: a key's readings and watermark
    // steps must reach its worker in order, and the pool's own queue does not promise that.
    const previous = queue.length > 0 ? queue[queue.length - 1] : Promise.resolve();
    const p: Promise<void> = previous
      .then(() => pool.run(lane, task))
      .then((reply: WorkerReply) => this.handleReply(lane, reply, epoch))
      .catch((err: Error) => {
        this.failure ??= err;
      })
      .finally(() => queue.splice(queue.indexOf(p), 1));
    queue.push(p);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  private handleReply(lane: number, reply: WorkerReply, epoch: number): void {
    this.replyEpoch = epoch;
    try {
      this.emitReply(lane, reply);
    } finally {
      this.replyEpoch = -1;
    }
  }

  private emitReply(lane: number, reply: WorkerReply): void {
    // Emit delay is wall-clock time, whatever clock the engine runs on (the simulator's may run faster).
    const now = performance.now();
    this.activeByWorker[lane] = reply.activeWindows;
    for (const cols of reply.results) {
      this.counters.results += cols.key.length;
      // Rows of one window end share one delay: look it up once per run of equal ends.
      for (let i = 0; i < cols.key.length;) {
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
