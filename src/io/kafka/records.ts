// What the sinks write: window results as keyed MessagePack, dead letters as JSON with their Kafka coordinates.
import { encode } from '@msgpack/msgpack';
import type { WindowResult } from '../../stream/index.js';
import type { DeadLetter } from '../../telemetry/dead-letter.js';

/** Results of one operator and entity share a key, so they land on one partition in emission order. */
export function resultKey(r: WindowResult): string {
  return `${r.operator}/${r.key}`;
}

/** { operator, metric, key, start, end, revision, values: { aggregate: number | null } } */
export function encodeResult(r: WindowResult): Buffer {
  const bytes = encode(r);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
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
