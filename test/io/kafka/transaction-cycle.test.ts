// The transaction cycle: while a commit completes, output of readings ingested before its checkpoint goes into
// the committing transaction and output of later readings is held, then produced into the next one in order.
import { describe, expect, it } from 'vitest';
import { decode } from '@msgpack/msgpack';
import { ChangelogKeys } from '../../../src/io/kafka/changelog.js';
import type { PartitionTask } from '../../../src/io/kafka/partition-task.js';
import { TransactionCycle } from '../../../src/io/kafka/transaction-cycle.js';
import type { Transactions } from '../../../src/io/kafka/transactions.js';
import type { EngineCheckpoint } from '../../../src/stream/engine.js';
import type { WindowResultColumns } from '../../../src/stream/emit-buffer.js';
import { NO_ENTRIES } from '../../../src/stream/state-log.js';
import { stateLayout } from '../../../src/stream/state-layout.js';
import type { WindowResult } from '../../../src/stream/index.js';
import { CATALOG, OPERATORS } from '../../helpers/telemetry-stream.js';
import { kafkaConfig } from './kafka-helpers.js';

/** The producer side: which transaction each record went into, with commits the test lets through. */
class FakeTransactions {
  txn = 0;
  produced: { txn: number; topic: string; start: number }[] = [];
  private held: { topic: string; value: Buffer | null }[] = [];
  commitGate: (() => void) | undefined;
  heldCount = 0;

  produce(topic: string, _p: number | null, value: Buffer | null): void {
    this.produced.push({
      txn: this.txn,
      topic,
      start: value && topic === 'results' ? (decode(value) as WindowResult).start : -1,
    });
  }
  hold(topic: string, _p: number | null, value: Buffer | null): void {
    this.held.push({ topic, value });
    this.heldCount = this.held.length;
  }
  releaseHeld(): void {
    for (const h of this.held.splice(0)) this.produce(h.topic, null, h.value);
    this.heldCount = 0;
  }
  async sendOffsets(): Promise<void> {}
  commit(): Promise<void> {
    return new Promise((resolve) => (this.commitGate = resolve));
  }
  async begin(): Promise<void> {
    this.txn++;
  }
}

/** A partition whose engine counts checkpoint epochs; its checkpoint state arrives when the test says. */
function fakeTask(): PartitionTask & {
  engine: { epoch: number; outputEpoch: number; finish: (cp: EngineCheckpoint) => void };
} {
  const engine = {
    epoch: 0,
    outputEpoch: 0,
    finish: (_cp: EngineCheckpoint) => undefined as void,
    async beginCheckpoint() {
      engine.epoch++;
      engine.outputEpoch = engine.epoch;
      return { state: new Promise<EngineCheckpoint>((resolve) => (engine.finish = resolve)) };
    },
  };
  return { partition: 0, dirty: true, nextOffset: 42, staleKeys: [], holdFrom: 0, engine } as never;
}

function row(start: number): WindowResultColumns {
  return {
    operator: 0,
    key: Float64Array.of(0),
    start: Float64Array.of(start),
    end: Float64Array.of(start + 10_000),
    revision: Float64Array.of(0),
    values: OPERATORS[0].aggregates.map(() => Float64Array.of(1)),
  };
}

describe('transaction cycle', () => {
  it('holds output of readings after the checkpoint until the next transaction, and commits the rest with the offsets', async () => {
    const txn = new FakeTransactions();
    const task = fakeTask();
    const committedRows: number[][] = [];
    const cycle = new TransactionCycle({
      config: kafkaConfig('unused', { resultsTopic: 'results', commitIntervalMs: 0 }),
      catalog: CATALOG,
      operators: OPERATORS,
      txn: txn as unknown as Transactions,
      keys: new ChangelogKeys(CATALOG, OPERATORS, stateLayout(CATALOG, OPERATORS)),
      fingerprints: {},
      consumer: () => undefined as never,
      tasks: () => [task],
      onCommitted: (rows) => committedRows.push(rows.map((r) => r.start)),
      log: () => undefined,
    });
    cycle.emitResults(task, OPERATORS[0], row(1));
    await cycle.begin();
    expect(task.dirty).toBe(false);
    // A reply for readings sent before the checkpoint (epoch 0) arrives after it: it belongs to this transaction.
    task.engine.outputEpoch = 0;
    cycle.emitResults(task, OPERATORS[0], row(2));
    // Readings ingested after the checkpoint (epoch 1): held.
    task.engine.outputEpoch = 1;
    cycle.emitResults(task, OPERATORS[0], row(3));
    cycle.emitResults(task, OPERATORS[0], row(4));
    expect(txn.heldCount).toBe(2);
    expect(cycle.due).toBe(false);
    task.engine.finish({ watermark: { value: 0, partitions: [] }, entries: NO_ENTRIES });
    await new Promise((r) => setTimeout(r, 0));
    expect(cycle.mustSettle).toBe(false);
    txn.commitGate!();
    expect(await cycle.settle()).toBe(true);
    const results = txn.produced.filter((p) => p.topic === 'results');
    expect(results).toEqual([
      { txn: 0, topic: 'results', start: 1 },
      { txn: 0, topic: 'results', start: 2 },
      { txn: 1, topic: 'results', start: 3 },
      { txn: 1, topic: 'results', start: 4 },
    ]);
    // The changelog's meta record went into the committed transaction, after the results before the checkpoint.
    const meta = txn.produced.findIndex((p) => p.topic.endsWith('changelog'));
    expect(txn.produced[meta].txn).toBe(0);
    expect(cycle.committed[0]).toBe(42);
    expect(committedRows).toEqual([[1, 2]]);
    // After the commit, output goes straight into the open transaction.
    cycle.emitResults(task, OPERATORS[0], row(5));
    expect(txn.produced.at(-1)).toEqual({ txn: 1, topic: 'results', start: 5 });
  });
});
