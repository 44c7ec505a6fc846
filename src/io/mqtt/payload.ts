// MQTT payloads into decoded readings: a reading topic's value (a number as text, or JSON {value, ts?, quality?}),
// and a batch topic's message, MessagePack or JSON, one reading or a columnar gateway batch as on Kafka.
import { encode } from '@msgpack/msgpack';
import {
  WireFormatError,
  decodeSingle,
  decodeWire,
  type DecodedMessage,
  type SingleReading,
} from '../../telemetry/codec.js';
import { QUALITY_CODES, type Quality } from '../../telemetry/index.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

function text(payload: Uint8Array): string {
  try {
    return decoder.decode(payload);
  } catch (err) {
    // fatal: true throws a TypeError on bytes that are not UTF-8, which is the malformed case reported here
    if (!(err instanceof TypeError)) throw err;
    throw new WireFormatError('malformed', 'the payload is neither a number nor JSON (not UTF-8 text)');
  }
}

function parseJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch (err) {
    throw new WireFormatError('malformed', `the payload is not a number or valid JSON: ${(err as Error).message}`);
  }
}

/** An event time as epoch ms or an ISO 8601 string; NaN when neither. */
function eventTime(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Date.parse(v);
  return NaN;
}

/**
 * The reading a reading topic's payload carries, its sensor and metric from the topic. A bare number (text or
 * JSON) is stamped with `nowMs`; `{value, ts, quality}` carries its own event time (epoch ms or ISO 8601), which
 * is what lets a redelivery be recognised.
 */
export function readingFromTopicPayload(
  payload: Uint8Array,
  sensor: string,
  metric: string,
  nowMs: number,
): SingleReading {
  if (payload.length === 0) throw new WireFormatError('malformed', 'the payload is empty');
  const s = text(payload).trim();
  const asNumber = s.length > 0 && s.length < 40 && /^[-+0-9.eE]+$/.test(s) ? Number(s) : NaN;
  if (!Number.isNaN(asNumber)) return { sensor, metric, ts: nowMs, value: asNumber, quality: 0 };
  const json = parseJson(s);
  if (typeof json === 'number') return { sensor, metric, ts: nowMs, value: json, quality: 0 };
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new WireFormatError('malformed', 'the payload must be a number or a JSON object {value, ts?, quality?}');
  const o = json as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => k !== 'value' && k !== 'ts' && k !== 'quality');
  const problems: string[] = [];
  if (unknown.length > 0) problems.push(`unknown field(s) ${unknown.join(', ')} (allowed: value, ts, quality)`);
  if (typeof o.value !== 'number') problems.push(`value must be a number, got ${typeof o.value}`);
  const ts = o.ts === undefined ? nowMs : eventTime(o.ts);
  if (Number.isNaN(ts)) problems.push('ts must be epoch milliseconds or an ISO 8601 date-time');
  let quality = 0;
  if (o.quality !== undefined) {
    const q = QUALITY_CODES[o.quality as Quality];
    if (q === undefined) problems.push(`quality must be one of good, uncertain, bad, got ${JSON.stringify(o.quality)}`);
    else quality = q;
  }
  return {
    sensor,
    metric,
    ts,
    value: typeof o.value === 'number' ? o.value : NaN,
    quality,
    typeError: problems.length > 0 ? problems.join('; ') : undefined,
  };
}

/** A batch topic's message: MessagePack as on Kafka, or the same shapes in JSON. */
export function decodeBatchTopicPayload(payload: Uint8Array): DecodedMessage {
  if (payload.length === 0) throw new WireFormatError('malformed', 'the message is empty');
  const first = payload[0];
  // JSON starts with `{` (after optional whitespace); MessagePack maps start with 0x80-0x8f, 0xde or 0xdf.
  if (first !== 0x7b && first !== 0x20 && first !== 0x0a && first !== 0x0d && first !== 0x09)
    return decodeWire(payload);
  const json = parseJson(text(payload));
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new WireFormatError('malformed', 'a message must be a JSON object: one reading or a columnar batch');
  const o = json as Record<string, unknown>;
  if ('sensors' in o) return decodeWire(encode(o));
  return { kind: 'single', reading: decodeSingle(o) };
}
