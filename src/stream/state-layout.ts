// Which bucket of checkpointed state each key belongs to: buckets by a hash of the entity name, so a checkpoint of a dense update writes a few large records.
import { configError } from '../errors.js';
import type { SensorCatalog } from '../telemetry/index.js';
import type { OperatorSpec } from './spec.js';

/** The entity names of one operator's keys as UTF-8, key i at bytes[offset[i], offset[i + 1]). */
export interface EncodedNames {
  bytes: Uint8Array;
  offset: Uint32Array;
}

/**
 * Per operator: the bucket count (a power of two), each key's bucket and the keys' names. A key's bucket
 * depends only on its name and the bucket count, so adding entities to the city moves no other key.
 */
export interface StateLayout {
  bucketCount: number[];
  bucketOf: Uint32Array[];
  names: EncodedNames[];
}

export interface LayoutSizing {
  /** Keys a bucket should hold within one source partition (default 32). */
  keysPerBucket?: number;
  /** Source partitions the keys are spread over (default 1). */
  partitions?: number;
}

const MAX_BUCKETS = 1 << 16;

/** FNV-1a with a final mix: the low bits pick the bucket, so they must depend on every byte. */
export function nameHash(bytes: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

export function encodeNames(names: readonly string[]): EncodedNames {
  const enc = new TextEncoder();
  const offset = new Uint32Array(names.length + 1);
  const parts = names.map((n) => enc.encode(n));
  let size = 0;
  parts.forEach((p, i) => {
    if (p.length > 0xffff)
      throw configError(`entity name of ${p.length} bytes is longer than the 65535 a checkpoint can hold`);
    size += p.length;
    offset[i + 1] = size;
  });
  const bytes = new Uint8Array(size);
  parts.forEach((p, i) => bytes.set(p, offset[i]));
  return { bytes, offset };
}

/** Each key's bucket among `buckets` (a power of two). */
export function bucketsOf(names: EncodedNames, buckets: number): Uint32Array {
  const n = names.offset.length - 1;
  const out = new Uint32Array(n);
  for (let k = 0; k < n; k++) out[k] = nameHash(names.bytes, names.offset[k], names.offset[k + 1]) & (buckets - 1);
  return out;
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n && p < MAX_BUCKETS) p *= 2;
  return p;
}

/** Buckets sized so that one holds about `keysPerBucket` keys of a source partition. */
export function stateLayout(
  catalog: SensorCatalog,
  operators: readonly OperatorSpec[],
  sizing: LayoutSizing = {},
): StateLayout {
  const perBucket = (sizing.keysPerBucket ?? 32) * (sizing.partitions ?? 1);
  const names = operators.map((op) => encodeNames(catalog.groupings.get(op.keyBy)!.keys));
  const bucketCount = names.map((n) => nextPowerOfTwo(Math.ceil((n.offset.length - 1) / perBucket)));
  return { bucketCount, bucketOf: names.map((n, i) => bucketsOf(n, bucketCount[i])), names };
}

/** The keys of each bucket, in key order (CSR: bucket b holds keys[start[b], start[b + 1])). */
export interface BucketMembers {
  start: Uint32Array;
  keys: Uint32Array;
}

export function bucketMembers(bucketOf: Uint32Array, buckets: number): BucketMembers {
  const start = new Uint32Array(buckets + 1);
  for (let k = 0; k < bucketOf.length; k++) start[bucketOf[k] + 1]++;
  for (let b = 0; b < buckets; b++) start[b + 1] += start[b];
  const fill = start.slice(0, buckets);
  const keys = new Uint32Array(bucketOf.length);
  for (let k = 0; k < bucketOf.length; k++) keys[fill[bucketOf[k]]++] = k;
  return { start, keys };
}
