// Network delivery of simulated readings: random delay, late and duplicate sends, sensor dropouts; hands readings out in arrival order.
import { doubledCapacity } from '../typed-arrays.js';
import type { Quality, Reading } from '../telemetry/index.js';
import type { DisorderOptions } from './options.js';
import type { Rng } from '../random.js';

const DELAY_BITS = 10;
const DELAY_CELLS = 1 << DELAY_BITS;

/** Readings with a long delay wait in a min-heap keyed by (arrival, send order); they are rare. */
class LateHeap {
  private arrival: number[] = [];
  private seq: number[] = [];
  private items: Reading[] = [];

  get size(): number {
    return this.items.length;
  }

  peekArrival(): number {
    return this.items.length > 0 ? this.arrival[0] : Infinity;
  }

  private less(i: number, j: number): boolean {
    return this.arrival[i] < this.arrival[j] || (this.arrival[i] === this.arrival[j] && this.seq[i] < this.seq[j]);
  }

  private swap(i: number, j: number): void {
    [this.arrival[i], this.arrival[j]] = [this.arrival[j], this.arrival[i]];
    [this.seq[i], this.seq[j]] = [this.seq[j], this.seq[i]];
    [this.items[i], this.items[j]] = [this.items[j], this.items[i]];
  }

  push(arrival: number, seq: number, r: Reading): void {
    let i = this.items.length;
    this.arrival.push(arrival);
    this.seq.push(seq);
    this.items.push(r);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  pop(): Reading {
    const top = this.items[0];
    const last = this.items.length - 1;
    this.swap(0, last);
    this.arrival.pop();
    this.seq.pop();
    this.items.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < last && this.less(l, m)) m = l;
      if (r < last && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }
}

export class Delivery {
  /** Set per report by `beginReport`: a sensor in a dropout sends nothing. */
  muted = false;
  /** Counters of what the disorder did, for tests and the demo's status line. */
  readonly stats = { sent: 0, late: 0, duplicates: 0, dropouts: 0, silenced: 0 };

  private readonly delayTable: Float64Array;
  private ring: Reading[][] = [];
  private mask = 0;
  private readonly late = new LateHeap();
  private readonly lateThreshold: number;
  private silentUntil = new Float64Array(0);
  private seq = 0;
  /** Readings waiting in the ring; when none, draining skips straight to the next late arrival. */
  private pending = 0;
  /** Every reading arriving before this time has been handed out; NaN until `start`. */
  private cursor = NaN;

  constructor(
    private readonly rng: Rng,
    private readonly o: DisorderOptions,
  ) {
    this.delayTable = new Float64Array(DELAY_CELLS);
    for (let i = 0; i < DELAY_CELLS; i++) {
      this.delayTable[i] = Math.min(o.maxDelayMs, Math.round(-o.meanDelayMs * Math.log(1 - (i + 0.5) / DELAY_CELLS)));
    }
    this.lateThreshold = o.lateProbability * 2 ** 22;
  }

  get started(): boolean {
    return !Number.isNaN(this.cursor);
  }

  /** Starts delivery at `startMs` for `sensors` sensors generated in blocks of at most `blockMs`. */
  start(startMs: number, sensors: number, blockMs: number): void {
    const size = doubledCapacity(1, blockMs + this.o.maxDelayMs + 2);
    this.ring = Array.from({ length: size }, () => []);
    this.mask = size - 1;
    this.silentUntil = new Float64Array(sensors);
    this.cursor = startMs;
  }

  get cursorMs(): number {
    return this.cursor;
  }

  /** Decides whether sensor `g` reports at `ts` or is silent (in a dropout, possibly starting now). */
  beginReport(g: number, ts: number): void {
    if (ts < this.silentUntil[g]) {
      this.muted = true;
      this.stats.silenced++;
      return;
    }
    if (this.o.dropoutProbability > 0 && this.rng.float() < this.o.dropoutProbability) {
      this.silentUntil[g] = ts + this.rng.range(this.o.dropoutMinMs, this.o.dropoutMaxMs);
      this.muted = true;
      this.stats.dropouts++;
      this.stats.silenced++;
      return;
    }
    this.muted = false;
  }

  emit(sensor: string, metric: string, ts: number, value: number, quality: Quality | undefined): void {
    if (this.muted) return;
    this.send({ sensor, metric, ts, value, quality });
    if (this.o.duplicateProbability > 0 && this.rng.float() < this.o.duplicateProbability) {
      this.stats.duplicates++;
      this.send({ sensor, metric, ts, value, quality });
    }
  }

  private send(r: Reading): void {
    this.stats.sent++;
    const u = this.rng.u32();
    if (u >>> DELAY_BITS < this.lateThreshold) {
      this.stats.late++;
      this.late.push(r.ts + Math.round(this.rng.range(this.o.lateMinMs, this.o.lateMaxMs)), this.seq++, r);
      return;
    }
    this.ring[(r.ts + this.delayTable[u & (DELAY_CELLS - 1)]) & this.mask].push(r);
    this.pending++;
  }

  /**
   * Hands out every reading arriving before `untilMs` in arrival order (into `out`, or dropped when `out` is null).
   * The caller must have generated every event before `untilMs`, and must not generate more than one block ahead of it.
   */
  drain(untilMs: number, out: Reading[] | null): void {
    for (let t = this.cursor; t < untilMs; t++) {
      if (this.pending === 0) {
        t = Math.min(untilMs, Math.max(t, this.late.peekArrival()));
        if (t >= untilMs) break;
      }
      while (this.late.size > 0 && this.late.peekArrival() <= t) {
        const r = this.late.pop();
        if (out) out.push(r);
      }
      const slot = this.ring[t & this.mask];
      if (slot.length === 0) continue;
      if (out) for (let i = 0; i < slot.length; i++) out.push(slot[i]);
      this.pending -= slot.length;
      slot.length = 0;
    }
    if (untilMs > this.cursor) this.cursor = untilMs;
  }
}
