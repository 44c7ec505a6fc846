// One input partition's share of the work: its own engine (watermark and window state), its offset, and its clock.
import { StreamEngine, type EngineStats, type OperatorSpec } from '../../stream/index.js';
import type { WindowResultColumns } from '../../stream/emit-buffer.js';
import type { StateLayout } from '../../stream/state-layout.js';
import type { WorkerPool } from '../../stream/worker-pool.js';
import type { SensorCatalog, DeadLetterSink, PartitionOwnership } from '../../telemetry/index.js';

/** What every partition's engine is built from: the same for all partitions of a process. */
export interface PartitionEngineOptions {
  catalog: SensorCatalog;
  operators: OperatorSpec[];
  outOfOrdernessMs: number;
  maxFutureMs: number;
  pool?: WorkerPool;
  layout: StateLayout;
}

export interface PartitionTaskOptions extends PartitionEngineOptions {
  topic: string;
  partition: number;
  ownership: PartitionOwnership;
  onResults: (spec: OperatorSpec, cols: WindowResultColumns) => void;
  deadLetter: DeadLetterSink;
}

/**
 * The watermark of a partition comes from that partition's own readings only, and the far-future check
 * uses the message's Kafka timestamp as "now": no processing-time input reaches the results, so a replay
 * of the same messages after a restore gives the same windows and values.
 */
export class PartitionTask {
  readonly name: string;
  readonly engine: StreamEngine;
  /** The next input offset to process; undefined until the first message or a restored checkpoint. */
  nextOffset: number | undefined;
  /** Input processed since the last commit. */
  dirty = false;
  /** Changelog records of an older bucket layout, tombstoned at the next commit. */
  staleKeys: string[] = [];
  /** While a transaction commits: output of this engine epoch and later belongs to the next transaction. */
  holdFrom = 0;
  messageTs = 0;

  constructor(readonly o: PartitionTaskOptions) {
    this.name = `${o.topic}/${o.partition}`;
    this.engine = new StreamEngine({
      catalog: o.catalog,
      operators: o.operators,
      watermark: { outOfOrdernessMs: o.outOfOrdernessMs, idleTimeoutMs: Infinity },
      workers: 0,
      pool: o.pool,
      checkpoints: true,
      stateLayout: o.layout,
      ownership: o.ownership,
      maxFutureMs: o.maxFutureMs,
      clock: () => this.messageTs,
      // Results become visible when their transaction commits, so readings wait for a full task rather than a timer.
      flushIntervalMs: 50,
      onResults: o.onResults,
      deadLetter: o.deadLetter,
    });
  }

  get partition(): number {
    return this.o.partition;
  }

  stats(): EngineStats {
    return this.engine.stats();
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}
