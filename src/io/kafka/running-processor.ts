// The started Kafka processor: its clients (consumer, restore consumer), the partitions' engines and worker pool,
// the transaction cycle and the poll loop, all built together by `RunningProcessor.open` once the input topic's
// partition count is known. KafkaProcessor (processor.ts) owns its lifecycle.
import type { EventEmitter } from 'node:events';
import type { KafkaConfig } from '../../config.js';
import type { EngineStats } from '../../stream/index.js';
import { ACCEPTED } from '../../stream/engine.js';
import { stateLayout } from '../../stream/state-layout.js';
import { WorkerPool } from '../../stream/worker-pool.js';
import { type DeadLetter, DEFAULT_MAX_FUTURE_SKEW_MS } from '../../telemetry/index.js';
import { consumerConfig, restoreConsumerConfig } from './client-config.js';
import { ChangelogKeys } from './changelog.js';
import { Mutex } from './mutex.js';
import type { CoPartitioning } from './partitioner.js';
import { Partitions, engineStats } from './partitions.js';
import type { PartitionTask } from './partition-task.js';
import { Poller, type Batch } from './poller.js';
import type { KafkaProcessorOptions, KafkaStats } from './processor.js';
import type { ProcessorLifecycle } from './processor-state.js';
import * as rd from './rdkafka.js';
import type { KafkaCoordinates } from './records.js';
import { StallWatch, stallAction } from './stall.js';
import { TransactionCycle } from './transaction-cycle.js';
import { ensureTopics } from './topics.js';
import type { Transactions } from './transactions.js';

/** Messages a poll returns at most. */
const POLL_BATCH = 2000;
const EMPTY = new Uint8Array(0);
/** A backpressure wait longer than this pauses fetching, so librdkafka stops filling its queue. */
export const PAUSE_AFTER_MS = 50;

/** What the processor gives the started part: its options, its transactions, its lifecycle and how it fails. */
export interface RunningContext {
  options: KafkaProcessorOptions;
  txn: Transactions;
  partitioning: CoPartitioning;
  fingerprints: Record<string, string>;
  lifecycle: ProcessorLifecycle;
  /** The fatal error that stopped the loop, if any. */
  failure: () => Error | undefined;
  fail: (err: Error) => void;
  log: (line: string) => void;
}

/** The parts `open` builds before the constructor (they need the input topic's partition count or a connection). */
interface Built {
  inputPartitions: number;
  restorer: rd.KafkaConsumer;
  pool: WorkerPool | undefined;
  layout: ReturnType<typeof stateLayout>;
  keys: ChangelogKeys;
}

/** One rebalance callback: the consumer it came to, the input partitions it moves, and its protocol. */
interface Rebalance {
  consumer: rd.KafkaConsumer;
  parts: number[];
  assignment: rd.TopicPartitionOffset[];
  cooperative: boolean;
}

export class RunningProcessor {
  private readonly config: KafkaConfig;
  private readonly txn: Transactions;
  private readonly lifecycle: ProcessorLifecycle;
  private readonly log: (line: string) => void;
  readonly inputPartitions: number;
  private readonly restorer: rd.KafkaConsumer;
  private readonly pool: WorkerPool | undefined;
  private readonly parts: Partitions;
  readonly cycle: TransactionCycle;
  /** Replaced when librdkafka puts it in a fatal state (see replaceConsumer). */
  private consumer: rd.KafkaConsumer;
  private readonly poller: Poller;
  readonly lock = new Mutex();
  /** The message being ingested, for the coordinates of its dead letters. */
  private ingesting: rd.Message | undefined;
  /** When an ingest began waiting on the workers (performance.now()), 0 while none waits. */
  private backpressureSince = 0;
  /** The partitions whose fetching is paused for backpressure; undefined while fetching is active. */
  private pausedPartitions: { topic: string; partition: number }[] | undefined;
  private readonly stall = new StallWatch(performance.now());
  private readonly counters = { skippedMessages: 0, pauses: 0 };
  brokersUp = false;

  /**
   * Connects the restore consumer, creates the topics, builds the partitions' engines and joins the group (rebalance
   * callbacks may run from then on), then begins the first transaction.
   */
  static async open(ctx: RunningContext): Promise<RunningProcessor> {
    const o = ctx.options;
    const inputPartitions = (await ensureTopics(o.config, ctx.txn.producer)).inputPartitions;
    // Buckets of about 32 keys a partition: the layout is fixed by the city, the operators and the partition count.
    const layout = stateLayout(o.catalog, o.operators, { partitions: inputPartitions });
    const keys = new ChangelogKeys(o.catalog, o.operators, layout);
    const restorer = new rd.Consumer(restoreConsumerConfig(o.config) as never, {});
    await rd.connect(restorer, 30_000);
    restorer.setDefaultConsumeTimeout(100);
    const keyCounts = o.operators.map((op) => o.catalog.groupings.get(op.keyBy)!.keys.length);
    const pool = o.workers > 0 ? new WorkerPool({ operators: o.operators, keyCounts, layout }, o.workers) : undefined;
    const running = new RunningProcessor(ctx, { inputPartitions, restorer, pool, layout, keys });
    try {
      await running.joinGroup(running.consumer);
      await ctx.txn.begin();
    } catch (err) {
      // Nothing else would release the clients and threads built so far.
      await running.close();
      throw err;
    }
    running.brokersUp = true;
    return running;
  }

