// Tumbling and hopping windows: boundaries aligned for all keys, so a window is one group of per-key slots.
import { resized } from '../typed-arrays.js';
import type { AggregateName } from './aggregates.js';
import type { ChangeSet } from './changes.js';
import type { EmitBuffer } from './emit-buffer.js';
import type { WindowOperator } from './operator.js';
import { WindowOperatorBase } from './operator-base.js';
import type { StateReader, StateWriter } from './state-codec.js';

const FIRED = 1;
const DIRTY = 2;

interface WindowGroup {
  start: number;
  end: number;
  /** Dense key -> slot table (-1: no slot); keys are small integers from the sensor catalog. */
  slotOfKey: Int32Array;
  keys: number[];
  fired: boolean;
  dirty: number[];
}

export class AlignedWindowOperator extends WindowOperatorBase implements WindowOperator {
  private readonly groups = new Map<number, WindowGroup>();
  /** Revisions emitted so far per slot, grown with the store's slots. */
  private emits = new Int32Array(1024);
  private readonly dirtyFlag: Uint8Array[] = [];
  private lastGroup: WindowGroup | undefined;

  constructor(
    aggregates: readonly AggregateName[],
    private readonly sizeMs: number,
    private readonly slideMs: number,
    private readonly offsetMs: number,
    latenessMs: number,
    private readonly keyCount: number,
    changes?: ChangeSet,
  ) {
    super(aggregates, latenessMs, changes, 1024);
  }

  get activeWindows(): number {
    return this.store.liveSlots;
  }

  get stateBytes(): number {
    let n = this.store.bytes;
    for (const g of this.groups.values()) n += g.slotOfKey.byteLength + g.keys.length * 8;
    return n;
  }

  add(key: number, ts: number, value: number): boolean {
    const slide = this.slideMs;
    let start = Math.floor((ts - this.offsetMs) / slide) * slide + this.offsetMs;
    let accepted = false;
    for (; start + this.sizeMs > ts; start -= slide) {
      const end = start + this.sizeMs;
      if (end - 1 + this.latenessMs <= this.watermark) break;
      const group = this.group(start);
      let slot = group.slotOfKey[key];
      if (slot < 0) {
        slot = this.store.alloc();
        if (slot >= this.emits.length) this.growEmits(slot);
        group.slotOfKey[key] = slot;
        group.keys.push(key);
        this.emits[slot] = 0;
      }
      this.store.add(slot, ts, value);
      // A window that already fired is revised at the next watermark step (a new slot there emits revision 0).
      if (group.fired) this.markDirty(group, slot, key);
      accepted = true;
    }
    if (accepted) this.changes?.touch(key);
    return accepted;
  }

  private growEmits(slot: number): void {
    this.emits = resized(this.emits, Math.max(slot + 1, this.emits.length * 2));
  }

  private markDirty(group: WindowGroup, slot: number, key: number): void {
    const page = slot >>> 16;
    let flags = this.dirtyFlag[page];
    if (!flags) flags = this.dirtyFlag[page] = new Uint8Array(65536);
    if (flags[slot & 0xffff]) return;
    flags[slot & 0xffff] = 1;
    group.dirty.push(key);
    if (group.end - 1 < this.nextDue) this.nextDue = group.end - 1;
  }

  private group(start: number): WindowGroup {
    const last = this.lastGroup;
    if (last && last.start === start) return last;
    let g = this.groups.get(start);
    if (!g) {
      g = {
        start,
        end: start + this.sizeMs,
        slotOfKey: new Int32Array(this.keyCount).fill(-1),
        keys: [],
        fired: false,
        dirty: [],
      };
      this.groups.set(start, g);
      if (g.end - 1 < this.nextDue) this.nextDue = g.end - 1;
    }
    this.lastGroup = g;
    return g;
  }

  advance(out: EmitBuffer): void {
    const w = this.watermark;
    const due = [...this.groups.values()].filter((g) => g.end - 1 <= w).sort((a, b) => a.start - b.start);
    for (const g of due) {
      if (!g.fired) {
        g.fired = true;
        for (const key of g.keys) this.emit(g, key, out);
        g.dirty = [];
      } else if (g.dirty.length > 0) {
        for (const key of g.dirty) this.emit(g, key, out);
        g.dirty = [];
      }
      if (g.end - 1 + this.latenessMs <= w) this.purge(g);
    }
    this.restored();
  }

  /** Recomputes when `advance` next has work: a window to fire or revise, or one to drop. */
  restored(): void {
    let next = Infinity;
    for (const g of this.groups.values())
      next = Math.min(next, g.fired && g.dirty.length === 0 ? g.end - 1 + this.latenessMs : g.end - 1);
    this.nextDue = next;
  }

  writeKey(key: number, w: StateWriter): boolean {
    let n = 0;
    for (const g of this.groups.values()) if (g.slotOfKey[key] >= 0) n++;
    if (n === 0) return false;
    w.u32(n);
    for (const g of this.groups.values()) {
      const slot = g.slotOfKey[key];
      if (slot < 0) continue;
      const flags = this.dirtyFlag[slot >>> 16];
      w.f64(g.start);
      w.u8((g.fired ? FIRED : 0) | (flags && flags[slot & 0xffff] ? DIRTY : 0));
      w.u32(this.emits[slot]);
      this.store.writeSlot(slot, w);
    }
    return true;
  }

  readKey(key: number, r: StateReader): void {
    for (let n = r.u32(); n > 0; n--) {
      const start = r.f64();
      const flags = r.u8();
      const emits = r.u32();
      const group = this.group(start);
      group.fired = (flags & FIRED) !== 0;
      const slot = this.store.readSlot(r);
      group.slotOfKey[key] = slot;
      group.keys.push(key);
      this.emits[slot] = emits;
      if (flags & DIRTY) this.markDirty(group, slot, key);
    }
  }

  private emit(g: WindowGroup, key: number, out: EmitBuffer): void {
    const slot = g.slotOfKey[key];
    const flags = this.dirtyFlag[slot >>> 16];
    if (flags) flags[slot & 0xffff] = 0;
    this.changes?.touch(key);
    this.emitSlot(out, slot, key, g.start, g.end, this.emits[slot]++);
  }

  private purge(g: WindowGroup): void {
    for (const key of g.keys) {
      this.store.free(g.slotOfKey[key]);
      this.changes?.touch(key);
    }
    this.groups.delete(g.start);
    if (this.lastGroup === g) this.lastGroup = undefined;
  }
}
