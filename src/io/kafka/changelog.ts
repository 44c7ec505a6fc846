// The changelog of the window state store: bucket records (the complete state of a bucket of keys) and key
// records (one key) as src/stream/state-log.ts defines them, plus one meta record per partition with the input
// offset and watermark the state belongs to.
import { decode, encode } from '@msgpack/msgpack';
import { configError } from '../../errors.js';
import type { EngineCheckpoint, EngineRestore } from '../../stream/engine.js';
import type { OperatorSpec } from '../../stream/index.js';
import { ENTRY_BUCKET, ENTRY_BUCKET_TOMBSTONE, ENTRY_KEY, StateReplay } from '../../stream/state-log.js';
import type { StateLayout } from '../../stream/state-layout.js';
import type { WatermarkState } from '../../stream/watermark.js';
import type { SensorCatalog } from '../../telemetry/index.js';
import { consume, type KafkaConsumer, type Message } from './rdkafka.js';

export const META_KEY = 'meta';
const KEY_PREFIX = 'k/';
const BUCKET_PREFIX = 'b/';

export interface PartitionMeta {
  /** Next input offset to process: the one committed with this state in the same transaction. */
  offset: number;
  watermark: WatermarkState;
  /** Each operator's declaration when its state was written; state of a changed declaration cannot be read. */
  operators: Record<string, string>;
}

export function operatorFingerprints(operators: readonly OperatorSpec[]): Record<string, string> {
  return Object.fromEntries(
    operators.map((o) => [o.name, JSON.stringify([o.metric, o.keyBy, o.window, o.aggregates, o.allowedLatenessMs])]),
  );
}

