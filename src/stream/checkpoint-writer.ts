// Writes a checkpoint of the keys that changed: a bucket record where at least half of a bucket's keys changed
// (a dense update: few large records), key records elsewhere (a sparse one: no key is written unchanged).
import type { WindowOperator } from './operator.js';
import { StateWriter } from './state-codec.js';
import {
  ENTRY_BUCKET,
  ENTRY_BUCKET_TOMBSTONE,
  ENTRY_KEY,
  ENTRY_KEY_TOMBSTONE,
  STATE_FORMAT,
  type StateEntries,
} from './state-log.js';
import type { StateLayout } from './state-layout.js';
import type { StateRecords } from './task.js';

/** A bucket record larger than this is written as key records instead (brokers refuse messages over ~1 MB). */
export const MAX_BUCKET_BYTES = 512 * 1024;

/** The keys of one operator this worker state has held, per bucket, and which of them have a live key record. */
class OperatorBuckets {
  readonly member: Uint8Array;
  readonly members: (number[] | undefined)[];
  readonly keyRecord: Uint8Array;
  readonly changedIn: Uint32Array;
  /** Keys to write at the next checkpoint whether or not they changed (state restored from an older layout). */
  forced: number[] = [];

  constructor(
    keyCount: number,
    buckets: number,
    readonly bucketOf: Uint32Array,
  ) {
    this.member = new Uint8Array(keyCount);
    this.members = new Array(buckets);
    this.keyRecord = new Uint8Array(keyCount);
    this.changedIn = new Uint32Array(buckets);
  }

  join(key: number): void {
    if (this.member[key] === 1) return;
    this.member[key] = 1;
    const b = this.bucketOf[key];
    (this.members[b] ??= []).push(key);
  }
}

class EntryList {
  kind: number[] = [];
  op: number[] = [];
  id: number[] = [];
  offset: number[] = [0];

  push(kind: number, op: number, id: number, end: number): void {
    this.kind.push(kind);
    this.op.push(op);
    this.id.push(id);
    this.offset.push(end);
  }
}

export class CheckpointWriter {
  private readonly ops: OperatorBuckets[];

  constructor(
    private readonly layout: StateLayout,
    keyCounts: readonly number[],
  ) {
    this.ops = keyCounts.map((n, i) => new OperatorBuckets(n, layout.bucketCount[i], layout.bucketOf[i]));
  }

  /** A restored key: it belongs to this state, and `keyRecord` says whether the log holds a key record of it. */
  restored(op: number, key: number, keyRecord: boolean, rewrite: boolean): void {
    const o = this.ops[op];
    o.join(key);
    o.keyRecord[key] = keyRecord ? 1 : 0;
    if (rewrite) o.forced.push(key);
  }

  write(operators: readonly WindowOperator[]): StateEntries {
    const w = new StateWriter();
    const list = new EntryList();
    operators.forEach((operator, op) => {
      const o = this.ops[op];
      let changed: ArrayLike<number> = operator.takeChanges();
      if (o.forced.length > 0) {
        changed = [...Array.from(changed), ...o.forced];
        o.forced = [];
      }
      if (changed.length > 0) this.writeOperator(op, operator, o, changed, w, list);
    });
    const n = list.kind.length;
    return {
      count: n,
      kind: Uint8Array.from(list.kind),
      op: Uint8Array.from(list.op),
      id: Uint32Array.from(list.id),
      offset: Uint32Array.from(list.offset),
      bytes: w.bytes(),
    };
  }

  private writeOperator(
    op: number,
    operator: WindowOperator,
    o: OperatorBuckets,
    changed: ArrayLike<number>,
    w: StateWriter,
    list: EntryList,
  ): void {
    const touched: number[] = [];
    for (let i = 0; i < changed.length; i++) {
      const key = changed[i];
      o.join(key);
      const b = o.bucketOf[key];
      if (o.changedIn[b]++ === 0) touched.push(b);
    }
    for (const b of touched) {
      const members = o.members[b]!;
      // A forced key may be listed twice; more changes than members is still "the whole bucket".
      if (o.changedIn[b] * 2 >= members.length && this.writeBucket(op, b, operator, o, w, list)) o.changedIn[b] = 0;
    }
    for (let i = 0; i < changed.length; i++) {
      const key = changed[i];
      const b = o.bucketOf[key];
      if (o.changedIn[b] === 0 || o.keyRecord[key] === 2) continue;
      w.u8(STATE_FORMAT);
      operator.writeKey(key, w);
      list.push(ENTRY_KEY, op, key, w.length);
      // 2 marks "written in this checkpoint" (a forced key may also have changed); it is live from now on.
      o.keyRecord[key] = 2;
    }
    for (let i = 0; i < changed.length; i++) {
      const key = changed[i];
      if (o.keyRecord[key] === 2) o.keyRecord[key] = 1;
      o.changedIn[o.bucketOf[key]] = 0;
    }
  }

  /** The bucket's complete state as one record (or its tombstone); false when too large for one record. */
  private writeBucket(
    op: number,
    b: number,
    operator: WindowOperator,
    o: OperatorBuckets,
    w: StateWriter,
    list: EntryList,
  ): boolean {
    const names = this.layout.names[op];
    const members = o.members[b]!;
    const start = w.length;
    w.u8(STATE_FORMAT);
    w.u32(0);
    const holding: number[] = [];
    for (const key of members) {
      const entry = w.length;
      w.u16(names.offset[key + 1] - names.offset[key]);
      w.raw(names.bytes, names.offset[key], names.offset[key + 1]);
      const lengthAt = w.length;
      w.u32(0);
      if (operator.writeKey(key, w)) {
        w.setU32(lengthAt, w.length - lengthAt - 4);
        holding.push(key);
      } else w.truncate(entry);
    }
    if (w.length - start > MAX_BUCKET_BYTES) {
      w.truncate(start);
      return false;
    }
    if (holding.length === 0) {
      w.truncate(start);
      list.push(ENTRY_BUCKET_TOMBSTONE, op, b, w.length);
    } else {
      w.setU32(start + 1, holding.length);
      list.push(ENTRY_BUCKET, op, b, w.length);
    }
    for (const key of members) {
      if (o.keyRecord[key] !== 0) list.push(ENTRY_KEY_TOMBSTONE, op, key, w.length);
      o.keyRecord[key] = 0;
      o.member[key] = 0;
    }
    for (const key of holding) o.member[key] = 1;
    o.members[b] = holding.length > 0 ? holding : undefined;
    return true;
  }
}

/** Restored records of one worker lane: membership and key-record flags for the writer. */
export function restoreMembership(writer: CheckpointWriter, records: StateRecords, rewrite: boolean): void {
  for (let i = 0; i < records.count; i++) {
    const holds = records.offset[i + 1] > records.offset[i];
    const keyRecord = records.live?.[i] === 1;
    if (holds || keyRecord) writer.restored(records.op[i], records.key[i], keyRecord, rewrite);
  }
}
