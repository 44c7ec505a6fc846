// The Kafka benchmark's telemetry: 256-sensor sites whose gateways send their sensors' readings in site order,
// every sensor once per event-time second; shared by the benchmark and its live producer process.
import * as rd from '../src/io/kafka/rdkafka.js';
import type { OperatorSpec } from '../src/stream/index.js';
import { buildCatalog, type SensorCatalog, type Reading } from '../src/telemetry/index.js';

export const T0 = Date.UTC(2026, 0, 5, 6);

/** The product default: a gateway batch spans 16 s of event time, well within it. */
export const OUT_OF_ORDERNESS_MS = 30_000;

/** Sensors per gateway (a site): the site is also a grouping key, so a site's sensors share a partition. */
export const PER_SITE = 256;

/** Per sensor and per site, 10-s windows: each key closes a window every 10 s of event time. */
export const OPERATORS: OperatorSpec[] = [
  {
    name: 'count',
    metric: 'detector.count',
    keyBy: 'sensor',
    window: { type: 'tumbling', sizeMs: 10_000 },
    aggregates: ['count', 'sum', 'mean'],
    allowedLatenessMs: 0,
  },
  {
    name: 'site-count',
    metric: 'detector.count',
    keyBy: 'site',
    window: { type: 'tumbling', sizeMs: 10_000 },
    aggregates: ['sum'],
    allowedLatenessMs: 0,
  },
];

export function benchCatalog(keys: number): SensorCatalog {
  return buildCatalog(
    Array.from({ length: keys }, (_, i) => ({
      id: `d${i}`,
      kind: 'detector' as const,
      owners: { site: `s${Math.floor(i / PER_SITE)}` },
    })),
  );
}

/** Every sensor reports once per event-time second, up to 1 s late: a live city's shape, not a stress pattern. */
function reading(sensor: number, second: number): Reading {
  return {
    sensor: `d${sensor}`,
    metric: 'detector.count',
    ts: T0 + second * 1000 + ((sensor * 7919 + second * 31) % 1000),
    value: (sensor + second) % 17,
  };
}

/**
 * Readings in the order gateways send them: for each block of event time, each site's gateway sends the
 * readings of its sensors over that block as one batch of `perMessage` (or one message per reading).
 */
export function* gatewayOrder(keys: number, readings: number, perMessage: number): Generator<Reading[]> {
  const sites = Math.ceil(keys / PER_SITE);
  const seconds = Math.max(1, Math.floor(perMessage / PER_SITE));
  let n = 0;
  for (let second = 0; n < readings; second += seconds) {
    for (let site = 0; site < sites && n < readings; site++) {
      const batch: Reading[] = [];
      for (let t = second; t < second + seconds; t++) {
        for (let s = site * PER_SITE; s < Math.min(keys, (site + 1) * PER_SITE) && n < readings; s++, n++)
          batch.push(reading(s, t));
      }
      yield batch;
    }
  }
}

/** A plain (non-transactional) producer of telemetry, batching as a gateway fleet's brokers would see it. */
export async function telemetryProducer(brokers: string): Promise<rd.Producer> {
  const p = new rd.RdProducer({
    'bootstrap.servers': brokers,
    'linger.ms': 20,
    'batch.size': 1_000_000,
    'compression.codec': 'lz4',
    'queue.buffering.max.kbytes': 1_048_576,
    'queue.buffering.max.messages': 2_000_000,
  } as never);
  await rd.connect(p, 30_000);
  p.setPollInterval(50);
  return p;
}
