// MessagePack wire format: a single reading, or a gateway batch laid out column-wise with string dictionaries.
//
// Single:  { sensor, metric, ts, value, quality? }
// Batch:   { sensors: [ids], metrics: [names], sensor: u32[], metric: u8[], ts: f64[], value: f64[], quality?: u8[] }
//          where each column is a MessagePack array or, faster, a bin of little-endian values; `sensor` and
//          `metric` index the dictionaries. Decoding a batch is a few copies, not one object per reading.
import { decode, encode } from '@msgpack/msgpack';
import { QUALITY_CODES, type Quality, type Reading } from './reading.js';

export interface DecodedBatch {
  length: number;
  sensorNames: string[];
  metricNames: string[];
  sensor: Uint32Array;
  metric: Uint32Array;
  ts: Float64Array;
  value: Float64Array;
  quality: Uint8Array;
  /** Rows whose fields had the wrong type, with what was wrong. */
  typeErrors: Map<number, string>;
}

export class WireFormatError extends Error {
  constructor(
    readonly reason: 'malformed' | 'bad-batch' | 'bad-type',
    message: string,
  ) {
    super(message);
  }
}

export function encodeReading(r: Reading): Uint8Array {
  const msg: Record<string, unknown> = { sensor: r.sensor, metric: r.metric, ts: r.ts, value: r.value };
  if (r.quality) msg.quality = r.quality;
  return encode(msg);
}

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Readings laid out column-wise: sensors and metrics as indices into dictionaries in first-seen order. */
function columnsOf<M extends Uint8Array | Uint32Array>(
  readings: readonly Reading[],
  metric: M,
): {
  sensorNames: string[];
  metricNames: string[];
  sensor: Uint32Array;
  metric: M;
  ts: Float64Array;
  value: Float64Array;
  quality: Uint8Array;
  anyQuality: boolean;
} {
  const sensors = new Map<string, number>();
  const metrics = new Map<string, number>();
  const n = readings.length;
  const sensor = new Uint32Array(n);
  const ts = new Float64Array(n);
  const value = new Float64Array(n);
  const quality = new Uint8Array(n);
  let anyQuality = false;
  for (let i = 0; i < n; i++) {
    const r = readings[i];
    let s = sensors.get(r.sensor);
    if (s === undefined) sensors.set(r.sensor, (s = sensors.size));
    let m = metrics.get(r.metric);
    if (m === undefined) metrics.set(r.metric, (m = metrics.size));
    sensor[i] = s;
    metric[i] = m;
    ts[i] = r.ts;
    value[i] = r.value;
    if (r.quality) {
      quality[i] = QUALITY_CODES[r.quality];
      anyQuality = true;
    }
  }
  return {
    sensorNames: [...sensors.keys()],
    metricNames: [...metrics.keys()],
    sensor,
    metric,
    ts,
    value,
    quality,
    anyQuality,
  };
}

/** Encodes readings as one columnar batch message (typed columns as little-endian bins). */
export function encodeBatch(readings: readonly Reading[]): Uint8Array {
  const c = columnsOf(readings, new Uint8Array(readings.length));
  const msg: Record<string, unknown> = {
    sensors: c.sensorNames,
    metrics: c.metricNames,
    sensor: bytesOf(c.sensor),
    metric: bytesOf(c.metric),
    ts: bytesOf(c.ts),
    value: bytesOf(c.value),
  };
  if (c.anyQuality) msg.quality = bytesOf(c.quality);
  return encode(msg);
}

type Column = 'sensor' | 'metric' | 'ts' | 'value' | 'quality';

function numericColumn<T extends Uint32Array | Uint8Array | Float64Array>(
  raw: unknown,
  name: Column,
  make: (n: number) => T,
  width: number,
  typeErrors: Map<number, string>,
): T {
  if (raw instanceof Uint8Array) {
    if (raw.byteLength % width !== 0)
      throw new WireFormatError(
        'bad-batch',
        `column '${name}' has ${raw.byteLength} bytes, not a multiple of ${width}`,
      );
    const out = make(raw.byteLength / width);
    // Copy into a fresh, aligned buffer: the bin may sit at any offset of the message.
    bytesOf(out).set(raw);
    return out;
  }
  if (Array.isArray(raw)) {
    const out = make(raw.length);
    // Index and code columns hold whole numbers: a typed array would silently truncate 0.5 to 0 (another sensor).
    const maxInteger = out instanceof Float64Array ? undefined : 2 ** (8 * width) - 1;
    for (let i = 0; i < raw.length; i++) {
      const v = raw[i];
      if (typeof v === 'number' && (maxInteger === undefined || (Number.isInteger(v) && v >= 0 && v <= maxInteger)))
        out[i] = v;
      else if (typeof v === 'number') {
        out[i] = NaN;
        if (!typeErrors.has(i)) typeErrors.set(i, `${name} must be a whole number from 0 to ${maxInteger}, got ${v}`);
      } else {
        out[i] = NaN;
        if (!typeErrors.has(i)) typeErrors.set(i, `${name} must be a number, got ${typeof v}`);
      }
    }
    return out;
  }
  throw new WireFormatError(
    'bad-batch',
    `column '${name}' must be an array or a bin, got ${raw === null ? 'null' : typeof raw}`,
  );
}

