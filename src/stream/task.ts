// The unit of work sent to a stream worker: a column-wise run of keyed readings with watermark steps.
import { resized } from '../typed-arrays.js';
import { resultBuffers, type WindowResultColumns } from './emit-buffer.js';

export interface WorkerTask {
  /** Which operator state of the worker the task feeds (one per engine sharing the worker threads). */
  state: number;
  length: number;
  op: Uint8Array;
  key: Uint32Array;
  ts: Float64Array;
  value: Float64Array;
  /** Watermark steps: before reading markerPos[i] is processed, the watermark advances to markerW[i]. */
  markerCount: number;
  markerPos: Uint32Array;
  markerW: Float64Array;
}

/**
 * Window state of some keys, as restored: record i is operator op[i], key key[i], with the bytes
 * bytes[offset[i], offset[i + 1]); an empty range is a key that holds no state. `live[i]` is 1 where the
 * state log holds a key record of it (see state-log.ts).
 */
export interface StateRecords {
  count: number;
  op: Uint8Array;
  key: Uint32Array;
  offset: Uint32Array;
  bytes: Uint8Array;
  live?: Uint8Array;
}

/** Records split by worker lane (`laneOf(i)` for record i), each lane's in a buffer of its own. */
export function splitRecords(r: StateRecords, lanes: number, laneOf: (i: number) => number): StateRecords[] {
  const of = new Uint32Array(r.count);
  const counts = new Array<number>(lanes).fill(0);
  const sizes = new Array<number>(lanes).fill(0);
  for (let i = 0; i < r.count; i++) {
    of[i] = laneOf(i);
    counts[of[i]]++;
    sizes[of[i]] += r.offset[i + 1] - r.offset[i];
  }
  const out = counts.map((n, lane): StateRecords => ({
    count: 0,
    op: new Uint8Array(n),
    key: new Uint32Array(n),
    offset: new Uint32Array(n + 1),
    bytes: new Uint8Array(sizes[lane]),
    live: new Uint8Array(n),
  }));
  for (let i = 0; i < r.count; i++) {
    const o = out[of[i]];
    const k = o.count++;
    o.op[k] = r.op[i];
    o.key[k] = r.key[i];
    o.live![k] = r.live?.[i] ?? 0;
    const start = o.offset[k];
    o.bytes.set(r.bytes.subarray(r.offset[i], r.offset[i + 1]), start);
    o.offset[k + 1] = start + r.offset[i + 1] - r.offset[i];
  }
  return out;
}

export function stateRecordsTransferList(r: StateRecords): ArrayBuffer[] {
  return [r.op, r.key, r.offset, r.bytes, ...(r.live ? [r.live] : [])].map((a) => a.buffer as ArrayBuffer);
}

export interface LateReadings {
  op: Uint8Array;
  key: Float64Array;
  ts: Float64Array;
  value: Float64Array;
}

export interface WorkerReply {
  results: WindowResultColumns[];
  late: LateReadings;
  activeWindows: number;
}

/** Growable column buffer the router fills for one worker; `take` hands the columns over for transfer. */
export class TaskBuilder {
  length = 0;
  markerCount = 0;
  private op: Uint8Array;
  private key: Uint32Array;
  private ts: Float64Array;
  private value: Float64Array;
  private markerPos: Uint32Array;
  private markerW: Float64Array;

  constructor(
    private readonly capacity: number,
    private readonly state = 0,
  ) {
    this.op = new Uint8Array(capacity);
    this.key = new Uint32Array(capacity);
    this.ts = new Float64Array(capacity);
    this.value = new Float64Array(capacity);
    this.markerPos = new Uint32Array(64);
    this.markerW = new Float64Array(64);
  }

  get full(): boolean {
    return this.length >= this.capacity;
  }

  push(op: number, key: number, ts: number, value: number): void {
    // `capacity` is when to send; one reading fanned out to several operators may pass it before the send.
    if (this.length === this.op.length) this.grow();
    const i = this.length++;
    this.op[i] = op;
    this.key[i] = key;
    this.ts[i] = ts;
    this.value[i] = value;
  }

  private grow(): void {
    const n = this.op.length * 2;
    this.op = resized(this.op, n);
    this.key = resized(this.key, n);
    this.ts = resized(this.ts, n);
    this.value = resized(this.value, n);
  }

  mark(watermark: number): void {
    const n = this.markerCount;
    if (n > 0 && this.markerPos[n - 1] === this.length) {
      this.markerW[n - 1] = watermark;
      return;
    }
    if (n === this.markerPos.length) {
      this.markerPos = resized(this.markerPos, n * 2);
      this.markerW = resized(this.markerW, n * 2);
    }
    this.markerPos[n] = this.length;
    this.markerW[n] = watermark;
    this.markerCount = n + 1;
  }

  take(): WorkerTask {
    const n = this.length;
    const task: WorkerTask = {
      state: this.state,
      length: n,
      op: this.op.slice(0, n),
      key: this.key.slice(0, n),
      ts: this.ts.slice(0, n),
      value: this.value.slice(0, n),
      markerCount: this.markerCount,
      markerPos: this.markerPos.slice(0, this.markerCount),
      markerW: this.markerW.slice(0, this.markerCount),
    };
    this.length = 0;
    this.markerCount = 0;
    return task;
  }
}

/** The worker lane of a key: fixed for the life of an engine, so a key's readings stay in order. */
export function laneOfKey(key: number, lanes: number): number {
  return lanes === 1 ? 0 : (Math.imul(key, 0x9e3779b1) >>> 0) % lanes;
}

export function taskTransferList(task: WorkerTask): ArrayBuffer[] {
  return [task.op, task.key, task.ts, task.value, task.markerPos, task.markerW].map((a) => a.buffer as ArrayBuffer);
}

export function replyTransferList(reply: WorkerReply): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const cols of reply.results) out.push(...resultBuffers(cols));
  const late = reply.late;
  for (const a of [late.op, late.key, late.ts, late.value]) if (a.byteLength > 0) out.push(a.buffer as ArrayBuffer);
  return out;
}
