// The log of checkpointed window state: the entries a checkpoint writes, their value formats, and the in-order
// replay that turns a (compacted) log back into each key's state.
//
// Two kinds of record share the log, each superseding whatever came before it for the keys it covers:
// - a key record: one key's state (possibly empty), written when few keys of its bucket changed;
// - a bucket record: the complete state of every key of a bucket (a key it does not list holds nothing),
//   written when most of a bucket changed. A bucket record with no key is a tombstone.
// When a bucket record is written, the key records of its keys are tombstoned in the same checkpoint, so a
// compacted log keeps at most one record per bucket plus one per key changed since. Key tombstones carry no
// state: the bucket record written with them already holds their keys.
import { configError } from '../errors.js';
import { StateReader } from './state-codec.js';
import { bucketMembers, bucketsOf, type BucketMembers, type StateLayout } from './state-layout.js';
import type { StateRecords } from './task.js';

export const ENTRY_KEY = 1;
export const ENTRY_KEY_TOMBSTONE = 2;
export const ENTRY_BUCKET = 3;
export const ENTRY_BUCKET_TOMBSTONE = 4;

/** First byte of every key and bucket record value: the layout below. */
export const STATE_FORMAT = 1;

/**
 * What a checkpoint writes: entry i is of `kind[i]` for operator op[i], id[i] a key (key entries) or a bucket
 * (bucket entries), with the value bytes[offset[i], offset[i + 1]) (empty for tombstones).
 * Key value: u8 format, then the key's state (none: the key holds nothing).
 * Bucket value: u8 format, u32 count, then per key: u16 name length, UTF-8 entity name, u32 state length, state.
 */
export interface StateEntries {
  count: number;
  kind: Uint8Array;
  op: Uint8Array;
  id: Uint32Array;
  offset: Uint32Array;
  bytes: Uint8Array;
}

export function stateEntriesTransferList(e: StateEntries): ArrayBuffer[] {
  return [e.kind, e.op, e.id, e.offset, e.bytes].map((a) => a.buffer as ArrayBuffer);
}

export const NO_ENTRIES: StateEntries = {
  count: 0,
  kind: new Uint8Array(0),
  op: new Uint8Array(0),
  id: new Uint32Array(0),
  offset: new Uint32Array(1),
  bytes: new Uint8Array(0),
};

export function concatEntries(parts: readonly StateEntries[]): StateEntries {
  if (parts.length === 1) return parts[0];
  const count = parts.reduce((n, p) => n + p.count, 0);
  const out: StateEntries = {
    count,
    kind: new Uint8Array(count),
    op: new Uint8Array(count),
    id: new Uint32Array(count),
    offset: new Uint32Array(count + 1),
    bytes: new Uint8Array(parts.reduce((n, p) => n + p.bytes.length, 0)),
  };
  let i = 0;
  let base = 0;
  for (const p of parts) {
    out.kind.set(p.kind, i);
    out.op.set(p.op, i);
    out.id.set(p.id, i);
    for (let j = 0; j < p.count; j++) out.offset[i + j + 1] = base + p.offset[j + 1];
    out.bytes.set(p.bytes, base);
    base += p.bytes.length;
    i += p.count;
  }
  return out;
}

/** A live bucket record written under another bucket count than the current layout's. */
export interface StaleBucket {
  op: number;
  buckets: number;
  bucket: number;
}

export interface ReplayedState {
  /** Each key's state; `live[i]` is 1 where the key has a key record in the log (possibly an empty one). */
  records: StateRecords;
  /** Keys holding state. */
  keys: number;
  /** Buckets of an older layout: their keys must all be rewritten, and the old records tombstoned first. */
  staleBuckets: StaleBucket[];
}

const decoder = new TextDecoder();

/**
 * Replays a log in offset order. A compacted log gives the same result as the full one: compaction only drops
 * a record that a later record of the same key supersedes, and every record supersedes all it covers.
 */
export class StateReplay {
  private readonly state: Map<number, Uint8Array>[];
  private readonly live: Set<number>[];
  private readonly members = new Map<string, BucketMembers>();
  private readonly stale = new Map<string, StaleBucket>();

