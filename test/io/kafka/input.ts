// Test telemetry for the real-broker tests: a small generated city, simulator readings produced into Kafka the
// way `simulate --kafka` does, and the reference's view of what was produced (read back from the topic).
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogFromCity } from '../../../src/app/catalog.js';
import { DEFAULT_OPERATORS } from '../../../src/app/operators.js';
import { formatCityJson, generateCity } from '../../../src/city/index.js';
import { TelemetryProducer, coPartitioning } from '../../../src/io/kafka/index.js';
import { createSimulator } from '../../../src/sim/index.js';
import type { WindowResult } from '../../../src/stream/index.js';
import { decodeWire } from '../../../src/telemetry/codec.js';
import { QUALITY_NAMES, type Reading } from '../../../src/telemetry/reading.js';
import { runReference, type RefMessage } from '../../reference/stream-reference.js';
import { kafkaConfig, readTopic } from './kafka-helpers.js';

export const PARTITIONS = 4;
export const OUT_OF_ORDERNESS_MS = 30_000;
export const FROM = Date.UTC(2026, 5, 15, 6);
const HOURS = 3;
const CHUNK_MS = 60_000;

export const city = generateCity({
  seed: 5,
  intersections: 5,
  feeders: 3,
  resourcesPerFeeder: 2,
  bins: 30,
  depots: 1,
  trucksPerDepot: 1,
  weatherStations: 2,
});
export const catalog = catalogFromCity(city);
export const operators = DEFAULT_OPERATORS;
export const co = coPartitioning(catalog, operators);

export function writeCityFile(): string {
  const file = join(tmpdir(), `urbanflow-kafka-test-city-${process.pid}.json`);
  writeFileSync(file, formatCityJson(city));
  return file;
}

/** The simulator's readings in arrival order, in one-minute chunks (as `simulate --kafka` sends them). */
export function chunks(): Reading[][] {
  const sim = createSimulator(city, { seed: 9, startMs: FROM });
  const out: Reading[][] = [];
  for (let t = FROM; t < FROM + HOURS * 3_600_000; t += CHUNK_MS) out.push(sim.step(t, t + CHUNK_MS));
  return out;
}

/** One reading a day after the data on each partition: every window of the data closes. */
export function closingReadings(): Reading[] {
  const of = co.partitionOfSensor(PARTITIONS);
  const metricOf: Record<string, string> = {
    detector: 'detector.count',
    'feeder-meter': 'feeder.kw',
    'dr-resource': 'dr.kw',
    bin: 'bin.fill',
    weather: 'weather.temp_c',
  };
  const kinds = ['detector', 'feeder-meter', 'dr-resource', 'bin', 'weather'];
  const out: Reading[] = [];
  for (let p = 0; p < PARTITIONS; p++) {
    const s = catalog.ids.findIndex((_, i) => of[i] === p);
    if (s >= 0)
      out.push({
        sensor: catalog.ids[s],
        metric: metricOf[kinds[catalog.kind[s]]],
        ts: FROM + (HOURS + 24) * 3_600_000,
        value: 0.5,
      });
  }
  return out;
}

export function topics(prefix: string) {
  return { input: `${prefix}.telemetry`, results: `${prefix}.results`, deadLetters: `${prefix}.dead-letters` };
}

/** Produces the chunks (then the closing readings), `paceMs` apart: a live stream the engine consumes as it arrives. */
export async function produceInput(
  brokers: string,
  prefix: string,
  paceMs: number,
  during?: (chunk: number) => Promise<void>,
): Promise<void> {
  const producer = await TelemetryProducer.connect({
    config: kafkaConfig(brokers, { inputTopic: topics(prefix).input, partitions: PARTITIONS }),
    catalog,
    operators,
  });
  const all = chunks();
  for (let i = 0; i < all.length; i++) {
    producer.send(all[i]);
    if (paceMs > 0) await new Promise((r) => setTimeout(r, paceMs));
    await during?.(i);
  }
  producer.send(closingReadings());
  await producer.close();
}

function readingsOf(bytes: Uint8Array): Reading[] {
  const msg = decodeWire(bytes);
  if (msg.kind === 'single') {
    const r = msg.reading;
    return [
      {
        sensor: r.sensor,
        metric: r.metric,
        ts: r.ts,
        value: r.value,
        ...(r.quality ? { quality: QUALITY_NAMES[r.quality] } : {}),
      },
    ];
  }
  const b = msg.batch;
  return Array.from({ length: b.length }, (_, i) => ({
    sensor: b.sensorNames[b.sensor[i]],
    metric: b.metricNames[b.metric[i]],
    ts: b.ts[i],
    value: b.value[i],
    ...(b.quality[i] ? { quality: QUALITY_NAMES[b.quality[i]] } : {}),
  }));
}

/** The input as stored, per partition in offset order: exactly what each partition's engine sees. */
export async function storedInput(brokers: string, prefix: string): Promise<RefMessage[][]> {
  const msgs = await readTopic(brokers, topics(prefix).input, PARTITIONS);
  const parts: RefMessage[][] = Array.from({ length: PARTITIONS }, () => []);
  for (const m of [...msgs].sort((a, b) => a.offset - b.offset)) {
    try {
      parts[m.partition].push({ partition: String(m.partition), readings: readingsOf(m.value!) });
    } catch {
      // Undecodable messages are dead letters, not reference input.
    }
  }
  return parts;
}

/** The reference per partition, without the closing readings' own windows. */
export function referenceResults(input: RefMessage[][]): { results: WindowResult[]; deadLetters: number } {
  const closing = FROM + (HOURS + 24) * 3_600_000;
  const results: WindowResult[] = [];
  let deadLetters = 0;
  for (const messages of input) {
    const ref = runReference(
      catalog,
      operators,
      { outOfOrdernessMs: OUT_OF_ORDERNESS_MS, idleTimeoutMs: Infinity },
      messages,
      Date.now(),
      86_400_000,
    );
    results.push(...ref.results.filter((r) => r.end <= closing - 86_400_000 / 2));
    deadLetters += ref.invalid + ref.late;
  }
  return { results, deadLetters };
}
