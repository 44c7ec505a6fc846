// The changelog of the window state store: one compacted record per (operator, key) holding all of that key's
// windows, plus one meta record per partition with the input offset and watermark the state belongs to.
import { decode, encode } from '@msgpack/msgpack';
import { configError } from '../../errors.js';
import type { EngineCheckpoint } from '../../stream/engine.js';
import type { OperatorSpec } from '../../stream/index.js';
import type { StateRecords } from '../../stream/task.js';
import type { WatermarkState } from '../../stream/watermark.js';
import type { SensorCatalog } from '../../telemetry/catalog.js';
import { consume, type KafkaConsumer, type Message } from './rdkafka.js';

export const META_KEY = 'meta';
const STATE_PREFIX = 'w/';

export interface PartitionMeta {
  /** Next input offset to process: the one committed with this state in the same transaction. */
  offset: number;
  watermark: WatermarkState;
  /** Each operator's declaration when its state was written; state of a changed declaration cannot be read. */
  operators: Record<string, string>;
}

export function operatorFingerprints(operators: readonly OperatorSpec[]): Record<string, string> {
  return Object.fromEntries(operators.map((o) => [o.name, JSON.stringify([o.metric, o.keyBy, o.window, o.aggregates, o.allowedLatenessMs])]));
}

export function encodeMeta(meta: PartitionMeta): Buffer {
  const bytes = encode(meta);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Names of operators and entities to and from the dense ids the engine uses. */
export class StateKeys {
  private readonly opIndex: Map<string, number>;
  private readonly keyIndex: Map<string, number>[];
  private readonly names: string[][];
  /** Changelog keys built once per key: a checkpoint writes many of them every commit. */
  private readonly built: (string | undefined)[][];

  constructor(private readonly catalog: SensorCatalog, private readonly operators: readonly OperatorSpec[]) {
    this.opIndex = new Map(operators.map((o, i) => [o.name, i]));
    this.names = operators.map((o) => catalog.groupings.get(o.keyBy)!.keys);
    this.keyIndex = this.names.map((keys) => new Map(keys.map((k, i) => [k, i])));
    this.built = this.names.map(() => []);
  }

  key(op: number, key: number): string {
    return (this.built[op][key] ??= `${STATE_PREFIX}${this.operators[op].name}/${this.names[op][key]}`);
  }

  /** [operator, key] of a changelog key; undefined for an operator no longer declared. */
  parse(text: string): [number, number] | undefined {
    if (!text.startsWith(STATE_PREFIX)) throw configError(`changelog key "${text}" is not a window state key`);
    const slash = text.indexOf('/', STATE_PREFIX.length);
    const op = this.opIndex.get(text.slice(STATE_PREFIX.length, slash));
    if (op === undefined) return undefined;
    const entity = text.slice(slash + 1);
    const key = this.keyIndex[op].get(entity);
    if (key === undefined) throw configError(`the changelog holds state of ${this.operators[op].keyBy} '${entity}', which is not in the city model; start under a new group id or restore the city file`);
    return [op, key];
  }
}

/** Changelog messages (topic, partition, key, value) of a checkpoint; an empty state is a tombstone. */
export function* changelogRecords(cp: EngineCheckpoint, keys: StateKeys): Generator<[string, Buffer | null]> {
  const r = cp.records;
  const buf = Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength);
  for (let i = 0; i < r.count; i++) {
    const start = r.offset[i];
    const end = r.offset[i + 1];
    // A view, not a copy: librdkafka copies the value when the record is produced.
    yield [keys.key(r.op[i], r.key[i]), end > start ? buf.subarray(start, end) : null];
  }
}

export interface RestoredState {
  checkpoint: EngineCheckpoint;
  meta?: PartitionMeta;
  /** Live state records read (after compaction of the partition's history in memory). */
  keys: number;
  /** Changelog messages read. */
  messages: number;
}

function toRecords(latest: Map<string, Buffer>, keys: StateKeys): StateRecords {
  const parsed: [number, number, Buffer][] = [];
  let size = 0;
  for (const [k, v] of latest) {
    const ids = keys.parse(k);
    if (!ids) continue;
    parsed.push([ids[0], ids[1], v]);
    size += v.length;
  }
  const n = parsed.length;
  const out: StateRecords = { count: n, op: new Uint8Array(n), key: new Uint32Array(n), offset: new Uint32Array(n + 1), bytes: new Uint8Array(size) };
  parsed.forEach(([op, key, v], i) => {
    out.op[i] = op;
    out.key[i] = key;
    out.bytes.set(v, out.offset[i]);
    out.offset[i + 1] = out.offset[i] + v.length;
  });
  return out;
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
  keys: StateKeys,
  operators: readonly OperatorSpec[],
  timeoutMs: number,
): Promise<Map<number, RestoredState>> {
  const parts = new Map([...expectOffsets].map(([p, expect]) => [p, { expect, latest: new Map<string, Buffer>(), meta: undefined as PartitionMeta | undefined, messages: 0, atEnd: false }]));
  const onEof = (e: { topic: string; partition: number }) => {
    const p = e.topic === topic ? parts.get(e.partition) : undefined;
    if (p) p.atEnd = true;
  };
  const complete = () => [...parts.values()].every((p) => p.atEnd && (p.expect === undefined || p.meta?.offset === p.expect));
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
        else if (m.value === null || m.value === undefined || m.value.length === 0) p.latest.delete(k);
        else p.latest.set(k, Buffer.from(m.value));
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
        throw configError(`operator '${name}' was declared differently when its window state was checkpointed (${fp}); its state cannot be continued: rename the operator or start under a new group id`);
      }
    }
    const watermark = p.meta?.watermark ?? { value: -Infinity, partitions: [] };
    out.set(n, { checkpoint: { watermark, records: toRecords(p.latest, keys) }, meta: p.meta, keys: p.latest.size, messages: p.messages });
  }
  return out;
}