  /** `resolve` maps an operator's entity name to its key, throwing a clear error for one the city lacks. */
  constructor(
    private readonly layout: StateLayout,
    private readonly resolve: (op: number, entity: string) => number,
  ) {
    this.state = layout.bucketCount.map(() => new Map());
    this.live = layout.bucketCount.map(() => new Set());
  }

  /** A key record; null is its tombstone. */
  key(op: number, key: number, value: Uint8Array | null): void {
    if (value === null) {
      this.live[op].delete(key);
      return;
    }
    if (value.length === 0 || value[0] !== STATE_FORMAT) throw formatError(`key record of operator #${op}`, value);
    this.live[op].add(key);
    if (value.length > 1) this.state[op].set(key, value.subarray(1));
    else this.state[op].delete(key);
  }

  /** A bucket record under a layout of `buckets` buckets; null is its tombstone. */
  bucket(op: number, buckets: number, bucket: number, value: Uint8Array | null): void {
    if (
      !Number.isInteger(buckets) ||
      buckets < 1 ||
      (buckets & (buckets - 1)) !== 0 ||
      buckets > 1 << 16 ||
      !(bucket >= 0 && bucket < buckets)
    ) {
      throw configError(
        `changelog bucket ${bucket} of ${buckets} is not a valid bucket (corrupt changelog key); start under a new group id`,
      );
    }
    const m = this.membersOf(op, buckets);
    const state = this.state[op];
    const live = this.live[op];
    for (let i = m.start[bucket]; i < m.start[bucket + 1]; i++) {
      state.delete(m.keys[i]);
      live.delete(m.keys[i]);
    }
    const id = `${op}/${buckets}/${bucket}`;
    if (buckets !== this.layout.bucketCount[op] && value !== null) this.stale.set(id, { op, buckets, bucket });
    else this.stale.delete(id);
    if (value === null) return;
    const r = new StateReader(value);
    if (value.length < 5 || r.u8() !== STATE_FORMAT)
      throw formatError(`bucket record ${bucket} of operator #${op}`, value);
    for (let n = r.u32(); n > 0; n--) {
      const name = decoder.decode(r.raw(r.u16()));
      const key = this.resolve(op, name);
      const bytes = r.raw(r.u32());
      if (bytes.length > 0) state.set(key, bytes);
    }
    if (!r.done) throw formatError(`bucket record ${bucket} of operator #${op}`, value);
  }

  result(): ReplayedState {
    const rows: [number, number, Uint8Array | undefined, boolean][] = [];
    let keys = 0;
    let size = 0;
    this.state.forEach((state, op) => {
      for (const [key, bytes] of state) {
        rows.push([op, key, bytes, this.live[op].has(key)]);
        size += bytes.length;
        keys++;
      }
      for (const key of this.live[op]) if (!state.has(key)) rows.push([op, key, undefined, true]);
    });
    const n = rows.length;
    const records: StateRecords = {
      count: n,
      op: new Uint8Array(n),
      key: new Uint32Array(n),
      offset: new Uint32Array(n + 1),
      bytes: new Uint8Array(size),
      live: new Uint8Array(n),
    };
    rows.forEach(([op, key, bytes, live], i) => {
      records.op[i] = op;
      records.key[i] = key;
      records.live![i] = live ? 1 : 0;
      if (bytes) records.bytes.set(bytes, records.offset[i]);
      records.offset[i + 1] = records.offset[i] + (bytes?.length ?? 0);
    });
    return { records, keys, staleBuckets: [...this.stale.values()] };
  }

  private membersOf(op: number, buckets: number): BucketMembers {
    const id = `${op}/${buckets}`;
    let m = this.members.get(id);
    if (!m) {
      const of =
        buckets === this.layout.bucketCount[op] ? this.layout.bucketOf[op] : bucketsOf(this.layout.names[op], buckets);
      this.members.set(id, (m = bucketMembers(of, buckets)));
    }
    return m;
  }
}

function formatError(what: string, value: Uint8Array): Error {
  return configError(
    `the ${what} is not in a window state format this version reads (${value.length} bytes, format byte ${value[0] ?? 'none'}); start under a new group id`,
  );
}
