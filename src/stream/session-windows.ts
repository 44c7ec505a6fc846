// Session windows: per key, readings closer than the gap merge into one window [first ts, last ts + gap).
import type { AggregateName } from './aggregates.js';
import type { ChangeSet } from './changes.js';
import type { EmitBuffer } from './emit-buffer.js';
import type { WindowOperator } from './operator.js';
import { WindowOperatorBase } from './operator-base.js';
import type { StateReader, StateWriter } from './state-codec.js';

interface Session {
  start: number;
  end: number;
  slot: number;
  emits: number;
  dirty: boolean;
}

export class SessionWindowOperator extends WindowOperatorBase implements WindowOperator {
  private readonly sessions = new Map<number, Session[]>();

  constructor(
    aggregates: readonly AggregateName[],
    private readonly gapMs: number,
    latenessMs: number,
    changes?: ChangeSet,
  ) {
    super(aggregates, latenessMs, changes, 64);
  }

  get activeWindows(): number {
    return this.store.liveSlots;
  }

  add(key: number, ts: number, value: number): boolean {
    let list = this.sessions.get(key);
    let start = ts;
    let end = ts + this.gapMs;
    const overlapping: Session[] = [];
    if (list) {
      for (const s of list) {
        if (s.start < ts + this.gapMs && ts < s.end) {
          overlapping.push(s);
          if (s.start < start) start = s.start;
          if (s.end > end) end = s.end;
        }
      }
    }
    if (end - 1 + this.latenessMs <= this.watermark) return false;
    if (!list) {
      list = [];
      this.sessions.set(key, list);
    }
    let target: Session;
    if (overlapping.length === 0) {
      target = { start, end, slot: this.store.alloc(), emits: 0, dirty: false };
      list.push(target);
      list.sort((a, b) => a.start - b.start);
    } else {
      // Merge in start order so the accumulator folds the same way wherever the key is processed.
      target = overlapping[0];
      for (let i = 1; i < overlapping.length; i++) {
        const s = overlapping[i];
        this.store.merge(target.slot, s.slot);
        this.store.free(s.slot);
        target.emits = Math.max(target.emits, s.emits);
        list.splice(list.indexOf(s), 1);
      }
      target.start = start;
      target.end = end;
    }
    this.store.add(target.slot, ts, value);
    target.dirty = true;
    this.changes?.touch(key);
    if (target.end - 1 < this.nextDue) this.nextDue = target.end - 1;
    return true;
  }

  advance(out: EmitBuffer): void {
    const w = this.watermark;
    for (const [key, list] of this.sessions) {
      for (let i = 0; i < list.length; i++) {
        const s = list[i];
        if (s.end - 1 > w) continue;
        this.changes?.touch(key);
        if (s.dirty) {
          s.dirty = false;
          this.emitSlot(out, s.slot, key, s.start, s.end, s.emits++);
        }
        if (s.end - 1 + this.latenessMs <= w) {
          this.store.free(s.slot);
          list.splice(i--, 1);
        }
      }
      if (list.length === 0) this.sessions.delete(key);
    }
    this.restored();
  }

  /** Recomputes when `advance` next has work: a session to emit, or one to drop. */
  restored(): void {
    let next = Infinity;
    for (const list of this.sessions.values())
      for (const s of list) next = Math.min(next, s.dirty ? s.end - 1 : s.end - 1 + this.latenessMs);
    this.nextDue = next;
  }

  writeKey(key: number, w: StateWriter): boolean {
    const list = this.sessions.get(key);
    if (!list) return false;
    w.u32(list.length);
    for (const s of list) {
      w.f64(s.start);
      w.f64(s.end);
      w.u32(s.emits);
      w.u8(s.dirty ? 1 : 0);
      this.store.writeSlot(s.slot, w);
    }
    return true;
  }

  readKey(key: number, r: StateReader): void {
    const list: Session[] = [];
    for (let n = r.u32(); n > 0; n--) {
      const start = r.f64();
      const end = r.f64();
      const emits = r.u32();
      const dirty = r.u8() === 1;
      list.push({ start, end, emits, dirty, slot: this.store.readSlot(r) });
    }
    if (list.length > 0) this.sessions.set(key, list);
  }
}