export function encodeMeta(meta: PartitionMeta): Buffer {
  const bytes = encode(meta);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Changelog keys: `k/<operator>/<entity>` for a key record, `b/<operator>/<buckets>/<bucket>` for a bucket
 * record (the bucket count in the key, so a record of another layout is recognised), and `meta`.
 */
export class ChangelogKeys {
  private readonly opIndex: Map<string, number>;
  private readonly keyIndex: Map<string, number>[];
  private readonly names: string[][];
  /** Keys built once: a checkpoint writes many of them every commit. */
  private readonly keyKeys: (string | undefined)[][];
  private readonly bucketKeys: (string | undefined)[][];

  constructor(
    catalog: SensorCatalog,
    private readonly operators: readonly OperatorSpec[],
    private readonly layout: StateLayout,
  ) {
    this.opIndex = new Map(operators.map((o, i) => [o.name, i]));
    this.names = operators.map((o) => catalog.groupings.get(o.keyBy)!.keys);
    this.keyIndex = this.names.map((keys) => new Map(keys.map((k, i) => [k, i])));
    this.keyKeys = this.names.map(() => []);
    this.bucketKeys = this.names.map(() => []);
  }

  key(op: number, key: number): string {
    return (this.keyKeys[op][key] ??= `${KEY_PREFIX}${this.operators[op].name}/${this.names[op][key]}`);
  }

  bucket(op: number, bucket: number): string {
    return (this.bucketKeys[op][bucket] ??=
      `${BUCKET_PREFIX}${this.operators[op].name}/${this.layout.bucketCount[op]}/${bucket}`);
  }

  staleBucket(op: number, buckets: number, bucket: number): string {
    return `${BUCKET_PREFIX}${this.operators[op].name}/${buckets}/${bucket}`;
  }

  /** The key of an operator's entity; a name the city lacks is an error that says what to do. */
  resolve(op: number, entity: string): number {
    const key = this.keyIndex[op].get(entity);
    if (key === undefined)
      throw configError(
        `the changelog holds state of ${this.operators[op].keyBy} '${entity}', which is not in the city model; start under a new group id or restore the city file`,
      );
    return key;
  }

  /** Feeds one changelog record to a replay; records of operators no longer declared are skipped. */
  replay(replay: StateReplay, text: string, value: Uint8Array | null): void {
    const bucket = text.startsWith(BUCKET_PREFIX);
    if (!bucket && !text.startsWith(KEY_PREFIX))
      throw configError(
        `changelog key "${text}" is not a window state key of this version; start under a new group id`,
      );
    const from = KEY_PREFIX.length;
    const slash = text.indexOf('/', from);
    const op = slash < 0 ? undefined : this.opIndex.get(text.slice(from, slash));
    if (op === undefined) return;
    const rest = text.slice(slash + 1);
    if (!bucket) {
      replay.key(op, this.resolve(op, rest), value);
      return;
    }
    const [buckets, id] = rest.split('/').map(Number);
    replay.bucket(op, buckets, id, value);
  }
}

/** Changelog messages (key, value) of a checkpoint, in order; tombstones have a null value. */
export function* changelogRecords(cp: EngineCheckpoint, keys: ChangelogKeys): Generator<[string, Buffer | null]> {
  const e = cp.entries;
  const buf = Buffer.from(e.bytes.buffer, e.bytes.byteOffset, e.bytes.byteLength);
  for (let i = 0; i < e.count; i++) {
    const kind = e.kind[i];
    const bucket = kind === ENTRY_BUCKET || kind === ENTRY_BUCKET_TOMBSTONE;
    const key = bucket ? keys.bucket(e.op[i], e.id[i]) : keys.key(e.op[i], e.id[i]);
    // A view, not a copy: librdkafka copies the value when the record is produced.
    yield [key, kind === ENTRY_KEY || kind === ENTRY_BUCKET ? buf.subarray(e.offset[i], e.offset[i + 1]) : null];
  }
}

export interface RestoredState {
  restore: EngineRestore;
  meta?: PartitionMeta;
  /** Keys holding state. */
  keys: number;
  /** Changelog messages read. */
  messages: number;
  /** Bucket records of an older layout: tombstoned at the next commit, before their keys are rewritten. */
  staleKeys: string[];
}

/**
 * Reads changelog partitions from their start to their end, committed data only. `expectOffsets` holds the
 * input offset committed for each partition: the meta record written in that same transaction must be read
 * before a partition is complete (the transaction's marker can reach the changelog a little after the offset
 * commit becomes visible).
 */
export async function readChangelog(
  consumer: KafkaConsumer,
  topic: string,
  expectOffsets: Map<number, number | undefined>,
  keys: ChangelogKeys,
  layout: StateLayout,
  operators: readonly OperatorSpec[],
  timeoutMs: number,
): Promise<Map<number, RestoredState>> {
  const replayOf = () => new StateReplay(layout, (op, entity) => keys.resolve(op, entity));
  const parts = new Map(
    [...expectOffsets].map(([p, expect]) => [
      p,
      { expect, replay: replayOf(), meta: undefined as PartitionMeta | undefined, messages: 0, atEnd: false },
    ]),
  );
  const onEof = (e: { topic: string; partition: number }) => {
    const p = e.topic === topic ? parts.get(e.partition) : undefined;
    if (p) p.atEnd = true;
  };
  const complete = () =>
    [...parts.values()].every((p) => p.atEnd && (p.expect === undefined || p.meta?.offset === p.expect));
  consumer.on('partition.eof', onEof);
  consumer.assign([...parts.keys()].map((partition) => ({ topic, partition, offset: -2 })));
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const batch: Message[] = await consume(consumer, 10_000);
      for (const m of batch) {
        const p = m.topic === topic ? parts.get(m.partition) : undefined;
        if (!p) continue;
        p.messages++;
        const k = m.key === undefined || m.key === null ? '' : m.key.toString();
        if (k === META_KEY) p.meta = decode(m.value!) as PartitionMeta;
        else keys.replay(p.replay, k, m.value ?? null);
      }
      if (batch.length === 0 && complete()) break;
      if (Date.now() > deadline) {
        const behind = [...parts].filter(([, p]) => p.expect !== undefined && p.meta?.offset !== p.expect);
        throw configError(
          `restoring from ${topic}: ${behind.map(([n, p]) => `partition ${n} has offset ${p.expect} committed but its last state is for offset ${p.meta?.offset ?? 'none'}`).join('; ') || 'the end was not reached'} ` +
            `after ${timeoutMs} ms; the changelog topic may have been deleted or truncated (start under a new group id to rebuild state from the input)`,
        );
      }
    }
  } finally {
    consumer.removeListener('partition.eof', onEof);
    consumer.unassign();
  }
  const now = operatorFingerprints(operators);
  const out = new Map<number, RestoredState>();
  for (const [n, p] of parts) {
    for (const [name, fp] of Object.entries(p.meta?.operators ?? {})) {
      if (now[name] !== undefined && now[name] !== fp) {
        throw configError(
          `operator '${name}' was declared differently when its window state was checkpointed (${fp}); its state cannot be continued: rename the operator or start under a new group id`,
        );
      }
    }
    const watermark = p.meta?.watermark ?? { value: -Infinity, partitions: [] };
    const r = p.replay.result();
    out.set(n, {
      restore: { watermark, records: r.records, rewrite: r.staleBuckets.length > 0 },
      meta: p.meta,
      keys: r.keys,
      messages: p.messages,
      staleKeys: r.staleBuckets.map((s) => keys.staleBucket(s.op, s.buckets, s.bucket)),
    });
  }
  return out;
}
