// Co-partitioning: which input partition each sensor's readings must arrive on, so no grouping key is split.
//
// A grouping key (lane group, approach, feeder, ...) aggregates several sensors; if two processes each saw a
// part of its readings, both would emit partial windows. So sensors that share a key of any declared operator
// form one co-partition unit (connected components over the operators' groupings, restricted to the sensors
// that report the operator's metric), and a unit lives on exactly one partition: murmur2(unit id) mod
// partitions, the Kafka default partitioner applied to the unit id as message key. Producers key messages
// by the unit id (or compute the partition the same way); the engine checks every reading against it.
import { SENSOR_KINDS, type SensorCatalog, METRICS, type PartitionOwnership } from '../../telemetry/index.js';
import type { OperatorSpec } from '../../stream/index.js';

const encoder = new TextEncoder();

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), as librdkafka's murmur2 partitioner uses it. */
export function murmur2(data: Uint8Array): number {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = (0x9747b28c ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4] | (data[i4 + 1] << 8) | (data[i4 + 2] << 16) | (data[i4 + 3] << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const tail = length & ~3;
  switch (length % 4) {
    case 3:
      h ^= data[tail + 2] << 16;
    // falls through
    case 2:
      h ^= data[tail + 1] << 8;
    // falls through
    case 1:
      h ^= data[tail];
      h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition the Kafka default partitioner picks for a message key. */
export function partitionForKey(key: string, partitions: number): number {
  return (murmur2(encoder.encode(key)) & 0x7fffffff) % partitions;
}

export interface CoPartitioning {
  /** Unit id of each catalog sensor: the message key a producer uses for its readings. */
  unitOf: string[];
  /** Input partition of each sensor for a topic of `partitions` partitions. */
  partitionOfSensor(partitions: number): Int32Array;
  /** What an engine consuming `partition` accepts, with the reason it refuses the rest. */
  ownership(partition: number, partitions: number): PartitionOwnership;
}

export function coPartitioning(catalog: SensorCatalog, operators: readonly OperatorSpec[]): CoPartitioning {
  const n = catalog.ids.length;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]];
    return x;
  };
  const label: string[] = catalog.ids.map((id) => `sensor:${id}`);
  const grouped = new Uint8Array(n);
  for (const op of operators) {
    if (op.keyBy === 'sensor') continue;
    const grouping = catalog.groupings.get(op.keyBy);
    const metric = METRICS.find((m) => m.name === op.metric);
    if (!grouping || !metric) continue;
    const kind = SENSOR_KINDS.indexOf(metric.sensorKind);
    const first = new Map<number, number>();
    for (let s = 0; s < n; s++) {
      const key = grouping.ofSensor[s];
      if (key < 0 || catalog.kind[s] !== kind) continue;
      const name = `${op.keyBy}:${grouping.keys[key]}`;
      if (!grouped[s] || name < label[s]) label[s] = name;
      grouped[s] = 1;
      const f = first.get(key);
      if (f === undefined) first.set(key, s);
      else parent[find(s)] = find(f);
    }
  }
  // A unit is named by the smallest grouping key among its members: stable whatever the operator order.
  const unitName = new Map<number, string>();
  for (let s = 0; s < n; s++) {
    const root = find(s);
    const name = unitName.get(root);
    if (name === undefined || label[s] < name) unitName.set(root, label[s]);
  }
  const unitOf = catalog.ids.map((_, s) => unitName.get(find(s))!);
  const cache = new Map<number, Int32Array>();
  const partitionOfSensor = (partitions: number): Int32Array => {
    let p = cache.get(partitions);
    if (!p) cache.set(partitions, (p = Int32Array.from(unitOf, (u) => partitionForKey(u, partitions))));
    return p;
  };
  return {
    unitOf,
    partitionOfSensor,
    ownership(partition, partitions) {
      const of = partitionOfSensor(partitions);
      return {
        accept: Uint8Array.from(of, (p) => (p === partition ? 1 : 0)),
        explain: (s) =>
          `sensor '${catalog.ids[s]}' belongs to co-partition unit '${unitOf[s]}', which goes to partition ${of[s]} of ${partitions} ` +
          `(murmur2 of the unit id, the key producers must use), not to partition ${partition}: aggregating it here would split its windows`,
      };
    },
  };
}
