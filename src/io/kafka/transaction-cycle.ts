// One transaction after another: output goes into the open one; a commit checkpoints the partitions and completes
// while processing goes on, and what later input emits is held for the next transaction.
import type { KafkaConfig } from '../../config.js';
import type { EngineCheckpoint } from '../../stream/engine.js';
import type { WindowResultColumns } from '../../stream/emit-buffer.js';
import { resultRows, type OperatorSpec, type WindowResult } from '../../stream/index.js';
import type { SensorCatalog, DeadLetter } from '../../telemetry/index.js';
import { changelogTopic } from './client-config.js';
import { changelogRecords, encodeMeta, META_KEY, type ChangelogKeys } from './changelog.js';
import type { PartitionTask } from './partition-task.js';
import * as rd from './rdkafka.js';
import { ResultEncoder, deadLetterKey, encodeDeadLetter, type KafkaCoordinates } from './records.js';
import type { Transactions } from './transactions.js';

/** Output held for the next transaction beyond this makes processing wait for the commit under way. */
const MAX_HELD = 200_000;

export interface TransactionCycleOptions {
  config: KafkaConfig;
  catalog: SensorCatalog;
  operators: readonly OperatorSpec[];
  txn: Transactions;
  keys: ChangelogKeys;
  fingerprints: Record<string, string>;
  /** The group member whose metadata goes with the offsets (KIP-447 fencing). */
  consumer: () => rd.KafkaConsumer;
  tasks: () => Iterable<PartitionTask>;
  onCommitted?: (rows: WindowResult[]) => void;
  onDeadLetters?: (letters: DeadLetter[]) => void;
  log: (line: string) => void;
}

/** A partition's part of the transaction being completed. */
interface Checkpointing {
  task: PartitionTask;
  /** The next input offset: committed with this state. */
  offset: number;
  state: Promise<EngineCheckpoint>;
  staleKeys: string[];
}

/** Window results and dead letters for the `onCommitted`/`onDeadLetters` callbacks, per transaction. */
class Committed {
  rows: WindowResult[] = [];
  letters: DeadLetter[] = [];
}

export class TransactionCycle {
  readonly counters = { commits: 0, aborts: 0 };
  /** Input offset committed last, per partition. */
  readonly committed: Record<number, number> = {};
  private readonly results: ResultEncoder;
  /** When the last commit began (performance.now()). */
  private lastCommit = performance.now();
  /** When a transaction last committed. */
  lastCommittedAt = performance.now();
  /** The transaction being completed while processing goes on, and its outcome once known. */
  private done: Promise<boolean> | undefined;
  private outcome: boolean | undefined;
  /** Output of partitions' later epochs is held while a transaction completes. */
  private holding = false;
  private pending = new Committed();
  private held = new Committed();

  constructor(private readonly o: TransactionCycleOptions) {
    this.results = new ResultEncoder(o.catalog, o.operators);
  }

  /** When the commit under way began, if one is. */
  get underWaySince(): number | undefined {
    return this.done === undefined ? undefined : this.lastCommit;
  }

  /** The commit interval has passed and no commit is under way. */
  get due(): boolean {
    return this.done === undefined && performance.now() - this.lastCommit >= this.o.config.commitIntervalMs;
  }

  /** The commit under way has an outcome to settle, or has held so much that processing must wait for it. */
  get mustSettle(): boolean {
    return this.outcome !== undefined || (this.done !== undefined && this.o.txn.heldCount > MAX_HELD);
  }

  private holds(task: PartitionTask): boolean {
    return this.holding && task.engine.outputEpoch >= task.holdFrom;
  }

  emitResults(task: PartitionTask, spec: OperatorSpec, cols: WindowResultColumns): void {
    const hold = this.holds(task);
    const { txn, config } = this.o;
    const enc = this.results;
    for (let i = 0; i < cols.key.length; i++) {
      const value = enc.encode(cols, i);
      const key = enc.key(cols.operator, cols.key[i]);
      if (hold) txn.hold(config.resultsTopic, null, value, key);
      else txn.produce(config.resultsTopic, null, value, key);
    }
    if (this.o.onCommitted) (hold ? this.held : this.pending).rows.push(...resultRows(spec, this.o.catalog, cols));
  }

