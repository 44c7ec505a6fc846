// Fast path for single-reading messages: reads the MessagePack bytes in place and resolves ids without making strings.
import { SENSOR_KINDS, metricKindTable, type SensorCatalog } from './catalog.js';
import { ByteNameTable } from './byte-name-table.js';
import { METRICS } from './metrics.js';

/** The fields of a reading the fast path accepted: catalog ids, not names. */
export interface FastReading {
  sensor: number;
  metric: number;
  ts: number;
  value: number;
  quality: number;
}

const KINDS = SENSOR_KINDS.length;
const ALLOWED = metricKindTable();
const utf8 = (w: string) => new TextEncoder().encode(w);
const QUALITY_WORDS = ['good', 'uncertain', 'bad'].map(utf8);
const KEY_SENSOR = utf8('sensor');
const KEY_METRIC = utf8('metric');
const KEY_TS = utf8('ts');
const KEY_VALUE = utf8('value');
const KEY_QUALITY = utf8('quality');

function sameBytes(name: Uint8Array, bytes: Uint8Array, from: number): boolean {
  for (let i = 0; i < name.length; i++) if (name[i] !== bytes[from + i]) return false;
  return true;
}

/**
 * Decodes `{sensor, metric, ts, value[, quality]}` maps as the usual encoders write them and accepts only
 * readings that pass every validation rule. Anything else (another layout, an unknown name, a bad value)
 * returns false, and the caller takes the general decoder, which names the problem in a dead letter.
 */
export class SingleReadingDecoder {
  /** Built on the first single-reading message: batch-only sources never pay for it. */
  private sensors: ByteNameTable | undefined;
  private readonly metrics = new ByteNameTable(METRICS.map((m) => m.name));
  private readonly view = new DataView(new ArrayBuffer(8));
  private pos = 0;
  private strLen = 0;

  constructor(private readonly catalog: SensorCatalog) {}

  /** Fills `out` and returns true for a valid reading no later than `latestTs`; false means "take the general path". */
  decode(bytes: Uint8Array, latestTs: number, out: FastReading): boolean {
    const head = bytes[0];
    if (head !== 0x84 && head !== 0x85) return false;
    const fields = head & 0x0f;
    this.pos = 1;
    let seen = 0;
    out.quality = 0;
    for (let f = 0; f < fields; f++) {
      const k = bytes[this.pos];
      if ((k & 0xe0) !== 0xa0) return false;
      const klen = k & 0x1f;
      const kat = this.pos + 1;
      this.pos = kat + klen;
      if (klen === 6 && sameBytes(KEY_SENSOR, bytes, kat)) {
        if (!this.string(bytes)) return false;
        this.sensors ??= new ByteNameTable(this.catalog.ids);
        out.sensor = this.sensors.find(bytes, this.pos - this.strLen, this.strLen);
        if (out.sensor < 0) return false;
        seen |= 1;
      } else if (klen === 6 && sameBytes(KEY_METRIC, bytes, kat)) {
        if (!this.string(bytes)) return false;
        out.metric = this.metrics.find(bytes, this.pos - this.strLen, this.strLen);
        if (out.metric < 0) return false;
        seen |= 2;
      } else if (klen === 2 && sameBytes(KEY_TS, bytes, kat)) {
        out.ts = this.number(bytes);
        seen |= 4;
      } else if (klen === 5 && sameBytes(KEY_VALUE, bytes, kat)) {
        out.value = this.number(bytes);
        seen |= 8;
      } else if (klen === 7 && sameBytes(KEY_QUALITY, bytes, kat)) {
        if (!this.string(bytes)) return false;
        out.quality = this.quality(bytes);
        if (out.quality < 0) return false;
        seen |= 16;
      } else return false;
      if (this.pos > bytes.length) return false;
    }
    if (this.pos !== bytes.length || (seen & 15) !== 15) return false;
    const { ts, value } = out;
    if (!(ts >= 0 && ts <= latestTs)) return false;
    if (!ALLOWED[out.metric * KINDS + this.catalog.kind[out.sensor]]) return false;
    const spec = METRICS[out.metric];
    return value >= spec.min && value <= spec.max;
  }

  /** Skips a string value, leaving its length in strLen; false for anything but a string. */
  private string(bytes: Uint8Array): boolean {
    const t = bytes[this.pos];
    if ((t & 0xe0) === 0xa0) {
      this.strLen = t & 0x1f;
      this.pos += 1;
    } else if (t === 0xd9) {
      this.strLen = bytes[this.pos + 1];
      this.pos += 2;
    } else return false;
    this.pos += this.strLen;
    return this.pos <= bytes.length;
  }

  private quality(bytes: Uint8Array): number {
    const from = this.pos - this.strLen;
    for (let q = 0; q < QUALITY_WORDS.length; q++) {
      const w = QUALITY_WORDS[q];
      if (w.length === this.strLen && sameBytes(w, bytes, from)) return q;
    }
    return -1;
  }

  /** A MessagePack number of any width; NaN for any other type (the general path then reports it). */
  private number(bytes: Uint8Array): number {
    const p = this.pos;
    const t = bytes[p];
    if (t <= 0x7f) {
      this.pos = p + 1;
      return t;
    }
    if (t >= 0xe0) {
      this.pos = p + 1;
      return t - 0x100;
    }
    const v = this.view;
    switch (t) {
      case 0xcb:
        for (let i = 0; i < 8; i++) v.setUint8(i, bytes[p + 1 + i]);
        this.pos = p + 9;
        return v.getFloat64(0);
      case 0xca:
        for (let i = 0; i < 4; i++) v.setUint8(i, bytes[p + 1 + i]);
        this.pos = p + 5;
        return v.getFloat32(0);
      case 0xcc:
        this.pos = p + 2;
        return bytes[p + 1];
      case 0xcd:
        this.pos = p + 3;
        return (bytes[p + 1] << 8) | bytes[p + 2];
      case 0xce:
        this.pos = p + 5;
        return ((bytes[p + 1] << 24) >>> 0) + ((bytes[p + 2] << 16) | (bytes[p + 3] << 8) | bytes[p + 4]);
      case 0xcf:
      case 0xd3: {
        // 64-bit integers: millisecond timestamps need 41 bits, exact in a double up to 2^53.
        const hi = ((bytes[p + 1] << 24) | (bytes[p + 2] << 16) | (bytes[p + 3] << 8) | bytes[p + 4]) >>> 0;
        const lo = ((bytes[p + 5] << 24) | (bytes[p + 6] << 16) | (bytes[p + 7] << 8) | bytes[p + 8]) >>> 0;
        this.pos = p + 9;
        if (t === 0xd3 && hi >= 0x80000000) return NaN;
        return hi < 0x200000 ? hi * 4294967296 + lo : NaN;
      }
      case 0xd0:
        this.pos = p + 2;
        return (bytes[p + 1] << 24) >> 24;
      case 0xd1:
        this.pos = p + 3;
        return (((bytes[p + 1] << 8) | bytes[p + 2]) << 16) >> 16;
      case 0xd2:
        this.pos = p + 5;
        return (bytes[p + 1] << 24) | (bytes[p + 2] << 16) | (bytes[p + 3] << 8) | bytes[p + 4];
      default:
        this.pos = bytes.length + 1;
        return NaN;
    }
  }
}
