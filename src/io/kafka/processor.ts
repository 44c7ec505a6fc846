// The Kafka read-process-write loop: consume telemetry, run it through one engine per input partition, and
// commit window results, dead letters, changelog records and the consumed offsets in one transaction.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { KafkaConfig } from '../../config.js';
import type { EngineStats, OperatorSpec, WindowResult } from '../../stream/index.js';
import type { SensorCatalog, DeadLetter } from '../../telemetry/index.js';
import { operatorFingerprints } from './changelog.js';
import { coPartitioning } from './partitioner.js';
import { engineStats } from './partitions.js';
import { ProcessorLifecycle, type ProcessorState } from './processor-state.js';
import { PAUSE_AFTER_MS, RunningProcessor } from './running-processor.js';
import { TelemetryProducer } from './telemetry-producer.js';
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

const NOT_STARTED: KafkaStats = {
  assignedPartitions: [],
  commits: 0,
  aborts: 0,
  restores: 0,
  restoredKeys: 0,
  skippedMessages: 0,
  pauses: 0,
  committed: {},
  lag: 0,
  brokersUp: false,
};

export class KafkaProcessor {
  private readonly config: KafkaConfig;
  private readonly txn: Transactions;
  private readonly lifecycle = new ProcessorLifecycle();
  /** Its clients, partitions and loop, once `start` has built them. */
  private running: RunningProcessor | undefined;
  /** The fatal error that stopped the loop (kept through stopping, for `done()` and `error`). */
  private failure: Error | undefined;
  private loop: Promise<void> = Promise.resolve();
  private probeTimer?: NodeJS.Timeout;
  private backpressureTimer?: NodeJS.Timeout;
  private forwarder?: Promise<TelemetryProducer>;
  private readonly log: (line: string) => void;

  constructor(private readonly options: KafkaProcessorOptions) {
    this.config = options.config;
    this.log = options.log ?? (() => undefined);
    this.txn = new Transactions(
      this.config,
      `${this.config.applicationId}-${this.config.instanceId ?? `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`}`,
      this.log,
    );
  }

  /** Connects, initialises transactions (fencing an earlier process with the same instance id), subscribes and starts consuming. */
  async start(): Promise<void> {
    this.lifecycle.go('start');
    await this.txn.connect();
    const running = await RunningProcessor.open({
      options: this.options,
      txn: this.txn,
      partitioning: coPartitioning(this.options.catalog, this.options.operators),
      fingerprints: operatorFingerprints(this.options.operators),
      lifecycle: this.lifecycle,
      failure: () => this.failure,
      fail: (err) => this.fail(err),
      log: this.log,
    });
    if (this.lifecycle.stopRequested) {
      // stopped while starting: what was built is released here, and the transition below throws as it should
      await running.close();
    } else this.running = running;
    this.probeTimer = setInterval(() => running.probeBrokers(), 2_000);
    this.backpressureTimer = setInterval(() => running.watchBackpressure(), PAUSE_AFTER_MS / 2);
    this.lifecycle.go('started');
    this.loop = running.run().catch((err: Error) => this.fail(err));
    this.log(
      `kafka: consuming ${this.config.inputTopic} (${running.inputPartitions} partitions) in group ${this.config.applicationId}, transactional id ${this.txn.transactionalId}`,
    );
  }

  /** Ready while running, connected to the brokers and not failed. */
  ready(): boolean {
    return this.lifecycle.running && this.failure === undefined && this.running?.brokersUp === true;
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
    return this.running?.kafkaStats() ?? NOT_STARTED;
  }

  /** The engine counters summed over partitions; the watermark is the smallest partition watermark. */
  stats(): EngineStats {
    return this.running?.stats() ?? engineStats([]);
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
    if (wasRunning && !this.failure) await this.running?.commitOnStop();
    this.lifecycle.go('committed');
    await this.running?.close();
    await this.txn.close();
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
}