  emitDeadLetter(task: PartitionTask, letter: DeadLetter, at: KafkaCoordinates | undefined): void {
    const { txn, config } = this.o;
    const hold = this.holds(task);
    const value = encodeDeadLetter(letter, at);
    if (hold) txn.hold(config.deadLetterTopic, null, value, deadLetterKey(letter));
    else txn.produce(config.deadLetterTopic, null, value, deadLetterKey(letter));
    if (this.o.onDeadLetters) (hold ? this.held : this.pending).letters.push(letter);
  }

  /**
   * Starts a commit (callers hold the processing lock): each partition that processed input queues a
   * checkpoint of its state at its current offset, and the transaction completes while processing goes on.
   */
  async begin(): Promise<void> {
    this.lastCommit = performance.now();
    const tasks = [...this.o.tasks()];
    const dirty = tasks.filter((t) => t.dirty);
    if (dirty.length === 0) return;
    const parts: Checkpointing[] = [];
    for (const task of dirty) {
      task.dirty = false;
      const offset = task.nextOffset!;
      const { state } = await task.engine.beginCheckpoint();
      parts.push({ task, offset, state, staleKeys: task.staleKeys.splice(0) });
    }
    for (const t of tasks) t.holdFrom = t.engine.epoch;
    this.holding = true;
    this.outcome = undefined;
    this.done = this.complete(parts).then((ok) => (this.outcome = ok));
  }

  /**
   * Writes the checkpoints to the changelog, sends the offsets and commits; then opens the next transaction
   * and produces what was held into it. False when the transaction could not commit.
   */
  private async complete(parts: Checkpointing[]): Promise<boolean> {
    const { txn, config } = this.o;
    const changelog = changelogTopic(config);
    try {
      for (const p of parts) {
        const cp = await p.state;
        const partition = p.task.partition;
        // Records of an older bucket layout go first: their tombstones must not clear what the new records hold.
        for (const key of p.staleKeys) txn.produce(changelog, partition, null, key);
        for (const [key, value] of changelogRecords(cp, this.o.keys)) txn.produce(changelog, partition, value, key);
        txn.produce(
          changelog,
          partition,
          encodeMeta({ offset: p.offset, watermark: cp.watermark, operators: this.o.fingerprints }),
          META_KEY,
        );
      }
      await txn.sendOffsets(
        parts.map((p) => ({ topic: config.inputTopic, partition: p.task.partition, offset: p.offset })),
        this.o.consumer(),
      );
      await txn.commit();
    } catch (err) {
      this.o.log(`kafka: transaction failed, aborting: ${rd.asError(err).message}`);
      return false;
    }
    for (const p of parts) this.committed[p.task.partition] = p.offset;
    this.counters.commits++;
    this.lastCommittedAt = performance.now();
    const done = this.pending;
    this.pending = this.held;
    this.held = new Committed();
    if (done.rows.length > 0) this.o.onCommitted?.(done.rows);
    if (done.letters.length > 0) this.o.onDeadLetters?.(done.letters);
    try {
      await txn.begin();
    } catch (err) {
      this.o.log(`kafka: could not begin a transaction: ${rd.asError(err).message}`);
      return false;
    }
    this.holding = false;
    txn.releaseHeld();
    return true;
  }

  /** Waits for the commit under way, if any; false when it failed (the caller aborts and rebuilds). */
  async settle(): Promise<boolean> {
    const done = this.done;
    if (done === undefined) return true;
    await done;
    this.done = undefined;
    const ok = this.outcome!;
    this.outcome = undefined;
    return ok;
  }

  /** A commit of everything processed so far, waited for. */
  async commitNow(): Promise<boolean> {
    if (!(await this.settle())) return false;
    await this.begin();
    return this.settle();
  }

  /** Aborts the open transaction: nothing it or the held output holds becomes visible. */
  async abort(failure: () => Error | undefined): Promise<void> {
    this.counters.aborts++;
    this.holding = false;
    this.pending = new Committed();
    this.held = new Committed();
    await this.o.txn.abort(failure);
  }
}
