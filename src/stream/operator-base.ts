// What every window operator holds whatever its window type: the accumulators, the watermark, its lateness and the
// keys it changed; and how one window's accumulator becomes a result row.
import { AccumulatorStore, type AggregateName } from './aggregates.js';
import type { ChangeSet } from './changes.js';
import type { EmitBuffer } from './emit-buffer.js';

const NO_CHANGES = new Uint32Array(0);

export abstract class WindowOperatorBase {
  protected readonly store: AccumulatorStore;
  watermark = -Infinity;
  nextDue = Infinity;

  /** `slots`: the accumulator store's first capacity (it grows as windows open). */
  constructor(
    protected readonly aggregates: readonly AggregateName[],
    protected readonly latenessMs: number,
    protected readonly changes: ChangeSet | undefined,
    slots: number,
  ) {
    this.store = new AccumulatorStore(aggregates, slots);
  }

  /** Keys whose state changed since the last call (empty unless built with change tracking). */
  takeChanges(): Uint32Array {
    return this.changes ? this.changes.take() : NO_CHANGES;
  }

  /** Appends the result row of the window whose accumulator is `slot`. */
  protected emitSlot(out: EmitBuffer, slot: number, key: number, start: number, end: number, revision: number): void {
    out.push(key, start, end, revision);
    for (let a = 0; a < this.aggregates.length; a++) out.setValue(a, this.store.value(slot, this.aggregates[a]));
  }
}
