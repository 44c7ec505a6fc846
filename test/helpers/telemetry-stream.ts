// Random disordered telemetry for stream tests: a small catalog, operators of every window type, and messages
// (single readings and gateway batches) with late, duplicate, bad-quality and invalid readings.
import { buildCatalog, type CatalogSensor } from '../../src/telemetry/catalog.js';
import { encodeBatch, encodeReading } from '../../src/telemetry/codec.js';
import type { Reading } from '../../src/telemetry/reading.js';
import type { OperatorSpec } from '../../src/stream/index.js';
import { rng } from './rng.js';

export const T0 = 1_750_000_000_000;

export const SENSORS: CatalogSensor[] = [
  ...Array.from({ length: 12 }, (_, i) => ({
    id: `det-${i}`,
    kind: 'detector' as const,
    owners: { intersection: `I${i % 3}` },
  })),
  ...Array.from({ length: 4 }, (_, i) => ({
    id: `fm-${i}`,
    kind: 'feeder-meter' as const,
    owners: { feeder: `F${i % 2}` },
  })),
];
export const CATALOG = buildCatalog(SENSORS);

export const OPERATORS: OperatorSpec[] = [
  {
    name: 'count10s',
    metric: 'detector.count',
    keyBy: 'sensor',
    window: { type: 'tumbling', sizeMs: 10_000 },
    aggregates: ['count', 'sum', 'min', 'max', 'mean', 'variance', 'last', 'p50', 'p95', 'p99'],
    allowedLatenessMs: 5_000,
  },
  {
    name: 'speed20s',
    metric: 'detector.speed',
    keyBy: 'intersection',
    window: { type: 'hopping', sizeMs: 20_000, slideMs: 5_000 },
    aggregates: ['count', 'mean', 'max', 'p95'],
    allowedLatenessMs: 3_000,
  },
  {
    name: 'kwSession',
    metric: 'feeder.kw',
    keyBy: 'sensor',
    window: { type: 'session', gapMs: 4_000 },
    aggregates: ['count', 'sum', 'last', 'min', 'p50'],
    allowedLatenessMs: 6_000,
  },
  {
    name: 'kwSliding',
    metric: 'feeder.kw',
    keyBy: 'feeder',
    window: { type: 'sliding', sizeMs: 8_000 },
    aggregates: ['count', 'sum', 'max', 'variance'],
    allowedLatenessMs: 4_000,
  },
  {
    name: 'countStrict',
    metric: 'detector.count',
    keyBy: 'intersection',
    window: { type: 'tumbling', sizeMs: 15_000, offsetMs: 1_000 },
    aggregates: ['sum', 'count'],
    allowedLatenessMs: 0,
  },
];

export interface StreamMessage {
  partition: string;
  readings: Reading[];
  bytes: Uint8Array;
}

export interface StreamOptions {
  readings: number;
  /** Partition of a message from its first reading's sensor; random p0/p1 when absent. */
  partitionOf?: (sensor: string) => string;
  /** Share of readings that are invalid (unknown sensor, NaN, out of range). */
  invalid?: number;
}

/** Messages of 1 to 15 readings of one partition each, event time drifting forward with bounded and late disorder. */
export function randomStream(seed: number, o: StreamOptions): StreamMessage[] {
  const r = rng(seed);
  const invalid = o.invalid ?? 0.025;
  const readings: Reading[] = [];
  let t = T0;
  for (let i = 0; i < o.readings; i++) {
    t += Math.floor(r() * 400);
    const u = r();
    let sensor: string;
    let metric: string;
    let value: number;
    if (u < 0.5) {
      sensor = `det-${Math.floor(r() * 12)}`;
      metric = 'detector.count';
      value = Math.floor(r() * 30);
    } else if (u < 0.8) {
      sensor = `det-${Math.floor(r() * 12)}`;
      metric = 'detector.speed';
      value = 20 + r() * 60;
    } else {
      // bursty feeder meters so that sessions open and close
      if (Math.floor(t / 9_000) % 2 === 1) continue;
      sensor = `fm-${Math.floor(r() * 4)}`;
      metric = 'feeder.kw';
      value = -50 + r() * 900;
    }
    const late = r() < 0.06;
    const delay = late ? 3_000 + r() * 14_000 : Math.min(1_999, -Math.log(1 - r()) * 500);
    const reading: Reading = { sensor, metric, ts: Math.round(t - delay), value };
    if (r() < 0.03) reading.quality = 'bad';
    else if (r() < 0.05) reading.quality = 'uncertain';
    const v = r() * (invalid / 0.025);
    if (v < 0.01) reading.sensor = 'ghost';
    else if (v < 0.02) reading.value = NaN;
    else if (v < 0.025 && metric === 'detector.speed') reading.value = 999;
    readings.push(reading);
    if (r() < 0.03) readings.push({ ...reading });
  }
  const byPartition = new Map<string, Reading[]>();
  const messages: StreamMessage[] = [];
  const cut = (partition: string, chunk: Reading[]) =>
    messages.push({
      partition,
      readings: chunk,
      bytes: chunk.length === 1 ? encodeReading(chunk[0]) : encodeBatch(chunk),
    });
  for (let i = 0; i < readings.length;) {
    const n = 1 + Math.floor(r() * 15);
    const chunk = readings.slice(i, i + n);
    i += n;
    if (!o.partitionOf) {
      cut(r() < 0.5 ? 'p0' : 'p1', chunk);
      continue;
    }
    // Co-partitioned: a message holds readings of one partition only, as a gateway of one site sends them.
    byPartition.clear();
    for (const x of chunk) {
      const p = o.partitionOf(x.sensor);
      let list = byPartition.get(p);
      if (!list) byPartition.set(p, (list = []));
      list.push(x);
    }
    for (const [p, list] of byPartition) cut(p, list);
  }
  return messages;
}
