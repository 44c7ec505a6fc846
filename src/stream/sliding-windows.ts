// Sliding windows: one window per distinct event time t of a key, covering (t - size, t], so a result is
// emitted whenever a reading changes what the last `size` milliseconds hold. Each window is recomputed
// from the key's retained readings (cost: readings per window), which suits the low-rate metrics this
// window type is meant for.
import type { AggregateName } from './aggregates.js';
import type { ChangeSet } from './changes.js';
import type { EmitBuffer } from './emit-buffer.js';
import type { WindowOperator } from './operator.js';
import { WindowOperatorBase } from './operator-base.js';
import type { StateReader, StateWriter } from './state-codec.js';

interface KeyState {
  ts: number[];
  values: number[];
  /** Window end times that still have to emit (new, or revised by a late reading). */
  pending: Set<number>;
  /** Emission count per window already emitted and still within allowed lateness. */
  emits: Map<number, number>;
}

export class SlidingWindowOperator extends WindowOperatorBase implements WindowOperator {
  private readonly keys = new Map<number, KeyState>();
  private readonly pendingKeys = new Set<number>();
  private readings = 0;

  constructor(
    aggregates: readonly AggregateName[],
    private readonly sizeMs: number,
    latenessMs: number,
    changes?: ChangeSet,
  ) {
    super(aggregates, latenessMs, changes, 4);
  }

  get activeWindows(): number {
    return this.readings;
  }

  add(key: number, ts: number, value: number): boolean {
    if (ts + this.latenessMs <= this.watermark) return false;
    let st = this.keys.get(key);
    if (!st) {
      st = { ts: [], values: [], pending: new Set(), emits: new Map() };
      this.keys.set(key, st);
    }
    // Insert after every reading with ts <= this one: ties keep arrival order.
    let i = st.ts.length;
    while (i > 0 && st.ts[i - 1] > ts) i--;
    st.ts.splice(i, 0, ts);
    st.values.splice(i, 0, value);
    this.readings++;
    st.pending.add(ts);
    for (let j = i + 1; j < st.ts.length && st.ts[j] < ts + this.sizeMs; j++) st.pending.add(st.ts[j]);
    this.pendingKeys.add(key);
    this.changes?.touch(key);
    if (ts < this.nextDue) this.nextDue = ts;
    return true;
  }

  advance(out: EmitBuffer): void {
    const w = this.watermark;
    for (const key of this.pendingKeys) {
      const st = this.keys.get(key)!;
      const due = [...st.pending].filter((t) => t <= w).sort((a, b) => a - b);
      if (due.length > 0) this.changes?.touch(key);
      for (const t of due) {
        st.pending.delete(t);
        const rev = st.emits.get(t) ?? 0;
        st.emits.set(t, rev + 1);
        this.emitWindow(key, st, t, rev, out);
      }
      if (st.pending.size === 0) this.pendingKeys.delete(key);
    }
    this.evict(w);
  }

  private emitWindow(key: number, st: KeyState, t: number, revision: number, out: EmitBuffer): void {
    const slot = this.store.alloc();
    const from = t - this.sizeMs;
    for (let i = 0; i < st.ts.length && st.ts[i] <= t; i++)
      if (st.ts[i] > from) this.store.add(slot, st.ts[i], st.values[i]);
    this.emitSlot(out, slot, key, from + 1, t + 1, revision);
    this.store.free(slot);
  }

  private evict(w: number): void {
    for (const [key, st] of this.keys) {
      let drop = 0;
      while (drop < st.ts.length && st.ts[drop] + this.sizeMs - 1 + this.latenessMs <= w) drop++;
      if (drop > 0) {
        st.ts.splice(0, drop);
        st.values.splice(0, drop);
        this.readings -= drop;
        this.changes?.touch(key);
      }
      for (const t of st.emits.keys()) {
        if (t + this.latenessMs > w) continue;
        st.emits.delete(t);
        this.changes?.touch(key);
      }
      if (st.ts.length === 0 && st.pending.size === 0) this.keys.delete(key);
    }
    this.restored();
  }

  /** Recomputes when `advance` next has work: a pending window, a reading or an emission count to drop. */
  restored(): void {
    let next = Infinity;
    for (const st of this.keys.values()) {
      for (const t of st.pending) next = Math.min(next, t);
      if (st.ts.length > 0) next = Math.min(next, st.ts[0] + this.sizeMs - 1 + this.latenessMs);
      for (const t of st.emits.keys()) next = Math.min(next, t + this.latenessMs);
    }
    this.nextDue = next;
  }

  writeKey(key: number, w: StateWriter): boolean {
    const st = this.keys.get(key);
    if (!st) return false;
    w.u32(st.ts.length);
    for (let i = 0; i < st.ts.length; i++) {
      w.f64(st.ts[i]);
      w.f64(st.values[i]);
    }
    w.u32(st.pending.size);
    for (const t of st.pending) w.f64(t);
    w.u32(st.emits.size);
    for (const [t, n] of st.emits) {
      w.f64(t);
      w.u32(n);
    }
    return true;
  }

  readKey(key: number, r: StateReader): void {
    const st: KeyState = { ts: [], values: [], pending: new Set(), emits: new Map() };
    for (let n = r.u32(); n > 0; n--) {
      st.ts.push(r.f64());
      st.values.push(r.f64());
    }
    for (let n = r.u32(); n > 0; n--) st.pending.add(r.f64());
    for (let n = r.u32(); n > 0; n--) st.emits.set(r.f64(), r.u32());
    this.keys.set(key, st);
    this.readings += st.ts.length;
    if (st.pending.size > 0) this.pendingKeys.add(key);
  }
}
