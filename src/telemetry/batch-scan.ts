// A columnar gateway batch (codec.ts) in its usual form, MessagePack with bin columns, read straight from the bytes:
// its sensor and metric dictionaries resolved to catalog ids by their UTF-8 bytes (no string per name, no Map probe of
// a fresh string) and its columns copied into buffers reused from message to message. Anything else returns
// undefined and goes through decodeWire, which also explains what is wrong with a bad message.
import { ByteNameTable } from './byte-name-table.js';
import type { SensorCatalog } from './catalog.js';
import { METRICS } from './metrics.js';

/** A batch read by BatchScanner.scan: valid until the next call (its buffers are reused). */
export interface ScannedBatch {
  length: number;
  /** Per dictionary entry, the catalog sensor id; per metric entry, the metric id. Every name is known. */
  sensorOf: Int32Array;
  metricOf: Int32Array;
  sensorNames: number;
  metricNames: number;
  sensor: Uint32Array;
  metric: Uint8Array;
  ts: Float64Array;
  value: Float64Array;
  quality: Uint8Array;
}

const KEYS = ['sensors', 'metrics', 'sensor', 'metric', 'ts', 'value', 'quality'] as const;
const KEY_TABLE = new ByteNameTable(KEYS);
const METRIC_TABLE = new ByteNameTable(METRICS.map((m) => m.name));

/** Reads the batches of one catalog; one per ingest (its buffers are reused, so not shared between callers). */
export class BatchScanner {
  private readonly sensors: ByteNameTable;
  private pos = 0;
  private bytes: Uint8Array = new Uint8Array(0);
  private readonly out: ScannedBatch = {
    length: 0,
    sensorOf: new Int32Array(1024),
    metricOf: new Int32Array(256),
    sensorNames: 0,
    metricNames: 0,
    sensor: new Uint32Array(1024),
    metric: new Uint8Array(1024),
    ts: new Float64Array(1024),
    value: new Float64Array(1024),
    quality: new Uint8Array(1024),
  };

  constructor(catalog: SensorCatalog) {
    this.sensors = new ByteNameTable(catalog.ids);
  }

  /** The batch, or undefined when the message is not a bin-column batch of known names (decodeWire reads those). */
  scan(bytes: Uint8Array): ScannedBatch | undefined {
    this.bytes = bytes;
    this.pos = 0;
    const entries = this.header(0x80, 0xde, 0xdf);
    if (entries < 0) return undefined;
    const seen = new Uint8Array(KEYS.length);
    const cols: { start: number; end: number }[] = [];
    let sensors = -1;
    let metrics = -1;
    for (let e = 0; e < entries; e++) {
      const klen = this.strLength();
      if (klen < 0 || this.pos + klen > bytes.length) return undefined;
      const key = KEY_TABLE.find(bytes, this.pos, klen);
      this.pos += klen;
      if (key < 0 || seen[key]) return undefined;
      seen[key] = 1;
      if (key === 0) sensors = this.names(this.sensors, 'sensorOf');
      else if (key === 1) metrics = this.names(METRIC_TABLE, 'metricOf');
      else {
        const n = this.binLength();
        if (n < 0 || this.pos + n > bytes.length) return undefined;
        cols[key] = { start: this.pos, end: this.pos + n };
        this.pos += n;
      }
      if ((key === 0 && sensors < 0) || (key === 1 && metrics < 0)) return undefined;
    }
    if (this.pos !== bytes.length || sensors < 0 || metrics < 0) return undefined;
    const [, , sensor, metric, ts, value, quality] = cols;
    if (!sensor || !metric || !ts || !value) return undefined;
    const length = (ts.end - ts.start) / 8;
    if (
      !Number.isInteger(length) ||
      value.end - value.start !== length * 8 ||
      sensor.end - sensor.start !== length * 4 ||
      metric.end - metric.start !== length ||
      (quality && quality.end - quality.start !== length)
    )
      return undefined;
    const out = this.out;
    if (out.ts.length < length) {
      const n = Math.max(length, out.ts.length * 2);
      out.sensor = new Uint32Array(n);
      out.metric = new Uint8Array(n);
      out.ts = new Float64Array(n);
      out.value = new Float64Array(n);
      out.quality = new Uint8Array(n);
    }
    out.length = length;
    out.sensorNames = sensors;
    out.metricNames = metrics;
    // copied into aligned buffers: a bin sits at any offset of the message
    new Uint8Array(out.sensor.buffer, 0, length * 4).set(bytes.subarray(sensor.start, sensor.end));
    out.metric.set(bytes.subarray(metric.start, metric.end));
    new Uint8Array(out.ts.buffer, 0, length * 8).set(bytes.subarray(ts.start, ts.end));
    new Uint8Array(out.value.buffer, 0, length * 8).set(bytes.subarray(value.start, value.end));
    if (quality) out.quality.set(bytes.subarray(quality.start, quality.end));
    else out.quality.fill(0, 0, length);
    return out;
  }

  /** A dictionary: its entries resolved into out[into]; its length, or -1 when not an array of known names. */
  private names(table: ByteNameTable, into: 'sensorOf' | 'metricOf'): number {
    const n = this.header(0x90, 0xdc, 0xdd);
    if (n < 0) return -1;
    if (this.out[into].length < n) this.out[into] = new Int32Array(Math.max(n, this.out[into].length * 2));
    const ids = this.out[into];
    for (let i = 0; i < n; i++) {
      const len = this.strLength();
      if (len < 0 || this.pos + len > this.bytes.length) return -1;
      const id = table.find(this.bytes, this.pos, len);
      // an unknown name: decodeWire and the validation name it in the dead letter
      if (id < 0) return -1;
      ids[i] = id;
      this.pos += len;
    }
    return n;
  }

  /** The entry count of a map or array header (fix form at `fix`, 16- and 32-bit forms), or -1. */
  private header(fix: number, h16: number, h32: number): number {
    const b = this.bytes;
    const c = b[this.pos++];
    if (c >= fix && c <= fix + 0x0f) return c - fix;
    if (c === h16) return this.uint(2);
    if (c === h32) return this.uint(4);
    return -1;
  }

  private strLength(): number {
    const c = this.bytes[this.pos++];
    if (c >= 0xa0 && c <= 0xbf) return c - 0xa0;
    if (c === 0xd9) return this.uint(1);
    if (c === 0xda) return this.uint(2);
    if (c === 0xdb) return this.uint(4);
    return -1;
  }

  private binLength(): number {
    const c = this.bytes[this.pos++];
    if (c === 0xc4) return this.uint(1);
    if (c === 0xc5) return this.uint(2);
    if (c === 0xc6) return this.uint(4);
    return -1;
  }

  /** A big-endian unsigned integer of `width` bytes, or -1 past the end. */
  private uint(width: number): number {
    const b = this.bytes;
    if (this.pos + width > b.length) return -1;
    let v = 0;
    for (let i = 0; i < width; i++) v = v * 256 + b[this.pos++];
    return v;
  }
}
