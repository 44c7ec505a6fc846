// The state a stream worker owns: one window operator per declared operator, fed by tasks in order.
import { CheckpointWriter, restoreMembership } from './checkpoint-writer.js';
import { EmitBuffer, type WindowResultColumns } from './emit-buffer.js';
import { createWindowOperator, type WindowOperator } from './operator.js';
import type { OperatorSpec } from './spec.js';
import { StateReader } from './state-codec.js';
import type { StateLayout } from './state-layout.js';
import { NO_ENTRIES, type StateEntries } from './state-log.js';
import type { StateRecords, WorkerReply, WorkerTask } from './task.js';

export interface WorkerInit {
  operators: OperatorSpec[];
  /** Number of keys of each operator's grouping (dense key ids 0..n-1). */
  keyCounts: number[];
  /** Buckets of checkpointed state; with it, changed keys are tracked for checkpoints. */
  layout?: StateLayout;
}

export class WorkerCore {
  private readonly operators: WindowOperator[];
  private readonly out: EmitBuffer[];
  private readonly writer?: CheckpointWriter;

  constructor(init: WorkerInit) {
    const track = init.layout !== undefined;
    this.operators = init.operators.map((spec, i) => createWindowOperator(spec, init.keyCounts[i], track));
    this.out = init.operators.map((spec, i) => new EmitBuffer(i, spec.aggregates.length));
    if (init.layout) this.writer = new CheckpointWriter(init.layout, init.keyCounts);
  }

  get activeWindows(): number {
    return this.operators.reduce((n, o) => n + o.activeWindows, 0);
  }

  process(task: WorkerTask): WorkerReply {
    const late = { op: [] as number[], key: [] as number[], ts: [] as number[], value: [] as number[] };
    const ops = this.operators;
    let m = 0;
    for (let i = 0; i <= task.length; i++) {
      while (m < task.markerCount && task.markerPos[m] === i) this.advance(task.markerW[m++]);
      if (i === task.length) break;
      const o = task.op[i];
      if (!ops[o].add(task.key[i], task.ts[i], task.value[i])) {
        late.op.push(o);
        late.key.push(task.key[i]);
        late.ts.push(task.ts[i]);
        late.value.push(task.value[i]);
      }
    }
    const results: WindowResultColumns[] = [];
    for (const buf of this.out) if (buf.length > 0) results.push(buf.take());
    return {
      results,
      late: {
        op: Uint8Array.from(late.op),
        key: Float64Array.from(late.key),
        ts: Float64Array.from(late.ts),
        value: Float64Array.from(late.value),
      },
      activeWindows: this.activeWindows,
    };
  }

  /** The state of the keys that changed since the last checkpoint, as bucket and key records (see state-log.ts). */
  checkpoint(): StateEntries {
    return this.writer ? this.writer.write(this.operators) : NO_ENTRIES;
  }

  /**
   * Loads checkpointed keys into operators that hold nothing yet; every operator takes the watermark the state
   * had. `rewrite` makes the next checkpoint write every restored key (state read from an older bucket layout).
   */
  restore(records: StateRecords, watermark: number, rewrite = false): void {
    if (this.writer) restoreMembership(this.writer, records, rewrite);
    for (let i = 0; i < records.count; i++) {
      const start = records.offset[i];
      const end = records.offset[i + 1];
      if (end === start) continue;
      const o = this.operators[records.op[i]];
      if (!o)
        throw new RangeError(
          `window state record for operator #${records.op[i]}, but there are ${this.operators.length} operators`,
        );
      const r = new StateReader(records.bytes, start, end);
      o.readKey(records.key[i], r);
      if (!r.done)
        throw new RangeError(
          `window state record of operator #${records.op[i]}, key #${records.key[i]} has ${end - r.pos} bytes left over`,
        );
    }
    for (const o of this.operators) {
      o.watermark = watermark;
      o.restored();
    }
  }

  private advance(watermark: number): void {
    for (let o = 0; o < this.operators.length; o++) {
      const op = this.operators[o];
      if (watermark <= op.watermark) continue;
      op.watermark = watermark;
      if (watermark >= op.nextDue) op.advance(this.out[o]);
    }
  }
}
