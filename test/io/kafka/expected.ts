// The expected output of a co-partitioned test stream: the single-threaded reference run per input partition.
import { coPartitioning } from '../../../src/io/kafka/partitioner.js';
import type { WindowResult } from '../../../src/stream/index.js';
import { encodeReading } from '../../../src/telemetry/codec.js';
import { runReference } from '../../reference/stream-reference.js';
import { CATALOG, OPERATORS, SENSORS, randomStream } from '../../helpers/telemetry-stream.js';
import type { Outgoing } from './kafka-helpers.js';

export const OUT_OF_ORDERNESS_MS = 2_000;

export interface TestInput {
  messages: Outgoing[];
  expected: WindowResult[];
  /** Dead letters the reference counts: invalid readings and late ones. */
  deadLetters: number;
}

/**
 * Random disordered telemetry keyed by co-partition unit, and after it one reading a day later on each
 * partition that closes every window, so the streaming engine emits everything the reference emits.
 */
export function testInput(seed: number, readings: number, partitions: number): TestInput {
  const co = coPartitioning(CATALOG, OPERATORS);
  const of = co.partitionOfSensor(partitions);
  const stream = randomStream(seed, { readings, partitionOf: (s) => String(of[CATALOG.index.get(s) ?? 0]) });
  const lastTs = Math.max(...stream.flatMap((m) => m.readings.map((r) => r.ts)).filter(Number.isFinite));
  const messages: Outgoing[] = stream.map((m) => ({ partition: Number(m.partition), value: m.bytes }));
  const expected: WindowResult[] = [];
  let deadLetters = 0;
  for (let p = 0; p < partitions; p++) {
    const sensor = SENSORS.findIndex((_, s) => of[s] === p);
    if (sensor < 0) continue;
    const closing = {
      sensor: SENSORS[sensor].id,
      metric: SENSORS[sensor].kind === 'detector' ? 'detector.count' : 'feeder.kw',
      ts: lastTs + 86_400_000,
      value: 1,
    };
    messages.push({ partition: p, value: encodeReading(closing), key: co.unitOf[sensor] });
    const mine = stream
      .filter((m) => m.partition === String(p))
      .map((m) => ({ partition: m.partition, readings: m.readings }));
    mine.push({ partition: String(p), readings: [closing] });
    const ref = runReference(
      CATALOG,
      OPERATORS,
      { outOfOrdernessMs: OUT_OF_ORDERNESS_MS, idleTimeoutMs: Infinity },
      mine,
      Date.now(),
      86_400_000 * 400,
    );
    expected.push(...ref.results.filter((r) => r.start <= lastTs));
    deadLetters += ref.invalid + ref.late;
  }
  return { messages, expected, deadLetters };
}

const order = (a: WindowResult, b: WindowResult) =>
  a.operator.localeCompare(b.operator) ||
  a.key.localeCompare(b.key) ||
  a.start - b.start ||
  a.end - b.end ||
  a.revision - b.revision;

export function sorted(rows: WindowResult[]): WindowResult[] {
  return [...rows].sort(order);
}

export const identity = (r: WindowResult) => `${r.operator}|${r.key}|${r.start}|${r.end}|${r.revision}`;
