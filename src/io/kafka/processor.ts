// The Kafka read-process-write loop: consume telemetry, run it through one engine per input partition, and
// commit window results, dead letters, changelog records and the consumed offsets in one transaction.
import type { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { KafkaConfig } from '../../config.js';
import type { EngineStats, OperatorSpec, WindowResult } from '../../stream/index.js';
import { ACCEPTED } from '../../stream/engine.js';
import { stateLayout } from '../../stream/state-layout.js';
import { WorkerPool } from '../../stream/worker-pool.js';
import type { SensorCatalog } from '../../telemetry/catalog.js';
import type { DeadLetter } from '../../telemetry/dead-letter.js';
import { DEFAULT_MAX_FUTURE_SKEW_MS } from '../../telemetry/validate.js';
import { consumerConfig, restoreConsumerConfig } from './client-config.js';
import { ChangelogKeys, operatorFingerprints } from './changelog.js';
import { Mutex } from './mutex.js';
import { coPartitioning, type CoPartitioning } from './partitioner.js';
import { Partitions, engineStats } from './partitions.js';
import type { PartitionTask } from './partition-task.js';
import { Poller, type Batch } from './poller.js';
import * as rd from './rdkafka.js';
import type { KafkaCoordinates } from './records.js';
import { TelemetryProducer } from './telemetry-producer.js';
import { ensureTopics } from './topics.js';
import { ProcessorLifecycle, type ProcessorState } from './processor-state.js';
import { StallWatch, stallAction } from './stall.js';
import { TransactionCycle } from './transaction-cycle.js';
import { Transactions } from './transactions.js';

export interface KafkaProcessorOptions {
  config: KafkaConfig;
  catalog: SensorCatalog;
  operators: OperatorSpec[];
  outOfOrdernessMs: number;
  /** Worker threads shared by the partitions' engines; 0 runs the operators on the main thread. */
  workers: number;
  /** How far ahead of its message's Kafka timestamp a reading's event time may be (default 5 minutes). */
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
  /** Messages skipped because their partition was revoked or already processed, or their poll preceded a seek. */
  skippedMessages: number;
  pauses: number;
  /** Input offset committed last by this process, per partition. */
  committed: Record<number, number>;
  /** Messages behind the end of the input, summed over assigned partitions (from the last fetch). */
  lag: number;
  brokersUp: boolean;
}

/** Messages a poll returns at most. */
const POLL_BATCH = 2000;
const EMPTY = new Uint8Array(0);
/** A backpressure wait longer than this pauses fetching, so librdkafka stops filling its queue. */
const PAUSE_AFTER_MS = 50;

export class KafkaProcessor {
  private readonly config: KafkaConfig;
  /** Which units' readings share an input partition, so a partition's engine sees every key it aggregates. */
  private readonly partitioning: CoPartitioning;
  private readonly fingerprints: Record<string, string>;
  private readonly txn: Transactions;
  private cycle!: TransactionCycle;
  private consumer!: rd.KafkaConsumer;
  private restorer!: rd.KafkaConsumer;
  private poller!: Poller;
  private parts!: Partitions;
  private pool?: WorkerPool;
  private readonly lock = new Mutex();
  private inputPartitions = 0;
  private readonly lifecycle = new ProcessorLifecycle();
  /** The fatal error that stopped the loop (kept through stopping, for `done()` and `error`). */
  private failure: Error | undefined;
  private loop: Promise<void> = Promise.resolve();
  /** The message being ingested, for the coordinates of its dead letters. */
  private ingesting: rd.Message | undefined;
  private probeTimer?: NodeJS.Timeout;
  private backpressureTimer?: NodeJS.Timeout;
  /** When an ingest began waiting on the workers (performance.now()), 0 while none waits. */
  private backpressureSince = 0;
  /** The partitions whose fetching is paused for backpressure; undefined while fetching is active. */
  private pausedPartitions: { topic: string; partition: number }[] | undefined;
  private readonly stall = new StallWatch(performance.now());
  private readonly counters = { skippedMessages: 0, pauses: 0 };
  private brokersUp = false;
  private forwarder?: Promise<TelemetryProducer>;
  private readonly log: (line: string) => void;

  constructor(private readonly options: KafkaProcessorOptions) {
    const o = options;
    this.config = o.config;
    this.partitioning = coPartitioning(o.catalog, o.operators);
    this.fingerprints = operatorFingerprints(o.operators);
    this.log = o.log ?? (() => undefined);
    this.txn = new Transactions(
      this.config,
      `${this.config.applicationId}-${this.config.instanceId ?? `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`}`,
      this.log,
    );
  }

  /** Connects, initialises transactions (fencing an earlier process with the same instance id), subscribes and starts consuming. */
  async start(): Promise<void> {
    this.lifecycle.go('start');
    const c = this.config;
    await this.txn.connect();
    this.inputPartitions = (await ensureTopics(c, this.txn.producer)).inputPartitions;
    // Buckets of about 32 keys a partition: the layout is fixed by the city, the operators and the partition count.
    const layout = stateLayout(this.options.catalog, this.options.operators, { partitions: this.inputPartitions });
    const keys = new ChangelogKeys(this.options.catalog, this.options.operators, layout);
    this.restorer = new rd.Consumer(restoreConsumerConfig(c) as never, {});
    await rd.connect(this.restorer, 30_000);
    this.restorer.setDefaultConsumeTimeout(100);
    const keyCounts = this.options.operators.map((op) => this.options.catalog.groupings.get(op.keyBy)!.keys.length);
    if (this.options.workers > 0)
      this.pool = new WorkerPool({ operators: this.options.operators, keyCounts, layout }, this.options.workers);
    this.parts = new Partitions({
      config: c,
      catalog: this.options.catalog,
      operators: this.options.operators,
      outOfOrdernessMs: this.options.outOfOrdernessMs,
      maxFutureMs: this.options.maxFutureMs ?? DEFAULT_MAX_FUTURE_SKEW_MS,
      pool: this.pool,
      layout,
      keys,
      co: this.partitioning,
      inputPartitions: this.inputPartitions,
      restorer: this.restorer,
      onResults: (task, spec, cols) => this.cycle.emitResults(task, spec, cols),
      deadLetter: (task, letter) => this.onDeadLetter(task, letter),
      log: this.log,
    });
    this.cycle = new TransactionCycle({
      config: c,
      catalog: this.options.catalog,
      operators: this.options.operators,
      txn: this.txn,
      keys,
      fingerprints: this.fingerprints,
      consumer: () => this.consumer,
      tasks: () => this.parts.tasks.values(),
      onCommitted: this.options.onCommitted,
      onDeadLetters: this.options.onDeadLetters,
      log: this.log,
    });
    if (c.properties.debug) {
      // librdkafka's debug contexts (the `debug` property) come out through the processor's log.
      for (const [role, client] of [
        ['producer', this.txn.producer],
        ['restore', this.restorer],
      ] as [string, EventEmitter][]) {
        client.on('event.log', (e: { message: string }) => this.log(`librdkafka ${role}: ${e.message}`));
      }
    }
    await this.newConsumer();
    this.poller = new Poller(this.consumer, POLL_BATCH);
    await this.txn.begin();
    this.brokersUp = true;
    this.probeTimer = setInterval(() => this.probeBrokers(), 2_000);
    this.backpressureTimer = setInterval(() => this.watchBackpressure(), PAUSE_AFTER_MS / 2);
    this.lifecycle.go('started');
    this.loop = this.run().catch((err: Error) => this.fail(err));
    this.log(
      `kafka: consuming ${c.inputTopic} (${this.inputPartitions} partitions) in group ${c.applicationId}, transactional id ${this.txn.transactionalId}`,
    );
  }

  /** Joins the group; rebalance callbacks of an earlier, replaced consumer only release its partitions. */
  private async newConsumer(): Promise<void> {
    const props = consumerConfig(this.config);
    const consumer: rd.KafkaConsumer = new rd.Consumer(
      {
        ...props,
        rebalance_cb: (err: rd.LibrdKafkaError, assignment: rd.TopicPartitionOffset[]) =>
          this.onRebalance(consumer, err, assignment),
      } as never,
      // A topic configuration given to node-rdkafka replaces librdkafka's default one: the reset policy goes there.
      { 'auto.offset.reset': props['auto.offset.reset'] } as never,
    );
    consumer.on('event.error', (err) => {
      if (err.code === rd.ERR.ERR__ALL_BROKERS_DOWN) {
        this.brokersUp = false;
        this.stall.brokerTrouble(performance.now());
      }
    });
    if (this.config.properties.debug)
      consumer.on('event.log', (e: { message: string }) => this.log(`librdkafka consumer: ${e.message}`));
    this.consumer = consumer;
    await rd.connect(consumer, 30_000);
    consumer.setDefaultConsumeTimeout(100);
    consumer.subscribe([this.config.inputTopic]);
  }

  /**
   * A consumer in a fatal state (e.g. a static member the coordinator fenced while a broker restarted) is
   * replaced: open work is aborted, partitions are dropped and come back, restored, through a new assignment.
   */
  private async replaceConsumer(cause: Error): Promise<void> {
    this.log(`kafka: replacing the consumer: ${cause.message}`);
    await this.cycle.settle();
    await this.poller.drop();
    await this.abort();
    await this.parts.close();
    this.pausedPartitions = undefined;
    const old = this.consumer;
    await this.newConsumer();
    await this.poller.replace(this.consumer);
    await rd.disconnect(old);
    await this.txn.begin();
  }

  /** Ready while running, connected to the brokers and not failed. */
  ready(): boolean {
    return this.lifecycle.running && this.failure === undefined && this.brokersUp;
  }

  /** Where the processor is in its lifecycle (see processor-state.ts). */
  get state(): ProcessorState {
    return this.lifecycle.state;
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
    return {
      assignedPartitions: this.parts ? [...this.parts.tasks.keys()].sort((a, b) => a - b) : [],
      ...this.counters,
      commits: this.cycle?.counters.commits ?? 0,
      aborts: this.cycle?.counters.aborts ?? 0,
      restores: this.parts?.counters.restores ?? 0,
      restoredKeys: this.parts?.counters.restoredKeys ?? 0,
      committed: { ...this.cycle?.committed },
      lag: this.parts ? this.parts.lag(this.consumer) : 0,
      brokersUp: this.brokersUp,
    };
  }

  /** The engine counters summed over partitions; the watermark is the smallest partition watermark. */
  stats(): EngineStats {
    return engineStats(this.parts ? [...this.parts.tasks.values()].map((t) => t.stats()) : []);
  }

  get watermark(): number {
    return this.stats().watermark;
  }

  /**
   * HTTP ingest on a Kafka process: the message goes to the input topic, each reading on its unit's partition,
   * and is processed exactly once by whichever process owns that partition.
   */
  async ingestMessage(bytes: Uint8Array): Promise<void> {
    this.forwarder ??= TelemetryProducer.connect({
      config: this.config,
      catalog: this.options.catalog,
      operators: this.options.operators,
    });
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
    if (this.lifecycle.stopRequested) return;
    const wasRunning = this.lifecycle.running;
    this.lifecycle.go('stop');
    clearInterval(this.probeTimer);
    clearInterval(this.backpressureTimer);
    await this.loop;
    if (wasRunning && !this.failure) {
      await this.lock.run(async () => {
        if (!(await this.cycle.commitNow())) await this.abort();
      });
    }
    this.lifecycle.go('committed');
    await this.poller?.stop();
    await this.parts?.close();
    if (this.consumer) await rd.disconnect(this.consumer);
    if (this.restorer) await rd.disconnect(this.restorer);
    await this.txn.close();
    await this.pool?.destroy();
    if (this.forwarder) await (await this.forwarder).close();
    this.lifecycle.go('closed');
  }

  /** A fatal error: the loop stops (a processor already stopping just keeps the error for `done()`). */
  private fail(err: Error): void {
    this.failure ??= err;
    if (this.lifecycle.can('fail')) this.lifecycle.go('fail');
    clearInterval(this.probeTimer);
    clearInterval(this.backpressureTimer);
    this.log(`kafka: stopped: ${err.message}`);
  }

  private probeBrokers(): void {
    this.consumer.getMetadata({ topic: this.config.inputTopic, timeout: 2_000 }, (err) => {
      this.brokersUp = !err;
      if (err) this.stall.brokerTrouble(performance.now());
    });
    this.reportStall();
  }

  /**
   * Input waiting on the broker while nothing was fetched or committed for a while (see stall.ts). The broker's own
   * watermarks are asked (through the restore client), since the consumer's cached ones stop with its fetches; a
   * replaced consumer is restored through a new assignment, like a fenced one.
   */
  private reportStall(): void {
    const now = performance.now();
    const committedAt = this.cycle.lastCommittedAt;
    const idle = this.stall.idleMs(now, committedAt);
    if (!this.stall.checkDue(now, committedAt, this.lifecycle.state, this.backpressureSince !== 0)) return;
    const troubleSince = this.stall.troubleSinceProgress(committedAt);
    this.waitingOnBroker(troubleSince)
      .then((waiting) => {
        const since = this.cycle.underWaySince;
        const action = stallAction({
          state: this.lifecycle.state,
          idleMs: this.stall.idleMs(performance.now(), this.cycle.lastCommittedAt),
          waiting,
          commitUnderWay: since !== undefined,
          fetchingPaused: this.pausedPartitions !== undefined,
          brokerTroubleSince: troubleSince,
        });
        if (action === 'none') return;
        this.log(
          `kafka: no progress for ${Math.round(idle / 1000)} s with ${waiting} messages waiting on the broker: ` +
            `${since === undefined ? 'no commit under way' : `a commit under way for ${Math.round((now - since) / 1000)} s`}, ` +
            `processing lock ${this.lock.locked ? 'held' : 'free'}, fetching ${this.pausedPartitions ? 'paused' : 'active'}, ` +
            `partitions ${[...this.parts.tasks.keys()].join(', ') || 'none'} (librdkafka assignment ${
              this.consumer
                .assignments()
                .map((a) => a.partition)
                .join(', ') || 'none'
            })`,
        );
        if (action !== 'replace-consumer') return;
        // counted as progress, so one outage replaces the consumer once
        this.stall.progressed(performance.now());
        this.lock
          .run(() =>
            this.replaceConsumer(
              new Error(`no messages fetched for ${Math.round(idle / 1000)} s while ${waiting} wait`),
            ),
          )
          .catch((e: Error) => this.fail(e));
      })
      // The broker cannot be asked (e.g. it is down): nothing to compare with; asked again next time.
      .catch(() => undefined);
  }

  /**
   * Messages on the broker that this process should be reading and is not. With partitions: beyond the consumer's
   * positions (or the partitions' own, before a first message; transaction markers take offsets, so the last
   * message's offset + 1 can stay one short of the end). With none, only after broker trouble or a revocation (e.g. a
   * rejoin that never completed after a broker outage): beyond the group's committed offsets, counted while those
   * have not moved since the last look (other processes may own every partition and be reading them), and only
   * where more than one offset waits (the one may be a transaction marker).
   */
  private async waitingOnBroker(troubleSince: boolean): Promise<number> {
    const topic = this.config.inputTopic;
    const high = (p: number) => rd.watermarks(this.restorer, topic, p, 5_000);
    if (this.parts.tasks.size > 0) {
      const positions = new Map(this.consumer.position().map((p) => [p.partition, p.offset]));
      const behind = await Promise.all(
        [...this.parts.tasks.values()].map(async (t) => {
          const p = positions.get(t.partition);
          const at = p !== undefined && p >= 0 ? p : t.nextOffset;
          return at === undefined ? 0 : Math.max(0, (await high(t.partition)).highOffset - at);
        }),
      );
      return behind.reduce((a, b) => a + b, 0);
    }
    if (!troubleSince) return 0;
    const all = Array.from({ length: this.inputPartitions }, (_, partition) => ({ topic, partition }));
    const committed = await rd.committed(this.consumer, all, 5_000);
    const key = committed.map((c) => c.offset).join(',');
    if (this.stall.groupOffsetsMoved(key)) return 0;
    const behind = await Promise.all(
      committed.map(async (c) => {
        const w = await high(c.partition);
        const waiting = w.highOffset - (c.offset !== undefined && c.offset >= 0 ? c.offset : w.lowOffset);
        return waiting > 1 ? waiting : 0;
      }),
    );
    return behind.reduce((a, b) => a + b, 0);
  }

  private async run(): Promise<void> {
    while (this.lifecycle.running) {
      let batch: Batch;
      try {
        batch = await this.poller.next();
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
    if (
      this.pausedPartitions ||
      this.backpressureSince === 0 ||
      performance.now() - this.backpressureSince < PAUSE_AFTER_MS
    )
      return;
    this.pausedPartitions = this.consumer.assignments().map((a) => ({ topic: a.topic, partition: a.partition }));
    this.consumer.pause(this.pausedPartitions);
    this.counters.pauses++;
  }

  private resumeFetching(): void {
    this.consumer.resume(this.pausedPartitions!);
    this.pausedPartitions = undefined;
  }

  private async process(batch: Batch): Promise<void> {
    if (!this.poller.current(batch)) {
      this.counters.skippedMessages += batch.messages.length;
      return;
    }
    const topic = this.config.inputTopic;
    for (const m of batch.messages) {
      if (this.cycle.mustSettle && !(await this.settleOrReset())) return;
      const task = this.parts.get(m.partition);
      if (!task || m.topic !== topic || (task.nextOffset !== undefined && m.offset < task.nextOffset)) {
        this.counters.skippedMessages++;
        continue;
      }
      task.messageTs = m.timestamp ?? 0;
      this.ingesting = m;
      this.stall.progressed(performance.now());
      const accepted = task.engine.ingestMessage(m.value ?? EMPTY, task.name);
      this.ingesting = undefined;
      if (accepted !== ACCEPTED) {
        this.backpressureSince = performance.now();
        await accepted;
        this.backpressureSince = 0;
        if (this.pausedPartitions) this.resumeFetching();
      }
      task.nextOffset = m.offset + 1;
      task.dirty = true;
      // Within a batch too: a batch of large gateway messages can hold millions of readings.
      if (this.cycle.due) await this.cycle.begin();
    }
    if (this.cycle.mustSettle && !(await this.settleOrReset())) return;
    if (this.cycle.due) await this.cycle.begin();
  }

  /** Waits for the transaction under way; when it failed, rebuilds every partition (false: the batch is stale). */
  private async settleOrReset(): Promise<boolean> {
    if (await this.cycle.settle()) return true;
    await this.reset();
    return false;
  }

  private onDeadLetter(task: PartitionTask, letter: DeadLetter): void {
    const m = this.ingesting;
    const at: KafkaCoordinates | undefined = m && {
      topic: m.topic,
      partition: m.partition,
      offset: m.offset,
      timestamp: m.timestamp,
    };
    this.cycle.emitDeadLetter(task, letter, at);
  }

  private abort(): Promise<void> {
    return this.cycle.abort(() => this.failure);
  }

  /**
   * After an aborted transaction every engine is ahead of what Kafka holds: rebuild each partition from its
   * changelog and rewind the consumer to the offset committed with that state (batches polled before are stale).
   */
  private async reset(): Promise<void> {
    await this.poller.drop();
    await this.abort();
    const partitions = [...this.parts.tasks.keys()];
    await this.parts.close();
    const offsets = await this.parts.restore(this.consumer, partitions);
    for (const p of partitions) {
      const offset = offsets.get(p);
      await rd.seek(this.consumer, { topic: this.config.inputTopic, partition: p, offset: offset ?? -2 }, 10_000);
    }
    await this.txn.begin();
  }

  private onRebalance(
    consumer: rd.KafkaConsumer,
    err: rd.LibrdKafkaError,
    assignment: rd.TopicPartitionOffset[],
  ): void {
    const cooperative = consumer.rebalanceProtocol() === 'COOPERATIVE';
    const parts = assignment.filter((a) => a.topic === this.config.inputTopic).map((a) => a.partition);
    if (this.lifecycle.closing || this.failure || consumer !== this.consumer) {
      if (err.code === rd.ERR.ERR__REVOKE_PARTITIONS) {
        if (cooperative) consumer.incrementalUnassign(assignment);
        else consumer.unassign();
      }
      return;
    }
    const work =
      err.code === rd.ERR.ERR__ASSIGN_PARTITIONS
        ? () => this.onAssign(consumer, parts, assignment, cooperative)
        : () => this.onRevoke(consumer, parts, assignment, cooperative);
    this.lock.run(work).catch((e: Error) => this.fail(e));
  }

  /** Restores each new partition's state before any of its messages is consumed. */
  private async onAssign(
    consumer: rd.KafkaConsumer,
    parts: number[],
    assignment: rd.TopicPartitionOffset[],
    cooperative: boolean,
  ): Promise<void> {
    if (consumer !== this.consumer) return;
    if (!(await this.cycle.settle())) await this.reset();
    const offsets = await this.parts.restore(
      this.consumer,
      parts.filter((p) => !this.parts.tasks.has(p)),
    );
    const withOffsets = assignment.map((a) => {
      const at = offsets.get(a.partition) ?? this.parts.get(a.partition)?.nextOffset;
      return at === undefined
        ? { topic: a.topic, partition: a.partition }
        : { topic: a.topic, partition: a.partition, offset: at };
    });
    if (cooperative) this.consumer.incrementalAssign(withOffsets as never);
    else this.consumer.assign(withOffsets as never);
    this.log(`kafka: assigned partitions ${parts.join(', ')}`);
  }

  /** Finishes in-flight work and commits it before the partitions go; if that fails, drops them unflushed. */
  private async onRevoke(
    consumer: rd.KafkaConsumer,
    parts: number[],
    assignment: rd.TopicPartitionOffset[],
    cooperative: boolean,
  ): Promise<void> {
    if (consumer !== this.consumer) return;
    const ok = await this.cycle.commitNow();
    await this.parts.close(parts);
    if (!ok) await this.reset();
    if (cooperative) this.consumer.incrementalUnassign(assignment);
    else this.consumer.unassign();
    this.stall.revoked(performance.now());
    // paused partitions that left are no longer this consumer's to resume
    const paused = this.pausedPartitions?.filter((p) => !parts.includes(p.partition));
    this.pausedPartitions = paused?.length ? paused : undefined;
    this.log(`kafka: revoked partitions ${parts.join(', ')}`);
  }
}
