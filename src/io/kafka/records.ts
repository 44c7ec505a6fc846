// What the sinks write: window results as keyed MessagePack, dead letters as JSON with their Kafka coordinates.
import type { OperatorSpec } from '../../stream/index.js';
import type { WindowResultColumns } from '../../stream/emit-buffer.js';
import type { SensorCatalog, DeadLetter } from '../../telemetry/index.js';

const SLAB = 256 * 1024;
const TWO_32 = 4294967296;

function stringBytes(s: string): Buffer {
  const body = Buffer.from(s, 'utf8');
  const n = body.length;
  const head =
    n < 32
      ? [0xa0 | n]
      : n < 0x100
        ? [0xd9, n]
        : n < 0x10000
          ? [0xda, n >> 8, n & 0xff]
          : [0xdb, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from(head), body]);
}

/**
 * Window results, one message per row: `{operator, metric, key, start, end, revision, values: {aggregate:
 * number | null}}` keyed `operator/entity`, so all results of one entity and operator land on one partition in
 * the order they were emitted. The bytes are what @msgpack/msgpack writes for that object (integers in their
 * smallest form, other numbers as float64, NaN as nil), written straight from the result columns: names are
 * encoded once, and records are cut from shared slabs rather than allocated one by one.
 */
export class ResultEncoder {
  private slab = Buffer.allocUnsafe(SLAB);
  private pos = 0;
  private readonly head: Buffer[];
  private readonly aggregates: Buffer[][];
  private readonly entities: (Buffer | undefined)[][];
  private readonly keys: (string | undefined)[][];
  private readonly names: string[][];
  private static readonly START = stringBytes('start');
  private static readonly END = stringBytes('end');
  private static readonly REVISION = stringBytes('revision');
  private static readonly VALUES = stringBytes('values');

  constructor(
    catalog: SensorCatalog,
    private readonly operators: readonly OperatorSpec[],
  ) {
    this.head = operators.map((o) =>
      Buffer.concat([
        Buffer.from([0x87]),
        stringBytes('operator'),
        stringBytes(o.name),
        stringBytes('metric'),
        stringBytes(o.metric),
        stringBytes('key'),
      ]),
    );
    this.aggregates = operators.map((o) => o.aggregates.map(stringBytes));
    this.names = operators.map((o) => catalog.groupings.get(o.keyBy)!.keys);
    this.entities = operators.map(() => []);
    this.keys = operators.map(() => []);
  }

  /** The message key of a result row: `operator/entity`. */
  key(op: number, key: number): string {
    return (this.keys[op][key] ??= `${this.operators[op].name}/${this.names[op][key]}`);
  }

  /** Row `i` of the columns as a MessagePack message (a view of a slab: never written again). */
  encode(cols: WindowResultColumns, i: number): Buffer {
    const op = cols.operator;
    const key = cols.key[i];
    const entity = (this.entities[op][key] ??= stringBytes(this.names[op][key]));
    const aggregates = this.aggregates[op];
    let size = this.head[op].length + entity.length + 48 + ResultEncoder.VALUES.length + 1;
    for (const a of aggregates) size += a.length + 9;
    if (this.pos + size > this.slab.length) {
      this.slab = Buffer.allocUnsafe(Math.max(SLAB, size));
      this.pos = 0;
    }
    const start = this.pos;
    this.bytes(this.head[op]);
    this.bytes(entity);
    this.bytes(ResultEncoder.START);
    this.number(cols.start[i]);
    this.bytes(ResultEncoder.END);
    this.number(cols.end[i]);
    this.bytes(ResultEncoder.REVISION);
    this.number(cols.revision[i]);
    this.bytes(ResultEncoder.VALUES);
    this.slab[this.pos++] = 0x80 | aggregates.length;
    for (let a = 0; a < aggregates.length; a++) {
      this.bytes(aggregates[a]);
      const v = cols.values[a][i];
      if (Number.isNaN(v)) this.slab[this.pos++] = 0xc0;
      else this.number(v);
    }
    return this.slab.subarray(start, this.pos);
  }

  private bytes(b: Buffer): void {
    b.copy(this.slab, this.pos);
    this.pos += b.length;
  }

  private number(v: number): void {
    const s = this.slab;
    if (!Number.isSafeInteger(v)) {
      s[this.pos] = 0xcb;
      s.writeDoubleBE(v, this.pos + 1);
      this.pos += 9;
    } else if (v >= 0) {
      if (v < 0x80) s[this.pos++] = v;
      else if (v < 0x100) this.tagged(0xcc, v, 1);
      else if (v < 0x10000) this.tagged(0xcd, v, 2);
      else if (v < TWO_32) this.tagged(0xce, v, 4);
      else {
        s[this.pos] = 0xcf;
        s.writeUInt32BE(Math.floor(v / TWO_32), this.pos + 1);
        s.writeUInt32BE(v % TWO_32, this.pos + 5);
        this.pos += 9;
      }
    } else if (v >= -0x20) s[this.pos++] = 0xe0 | (v + 0x20);
    else if (v >= -0x80) this.taggedSigned(0xd0, v, 1);
    else if (v >= -0x8000) this.taggedSigned(0xd1, v, 2);
    else if (v >= -0x80000000) this.taggedSigned(0xd2, v, 4);
    else {
      s[this.pos] = 0xd3;
      s.writeBigInt64BE(BigInt(v), this.pos + 1);
      this.pos += 9;
    }
  }

  private tagged(tag: number, v: number, width: number): void {
    this.slab[this.pos] = tag;
    this.slab.writeUIntBE(v, this.pos + 1, width);
    this.pos += 1 + width;
  }

  private taggedSigned(tag: number, v: number, width: number): void {
    this.slab[this.pos] = tag;
    this.slab.writeIntBE(v, this.pos + 1, width);
    this.pos += 1 + width;
  }
}

export interface KafkaCoordinates {
  topic: string;
  partition: number;
  offset: number;
  timestamp?: number;
}

/** The dead letter with where its message sits in the input topic, so it can be fetched and replayed. */
export function encodeDeadLetter(letter: DeadLetter, at: KafkaCoordinates | undefined): Buffer {
  return Buffer.from(JSON.stringify(at ? { ...letter, input: at } : letter));
}

export function deadLetterKey(letter: DeadLetter): string {
  return letter.sensor ?? letter.key ?? letter.source;
}
