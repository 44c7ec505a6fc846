// The Kafka read-process-write loop: consume telemetry, run it through one engine per input partition, and
// commit window results, dead letters, changelog records and the consumed offsets in one transaction.
import type { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { KafkaConfig } from '../../config.js';
import { resultRows, type EngineStats, type OperatorSpec, type WindowResult } from '../../stream/index.js';
import { WorkerPool } from '../../stream/worker-pool.js';
import type { SensorCatalog } from '../../telemetry/catalog.js';
import type { DeadLetter } from '../../telemetry/dead-letter.js';
import { PRODUCER_TOPIC_CONFIG, changelogTopic, consumerConfig, producerConfig, restoreConsumerConfig } from './client-config.js';
import { StateKeys, changelogRecords, encodeMeta, operatorFingerprints, readChangelog, META_KEY } from './changelog.js';
import { coPartitioning, type CoPartitioning } from './partitioner.js';
import { PartitionTask } from './partition-task.js';
import { deadLetterKey, encodeDeadLetter, encodeResult, resultKey, type KafkaCoordinates } from './records.js';
import * as rd from './rdkafka.js';
import { TelemetryProducer } from './telemetry-producer.js';
import { ensureTopics } from './topics.js';
import { Mutex } from './mutex.js';

export interface KafkaProcessorOptions {
  config: KafkaConfig;
  catalog: SensorCatalog;
  operators: OperatorSpec[];
  outOfOrdernessMs: number;
  /** Worker threads shared by the partitions' engines; 0 runs the operators on the main thread. */
  workers: number;
  maxFutureMs?: number;
  /** Window results once their transaction committed (e.g. for the API's result store). */
  onCommitted?: (rows: WindowResult[]) => void;
  /** Dead letters once their transaction committed. */
  onDeadLetters?: (letters: DeadLetter[]) => void;
  log?: (line: string) => void;
}

export interface KafkaStats {
  assignedPartitions: number[];
  commits: number;
  aborts: number;
  restores: number;
  restoredKeys: number;
  /** Messages skipped because their partition was revoked or already processed. */
  skippedMessages: number;
  pauses: number;
  /** Input offset committed last by this process, per partition. */
  committed: Record<number, number>;
  /** Messages behind the end of the input, summed over assigned partitions (from the last fetch). */
  lag: number;
  brokersUp: boolean;
}

const MAX_BATCH = 2000;
const EMPTY = new Uint8Array(0);
/** A backpressure wait longer than this pauses fetching, so librdkafka stops filling its queue. */
const PAUSE_AFTER_MS = 50;

export class KafkaProcessor {
  private readonly c: KafkaConfig;
  private readonly co: CoPartitioning;
  private readonly keys: StateKeys;
  private readonly fingerprints: Record<string, string>;
  private readonly transactionalId: string;
  private consumer!: rd.KafkaConsumer;
  private restorer!: rd.KafkaConsumer;
  private producer!: rd.Producer;
  private pool?: WorkerPool;
  private readonly tasks = new Map<number, PartitionTask>();
  private readonly lock = new Mutex();
  private inputPartitions = 0;
  private running = false;
  private closing = false;
  private loop: Promise<void> = Promise.resolve();
  private lastCommit = 0;
  /** The message being ingested, for the coordinates of its dead letters. */
  private current: rd.Message | undefined;
  private pendingRows: WindowResult[] = [];
  private pendingLetters: DeadLetter[] = [];
  private probe?: NodeJS.Timeout;
  private backpressure?: NodeJS.Timeout;
  private waitingSince = 0;
  private paused: { topic: string; partition: number }[] | undefined;
  private failure: Error | undefined;
  private readonly counters = { commits: 0, aborts: 0, restores: 0, restoredKeys: 0, skippedMessages: 0, pauses: 0 };
  private brokersUp = false;
  private stopped = false;
  private forwarder?: Promise<TelemetryProducer>;
  private sinkError: Error | undefined;
  private readonly committedOffsets: Record<number, number> = {};
  private started = false;
  private readonly log: (line: string) => void;

  constructor(private readonly o: KafkaProcessorOptions) {
    this.c = o.config;
    this.co = coPartitioning(o.catalog, o.operators);
    this.keys = new StateKeys(o.catalog, o.operators);
    this.fingerprints = operatorFingerprints(o.operators);
    this.transactionalId = `${this.c.applicationId}-${this.c.instanceId ?? `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`}`;
    this.log = o.log ?? (() => undefined);
  }

  /** Connects, initialises transactions (fencing an earlier process with the same instance id), subscribes and starts consuming. */
  async start(): Promise<void> {
    const c = this.c;
    await this.newProducer();
    this.inputPartitions = (await ensureTopics(c, this.producer)).inputPartitions;
    this.restorer = new rd.Consumer(restoreConsumerConfig(c) as never, {});
    await rd.connect(this.restorer, 30_000);
    this.restorer.setDefaultConsumeTimeout(100);
    if (this.o.workers > 0) this.pool = new WorkerPool({ operators: this.o.operators, keyCounts: this.o.operators.map((op) => this.o.catalog.groupings.get(op.keyBy)!.keys.length), trackChanges: true }, this.o.workers);
    if (c.properties.debug) {
      // librdkafka's debug contexts (the `debug` property) come out through the processor's log.
      for (const [role, client] of [['producer', this.producer], ['restore', this.restorer]] as [string, EventEmitter][]) {
        client.on('event.log', (e: { message: string }) => this.log(`librdkafka ${role}: ${e.message}`));
      }
    }
    await this.newConsumer();
    await rd.txn((cb) => this.producer.beginTransaction(cb));
    this.brokersUp = true;
    this.probe = setInterval(() => this.probeBrokers(), 2_000);
    this.backpressure = setInterval(() => this.watchBackpressure(), PAUSE_AFTER_MS / 2);
    this.running = true;
    this.started = true;
    this.lastCommit = performance.now();
    this.loop = this.run().catch((err: Error) => this.fail(err));
    this.log(`kafka: consuming ${c.inputTopic} (${this.inputPartitions} partitions) in group ${c.applicationId}, transactional id ${this.transactionalId}`);
  }

  /**
   * A transactional producer with this process's transactional id: initialising it aborts whatever an earlier
   * producer with the same id left open, and fences that producer for good.
   */
  private async newProducer(): Promise<void> {
    this.producer = new rd.RdProducer(producerConfig(this.c, this.transactionalId) as never, PRODUCER_TOPIC_CONFIG as never);
    await rd.connect(this.producer, 30_000);
    this.producer.setPollInterval(100);
    await rd.txn((cb) => this.producer.initTransactions(this.c.transactionTimeoutMs * 2, cb));
    this.sinkError = undefined;
  }

  /** Joins the group; rebalance callbacks of an earlier, replaced consumer only release its partitions. */
  private async newConsumer(): Promise<void> {
    const props = consumerConfig(this.c);
    const consumer: rd.KafkaConsumer = new rd.Consumer(
      { ...props, rebalance_cb: (err: rd.LibrdKafkaError, assignment: rd.TopicPartitionOffset[]) => this.onRebalance(consumer, err, assignment) } as never,
      // A topic configuration given to node-rdkafka replaces librdkafka's default one: the reset policy goes there.
      { 'auto.offset.reset': props['auto.offset.reset'] } as never,
    );
    consumer.on('event.error', (err) => {
      if (err.code === rd.ERR.ERR__ALL_BROKERS_DOWN) this.brokersUp = false;
    });
    if (this.c.properties.debug) consumer.on('event.log', (e: { message: string }) => this.log(`librdkafka consumer: ${e.message}`));
    this.consumer = consumer;
    await rd.connect(consumer, 30_000);
    consumer.setDefaultConsumeTimeout(100);
    consumer.subscribe([this.c.inputTopic]);
  }

  /**
   * A consumer in a fatal state (e.g. a static member the coordinator fenced while a broker restarted) is
   * replaced: open work is aborted, partitions are dropped and come back, restored, through a new assignment.
   */
  private async replaceConsumer(cause: Error): Promise<void> {
    this.log(`kafka: replacing the consumer: ${cause.message}`);
    await this.abort();
    for (const t of this.tasks.values()) await t.close();
    this.tasks.clear();
    this.paused = undefined;
    const old = this.consumer;
    await this.newConsumer();
    await rd.disconnect(old);
    await rd.txn((cb) => this.producer.beginTransaction(cb));
  }

  /** Ready while connected to the brokers and not failed. */
  ready(): boolean {
    return this.started && this.failure === undefined && this.brokersUp && !this.closing;
  }

  get error(): Error | undefined {
    return this.failure;
  }

  /** Resolves when the processor stops by itself (a fatal error); rejects with that error. */
  async done(): Promise<void> {
    await this.loop;
    if (this.failure) throw this.failure;
  }

  kafkaStats(): KafkaStats {
    let lag = 0;
    for (const t of this.tasks.values()) {
      try {
        const w = this.consumer.getWatermarkOffsets(this.c.inputTopic, t.partition);
        if (t.nextOffset !== undefined && w.highOffset >= 0) lag += Math.max(0, w.highOffset - t.nextOffset);
      } catch {
        // No fetch has reported this partition's end yet.
      }
    }
    return { assignedPartitions: [...this.tasks.keys()].sort((a, b) => a - b), ...this.counters, committed: { ...this.committedOffsets }, lag, brokersUp: this.brokersUp };
  }

  /** The engine counters summed over partitions; the watermark is the smallest partition watermark. */
  stats(): EngineStats {
    const all = [...this.tasks.values()].map((t) => t.stats());
    const sum = (k: keyof EngineStats) => all.reduce((n, s) => n + (s[k] as number), 0);
    return {
      messages: sum('messages'),
      readings: sum('readings'),
      accepted: sum('accepted'),
      badQuality: sum('badQuality'),
      unkeyed: sum('unkeyed'),
      late: sum('late'),
      results: sum('results'),
      watermark: all.length > 0 ? Math.min(...all.map((s) => s.watermark)) : -Infinity,
      activeWindows: sum('activeWindows'),
      emitDelayP50Ms: Math.max(0, ...all.map((s) => s.emitDelayP50Ms)),
      emitDelayP99Ms: Math.max(0, ...all.map((s) => s.emitDelayP99Ms)),
      tasksInFlight: sum('tasksInFlight'),
    };
  }

  get watermark(): number {
    return this.stats().watermark;
  }

  /**
   * HTTP ingest on a Kafka process: the message goes to the input topic, each reading on its unit's partition,
   * and is processed exactly once by whichever process owns that partition.
   */
  async ingestMessage(bytes: Uint8Array): Promise<void> {
    this.forwarder ??= TelemetryProducer.connect({ config: this.c, catalog: this.o.catalog, operators: this.o.operators });
    (await this.forwarder).sendMessage(bytes);
  }

  /** The processor drains and commits on its own schedule: nothing to do on request. */
  async tick(): Promise<void> {}

  async flush(): Promise<void> {}

  async drain(): Promise<void> {}

  /** Open windows are not closed at shutdown: their state is checkpointed and their next owner continues them. */
  async finish(): Promise<void> {}

  async close(): Promise<void> {
    await this.stop();
  }

  /** Commits what is processed, leaves the group (its partitions move to the other processes) and disconnects. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.running = false;
    clearInterval(this.probe);
    clearInterval(this.backpressure);
    await this.loop;
    if (this.started && !this.failure) {
      await this.lock.run(async () => {
        if (!(await this.commit())) await this.abort();
      });
    }
    this.closing = true;
    for (const t of this.tasks.values()) await t.close();
    this.tasks.clear();
    if (this.consumer) await rd.disconnect(this.consumer);
    if (this.restorer) await rd.disconnect(this.restorer);
    if (this.producer) await rd.disconnect(this.producer);
    await this.pool?.destroy();
    if (this.forwarder) await (await this.forwarder).close();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.running = false;
    clearInterval(this.probe);
    clearInterval(this.backpressure);
    this.log(`kafka: stopped: ${err.message}`);
  }

  private probeBrokers(): void {
    this.consumer.getMetadata({ topic: this.c.inputTopic, timeout: 2_000 }, (err) => (this.brokersUp = !err));
  }

  private async run(): Promise<void> {
    while (this.running) {
      let batch: rd.Message[];
      try {
        batch = await rd.consume(this.consumer, MAX_BATCH);
      } catch (err) {
        const e = rd.asError(err);
        if (e.isFatal || e.code === rd.ERR.ERR__FATAL) {
          await this.lock.run(() => this.replaceConsumer(e));
          continue;
        }
        // Broker or network trouble: librdkafka reconnects by itself; keep polling.
        this.log(`kafka: consume: ${e.message}`);
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      await this.lock.run(() => this.process(batch));
    }
  }

  /** Called every few ms: an ingest waiting on the workers for long pauses fetching until it is accepted. */
  private watchBackpressure(): void {
    if (this.paused || this.waitingSince === 0 || performance.now() - this.waitingSince < PAUSE_AFTER_MS) return;
    this.paused = this.consumer.assignments().map((a) => ({ topic: a.topic, partition: a.partition }));
    this.consumer.pause(this.paused);
    this.counters.pauses++;
  }

  private resumeFetching(): void {
    this.consumer.resume(this.paused!);
    this.paused = undefined;
  }

  private async process(batch: rd.Message[]): Promise<void> {
    for (const m of batch) {
      const task = this.tasks.get(m.partition);
      if (!task || m.topic !== this.c.inputTopic || (task.nextOffset !== undefined && m.offset < task.nextOffset)) {
        this.counters.skippedMessages++;
        continue;
      }
      task.messageTs = m.timestamp ?? 0;
      this.current = m;
      const accepted = task.engine.ingestMessage(m.value ?? EMPTY, task.name);
      this.current = undefined;
      this.waitingSince = performance.now();
      await accepted;
      this.waitingSince = 0;
      if (this.paused) this.resumeFetching();
      task.nextOffset = m.offset + 1;
      task.dirty = true;
      // Within a batch too: a batch of large gateway messages can hold millions of readings.
      if (performance.now() - this.lastCommit >= this.c.commitIntervalMs) {
        if (!(await this.commit())) {
          await this.reset();
          return;
        }
      }
    }
    if (performance.now() - this.lastCommit >= this.c.commitIntervalMs && !(await this.commit())) await this.reset();
  }

  /** A producer that cannot take a record fails the open transaction, which is then aborted and replayed. */
  private produce(topic: string, partition: number | null, value: Buffer | null, key: string): void {
    if (this.sinkError) return;
    try {
      rd.produceBlocking(this.producer, topic, partition, value, key);
    } catch (err) {
      this.sinkError = rd.asError(err);
    }
  }

  private onResults(spec: OperatorSpec, cols: Parameters<typeof resultRows>[2]): void {
    const rows = resultRows(spec, this.o.catalog, cols);
    for (const r of rows) this.produce(this.c.resultsTopic, null, encodeResult(r), resultKey(r));
    if (this.o.onCommitted) for (const r of rows) this.pendingRows.push(r);
  }

  private onDeadLetter(letter: DeadLetter): void {
    const m = this.current;
    const at: KafkaCoordinates | undefined = m && { topic: m.topic, partition: m.partition, offset: m.offset, timestamp: m.timestamp };
    this.produce(this.c.deadLetterTopic, null, encodeDeadLetter(letter, at), deadLetterKey(letter));
    if (this.o.onDeadLetters) this.pendingLetters.push(letter);
  }

  private newTask(partition: number): PartitionTask {
    return new PartitionTask({
      topic: this.c.inputTopic,
      partition,
      catalog: this.o.catalog,
      operators: this.o.operators,
      outOfOrdernessMs: this.o.outOfOrdernessMs,
      maxFutureMs: this.o.maxFutureMs ?? 24 * 3_600_000,
      pool: this.pool,
      ownership: this.co.ownership(partition, this.inputPartitions),
      onResults: (spec, cols) => this.onResults(spec, cols),
      deadLetter: (letter) => this.onDeadLetter(letter),
    });
  }

  /**
   * Checkpoints every partition that processed input, then commits results, dead letters, changelog records
   * and offsets as one transaction and opens the next. False when the transaction could not commit.
   */
  private async commit(): Promise<boolean> {
    this.lastCommit = performance.now();
    const dirty = [...this.tasks.values()].filter((t) => t.dirty);
    if (dirty.length === 0) return true;
    const changelog = changelogTopic(this.c);
    try {
      for (const t of dirty) {
        const cp = await t.engine.checkpoint();
        for (const [key, value] of changelogRecords(cp, this.keys)) this.produce(changelog, t.partition, value, key);
        this.produce(changelog, t.partition, encodeMeta({ offset: t.nextOffset!, watermark: cp.watermark, operators: this.fingerprints }), META_KEY);
      }
      if (this.sinkError) throw this.sinkError;
      const offsets = dirty.map((t) => ({ topic: this.c.inputTopic, partition: t.partition, offset: t.nextOffset! }));
      await rd.txn((cb) => this.producer.sendOffsetsToTransaction(offsets, this.consumer, this.c.transactionTimeoutMs, cb));
      await this.commitTransaction();
    } catch (err) {
      this.log(`kafka: transaction failed, aborting: ${rd.asError(err).message}`);
      return false;
    }
    for (const t of dirty) {
      t.dirty = false;
      this.committedOffsets[t.partition] = t.nextOffset!;
    }
    this.counters.commits++;
    if (this.pendingRows.length > 0) this.o.onCommitted?.(this.pendingRows.splice(0));
    if (this.pendingLetters.length > 0) this.o.onDeadLetters?.(this.pendingLetters.splice(0));
    await rd.txn((cb) => this.producer.beginTransaction(cb));
    return true;
  }

  /** Retries a commit that timed out (e.g. while a broker restarts); anything else is the caller's to handle. */
  private async commitTransaction(): Promise<void> {
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
   * Aborts the open transaction: what it held never becomes visible to read_committed consumers. A producer
   * that hit a fatal error is replaced; initialising its successor aborts the transaction.
   */
  private async abort(): Promise<void> {
    this.counters.aborts++;
    this.pendingRows = [];
    this.pendingLetters = [];
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
          if (this.failure) throw this.failure;
          await rd.disconnect(this.producer);
          await this.newProducer();
          return;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /**
   * After an aborted transaction every engine is ahead of what Kafka holds: rebuild each partition from its
   * changelog and rewind the consumer to the offset committed with that state.
   */
  private async reset(): Promise<void> {
    await this.abort();
    const partitions = [...this.tasks.keys()];
    for (const t of this.tasks.values()) await t.close();
    this.tasks.clear();
    const offsets = await this.restore(partitions);
    for (const p of partitions) {
      const offset = offsets.get(p);
      await rd.seek(this.consumer, { topic: this.c.inputTopic, partition: p, offset: offset ?? -2 }, 10_000);
    }
    await rd.txn((cb) => this.producer.beginTransaction(cb));
  }

  /** Restores partitions from the changelog; returns the input offset each continues from. */
  private async restore(partitions: number[]): Promise<Map<number, number | undefined>> {
    const start = new Map<number, number | undefined>();
    if (partitions.length === 0) return start;
    // Committed offsets first: the fetch waits until no transaction holding offsets of these partitions is
    // pending, so the changelog read after it sees the state that goes with them.
    const committed = await rd.committed(this.consumer, partitions.map((partition) => ({ topic: this.c.inputTopic, partition })), 60_000);
    const expect = new Map(partitions.map((p) => {
      const at = committed.find((x) => x.partition === p)?.offset;
      return [p, at !== undefined && at >= 0 ? at : undefined];
    }));
    const restored = await readChangelog(this.restorer, changelogTopic(this.c), expect, this.keys, this.o.operators, this.c.transactionTimeoutMs * 3);
    for (const p of partitions) {
      const r = restored.get(p)!;
      const task = this.newTask(p);
      await task.engine.restore(r.checkpoint);
      task.nextOffset = expect.get(p) ?? r.meta?.offset;
      this.tasks.set(p, task);
      start.set(p, task.nextOffset);
      this.counters.restores++;
      this.counters.restoredKeys += r.keys;
      this.log(`kafka: partition ${p} restored: ${r.keys} keys from ${r.messages} changelog records, continuing at offset ${task.nextOffset ?? 'start'}`);
    }
    return start;
  }

  private onRebalance(consumer: rd.KafkaConsumer, err: rd.LibrdKafkaError, assignment: rd.TopicPartitionOffset[]): void {
    const cooperative = consumer.rebalanceProtocol() === 'COOPERATIVE';
    const parts = assignment.filter((a) => a.topic === this.c.inputTopic).map((a) => a.partition);
    if (this.closing || this.failure || consumer !== this.consumer) {
      if (err.code === rd.ERR.ERR__REVOKE_PARTITIONS) {
        if (cooperative) consumer.incrementalUnassign(assignment);
        else consumer.unassign();
      }
      return;
    }
    const work = err.code === rd.ERR.ERR__ASSIGN_PARTITIONS ? () => this.onAssign(consumer, parts, assignment, cooperative) : () => this.onRevoke(consumer, parts, assignment, cooperative);
    this.lock.run(work).catch((e: Error) => this.fail(e));
  }

  /** Restores each new partition's state before any of its messages is consumed. */
  private async onAssign(consumer: rd.KafkaConsumer, parts: number[], assignment: rd.TopicPartitionOffset[], cooperative: boolean): Promise<void> {
    if (consumer !== this.consumer) return;
    const offsets = await this.restore(parts.filter((p) => !this.tasks.has(p)));
    const withOffsets = assignment.map((a) => {
      const at = offsets.get(a.partition) ?? this.tasks.get(a.partition)?.nextOffset;
      return at === undefined ? { topic: a.topic, partition: a.partition } : { topic: a.topic, partition: a.partition, offset: at };
    });
    if (cooperative) this.consumer.incrementalAssign(withOffsets as never);
    else this.consumer.assign(withOffsets as never);
    this.log(`kafka: assigned partitions ${parts.join(', ')}`);
  }

  /** Finishes in-flight work and commits it before the partitions go; if that fails, drops them unflushed. */
  private async onRevoke(consumer: rd.KafkaConsumer, parts: number[], assignment: rd.TopicPartitionOffset[], cooperative: boolean): Promise<void> {
    if (consumer !== this.consumer) return;
    const ok = await this.commit();
    for (const p of parts) {
      await this.tasks.get(p)?.close();
      this.tasks.delete(p);
    }
    if (!ok) await this.reset();
    if (cooperative) this.consumer.incrementalUnassign(assignment);
    else this.consumer.unassign();
    this.log(`kafka: revoked partitions ${parts.join(', ')}`);
  }
}

/** Another producer took this transactional id, or the coordinator bumped its epoch after a timeout. */
function fenced(e: { code?: number }): boolean {
  return e.code === rd.ERR.ERR__FENCED || e.code === rd.ERR.ERR_PRODUCER_FENCED;
}