function decodeBatch(msg: Record<string, unknown>): DecodedBatch {
  const { sensors, metrics } = msg;
  if (!Array.isArray(sensors) || !sensors.every((s) => typeof s === 'string'))
    throw new WireFormatError('bad-batch', "'sensors' must be an array of sensor id strings");
  if (!Array.isArray(metrics) || !metrics.every((s) => typeof s === 'string'))
    throw new WireFormatError('bad-batch', "'metrics' must be an array of metric name strings");
  const typeErrors = new Map<number, string>();
  const sensor = numericColumn(msg.sensor, 'sensor', (n) => new Uint32Array(n), 4, typeErrors);
  const metricRaw = msg.metric;
  const metric =
    metricRaw instanceof Uint8Array
      ? Uint32Array.from(metricRaw)
      : numericColumn(metricRaw, 'metric', (n) => new Uint32Array(n), 4, typeErrors);
  const ts = numericColumn(msg.ts, 'ts', (n) => new Float64Array(n), 8, typeErrors);
  const value = numericColumn(msg.value, 'value', (n) => new Float64Array(n), 8, typeErrors);
  const length = ts.length;
  const quality =
    msg.quality === undefined
      ? new Uint8Array(length)
      : numericColumn(msg.quality, 'quality', (n) => new Uint8Array(n), 1, typeErrors);
  for (const [name, col] of [
    ['sensor', sensor],
    ['metric', metric],
    ['value', value],
    ['quality', quality],
  ] as const) {
    if (col.length !== length)
      throw new WireFormatError('bad-batch', `column '${name}' has ${col.length} rows but 'ts' has ${length}`);
  }
  return {
    length,
    sensorNames: sensors as string[],
    metricNames: metrics as string[],
    sensor,
    metric,
    ts,
    value,
    quality,
    typeErrors,
  };
}

/** A single-reading message: the fields as sent, with what was wrong with their types. */
export interface SingleReading {
  sensor: string;
  metric: string;
  ts: number;
  value: number;
  quality: number;
  typeError?: string;
}

/** The fields of a single-reading message as sent (from MessagePack or JSON), with what is wrong with their types. */
export function decodeSingle(msg: Record<string, unknown>): SingleReading {
  const { sensor, metric, ts, value } = msg;
  let quality = 0;
  let typeError: string | undefined;
  if (typeof sensor !== 'string' || typeof metric !== 'string' || typeof ts !== 'number' || typeof value !== 'number') {
    const problems: string[] = [];
    if (typeof sensor !== 'string') problems.push(`sensor must be a string, got ${typeof sensor}`);
    if (typeof metric !== 'string') problems.push(`metric must be a string, got ${typeof metric}`);
    if (typeof ts !== 'number') problems.push(`ts must be a number (epoch ms), got ${typeof ts}`);
    if (typeof value !== 'number') problems.push(`value must be a number, got ${typeof value}`);
    typeError = problems.join('; ');
  }
  if (msg.quality !== undefined) {
    const q = QUALITY_CODES[msg.quality as Quality];
    if (q === undefined)
      typeError = `${typeError ? `${typeError}; ` : ''}quality must be one of good, uncertain, bad, got ${JSON.stringify(msg.quality)}`;
    else quality = q;
  }
  return {
    sensor: String(sensor),
    metric: String(metric),
    ts: typeof ts === 'number' ? ts : NaN,
    value: typeof value === 'number' ? value : NaN,
    quality,
    typeError,
  };
}

export type DecodedMessage = { kind: 'batch'; batch: DecodedBatch } | { kind: 'single'; reading: SingleReading };

/** Decodes one message; throws WireFormatError when nothing in it can be trusted. */
export function decodeWire(bytes: Uint8Array): DecodedMessage {
  // Anything but a map is refused before decoding: a 16 MB array of junk would otherwise become millions of objects.
  const head = bytes[0];
  if (bytes.length === 0) throw new WireFormatError('malformed', 'the message is empty');
  if (!((head >= 0x80 && head <= 0x8f) || head === 0xde || head === 0xdf))
    throw new WireFormatError('malformed', 'a message must be a MessagePack map (one reading or a columnar batch)');
  let msg: unknown;
  try {
    msg = decode(bytes);
  } catch (err) {
    throw new WireFormatError('malformed', `not valid MessagePack: ${(err as Error).message}`);
  }
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
    throw new WireFormatError('malformed', 'a message must be a MessagePack map (one reading or a columnar batch)');
  }
  const m = msg as Record<string, unknown>;
  return 'sensors' in m ? { kind: 'batch', batch: decodeBatch(m) } : { kind: 'single', reading: decodeSingle(m) };
}

/** The decoded form of in-process readings (the simulator's path), without a MessagePack round trip. */
export function batchFromReadings(readings: readonly Reading[]): DecodedBatch {
  const { anyQuality: _, ...columns } = columnsOf(readings, new Uint32Array(readings.length));
  return { length: readings.length, ...columns, typeErrors: new Map() };
}