  private constructor(
    private readonly ctx: RunningContext,
    b: Built,
  ) {
    const o = ctx.options;
    this.config = o.config;
    this.txn = ctx.txn;
    this.lifecycle = ctx.lifecycle;
    this.log = ctx.log;
    this.inputPartitions = b.inputPartitions;
    this.restorer = b.restorer;
    this.pool = b.pool;
    // The partitions emit through the cycle and the cycle commits the partitions: each reaches the other when called.
    this.parts = new Partitions({
      config: o.config,
      catalog: o.catalog,
      operators: o.operators,
      outOfOrdernessMs: o.outOfOrdernessMs,
      maxFutureMs: o.maxFutureMs ?? DEFAULT_MAX_FUTURE_SKEW_MS,
      pool: b.pool,
      layout: b.layout,
      keys: b.keys,
      co: ctx.partitioning,
      inputPartitions: b.inputPartitions,
      restorer: b.restorer,
      onResults: (task, spec, cols) => this.cycle.emitResults(task, spec, cols),
      deadLetter: (task, letter) => this.onDeadLetter(task, letter),
      log: this.log,
    });
    this.cycle = new TransactionCycle({
      config: o.config,
      catalog: o.catalog,
      operators: o.operators,
      txn: this.txn,
      keys: b.keys,
      fingerprints: ctx.fingerprints,
      consumer: () => this.consumer,
      tasks: () => this.parts.tasks.values(),
      onCommitted: o.onCommitted,
      onDeadLetters: o.onDeadLetters,
      log: this.log,
    });
    if (o.config.properties.debug) {
      // librdkafka's debug contexts (the `debug` property) come out through the processor's log.
      for (const [role, client] of [
        ['producer', this.txn.producer],
        ['restore', this.restorer],
      ] as [string, EventEmitter][]) {
        client.on('event.log', (e: { message: string }) => this.log(`librdkafka ${role}: ${e.message}`));
      }
    }
    this.consumer = this.newConsumer();
    this.poller = new Poller(this.consumer, POLL_BATCH);
  }

  /** A group consumer whose rebalance callbacks, once it is replaced, only release its partitions. */
  private newConsumer(): rd.KafkaConsumer {
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
    return consumer;
  }

  /** Connects a consumer and joins the group with it. */
  private async joinGroup(consumer: rd.KafkaConsumer): Promise<void> {
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
    this.consumer = this.newConsumer();
    await this.joinGroup(this.consumer);
    await this.poller.replace(this.consumer);
    await rd.disconnect(old);
    await this.txn.begin();
  }

  kafkaStats(): KafkaStats {
    return {
      assignedPartitions: [...this.parts.tasks.keys()].sort((a, b) => a - b),
      ...this.counters,
      commits: this.cycle.counters.commits,
      aborts: this.cycle.counters.aborts,
      restores: this.parts.counters.restores,
      restoredKeys: this.parts.counters.restoredKeys,
      committed: { ...this.cycle.committed },
      lag: this.parts.lag(this.consumer),
      brokersUp: this.brokersUp,
    };
  }

  /** The engine counters summed over partitions; the watermark is the smallest partition watermark. */
  stats(): EngineStats {
    return engineStats([...this.parts.tasks.values()].map((t) => t.stats()));
  }

  /** At a clean stop: commits what is processed (aborts when that fails). */
  async commitOnStop(): Promise<void> {
    await this.lock.run(async () => {
      if (!(await this.cycle.commitNow())) await this.abort();
    });
  }

  /** Leaves the group and releases every client and thread (the transactions are the processor's). */
  async close(): Promise<void> {
    await this.poller.stop();
    await this.parts.close();
    await rd.disconnect(this.consumer);
    await rd.disconnect(this.restorer);
    await this.pool?.destroy();
  }

  /** Every 2 s: whether the brokers answer, and whether the loop stalls. */
  probeBrokers(): void {
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
          .catch((e: Error) => this.ctx.fail(e));
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

  /** The poll loop, while the processor runs. */
  async run(): Promise<void> {
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
  watchBackpressure(): void {
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
    return this.cycle.abort(this.ctx.failure);
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
    if (this.lifecycle.closing || this.ctx.failure() || consumer !== this.consumer) {
      if (err.code === rd.ERR.ERR__REVOKE_PARTITIONS) {
        if (cooperative) consumer.incrementalUnassign(assignment);
        else consumer.unassign();
      }
      return;
    }
    const work =
      err.code === rd.ERR.ERR__ASSIGN_PARTITIONS
        ? () => this.onAssign({ consumer, parts, assignment, cooperative })
        : () => this.onRevoke({ consumer, parts, assignment, cooperative });
    this.lock.run(work).catch((e: Error) => this.ctx.fail(e));
  }

  /** Restores each new partition's state before any of its messages is consumed. */
  private async onAssign({ consumer, parts, assignment, cooperative }: Rebalance): Promise<void> {
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
  private async onRevoke({ consumer, parts, assignment, cooperative }: Rebalance): Promise<void> {
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
