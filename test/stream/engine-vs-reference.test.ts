// Property-style check: the engine (inline and on worker threads, any batch size) emits exactly what the
// single-threaded reference emits, on random disordered streams with late, duplicate and invalid readings.
import { describe, expect, it } from 'vitest';
import { buildCatalog, type CatalogSensor } from '../../src/telemetry/catalog.js';
import { encodeBatch, encodeReading } from '../../src/telemetry/codec.js';
import { DeadLetterLog } from '../../src/telemetry/dead-letter.js';
import type { Reading } from '../../src/telemetry/reading.js';
import { StreamEngine, resultRows, type OperatorSpec, type WindowResult } from '../../src/stream/index.js';
import { DEFAULT_SKETCH_ALPHA } from '../../src/stream/sketch.js';
import { runReference, type RefMessage } from '../reference/stream-reference.js';
import { rng } from '../helpers/rng.js';

const T0 = 1_750_000_000_000;
const NOW = T0 + 86_400_000;
const WM = { outOfOrdernessMs: 2_000, idleTimeoutMs: Number.MAX_SAFE_INTEGER };

const sensors: CatalogSensor[] = [
  ...Array.from({ length: 12 }, (_, i) => ({ id: `det-${i}`, kind: 'detector' as const, owners: { intersection: `I${i % 3}` } })),
  ...Array.from({ length: 4 }, (_, i) => ({ id: `fm-${i}`, kind: 'feeder-meter' as const, owners: { feeder: `F${i % 2}` } })),
];
const catalog = buildCatalog(sensors);

const operators: OperatorSpec[] = [
  { name: 'count10s', metric: 'detector.count', keyBy: 'sensor', window: { type: 'tumbling', sizeMs: 10_000 }, aggregates: ['count', 'sum', 'min', 'max', 'mean', 'variance', 'last', 'p50', 'p95', 'p99'], allowedLatenessMs: 5_000 },
  { name: 'speed20s', metric: 'detector.speed', keyBy: 'intersection', window: { type: 'hopping', sizeMs: 20_000, slideMs: 5_000 }, aggregates: ['count', 'mean', 'max', 'p95'], allowedLatenessMs: 3_000 },
  { name: 'kwSession', metric: 'feeder.kw', keyBy: 'sensor', window: { type: 'session', gapMs: 4_000 }, aggregates: ['count', 'sum', 'last', 'min', 'p50'], allowedLatenessMs: 6_000 },
  { name: 'kwSliding', metric: 'feeder.kw', keyBy: 'feeder', window: { type: 'sliding', sizeMs: 8_000 }, aggregates: ['count', 'sum', 'max', 'variance'], allowedLatenessMs: 4_000 },
  { name: 'countStrict', metric: 'detector.count', keyBy: 'intersection', window: { type: 'tumbling', sizeMs: 15_000, offsetMs: 1_000 }, aggregates: ['sum', 'count'], allowedLatenessMs: 0 },
];

interface Stream {
  messages: RefMessage[];
  encoded: { partition: string; bytes: Uint8Array }[];
}

function randomStream(seed: number): Stream {
  const r = rng(seed);
  const readings: Reading[] = [];
  let t = T0;
  for (let i = 0; i < 700; i++) {
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
    const v = r();
    if (v < 0.01) reading.sensor = 'ghost';
    else if (v < 0.02) reading.value = NaN;
    else if (v < 0.025 && metric === 'detector.speed') reading.value = 999;
    readings.push(reading);
    if (r() < 0.03) readings.push({ ...reading });
  }
  const messages: RefMessage[] = [];
  const encoded: Stream['encoded'] = [];
  for (let i = 0; i < readings.length; ) {
    const n = 1 + Math.floor(r() * 15);
    const chunk = readings.slice(i, i + n);
    i += n;
    const partition = r() < 0.5 ? 'p0' : 'p1';
    messages.push({ partition, readings: chunk });
    encoded.push({ partition, bytes: chunk.length === 1 ? encodeReading(chunk[0]) : encodeBatch(chunk) });
  }
  return { messages, encoded };
}

async function runEngine(stream: Stream, workers: number, batchSize: number, flushIntervalMs: number) {
  const rows: WindowResult[] = [];
  const dead = new DeadLetterLog();
  const engine = new StreamEngine({
    catalog,
    operators,
    watermark: WM,
    workers,
    batchSize,
    flushIntervalMs,
    maxInFlight: 2,
    clock: () => NOW,
    deadLetter: dead.add,
    onResults: (spec, cols) => rows.push(...resultRows(spec, catalog, cols)),
  });
  try {
    for (const m of stream.encoded) await engine.ingestMessage(m.bytes, m.partition);
    await engine.finish();
    return { rows, dead, stats: engine.stats() };
  } finally {
    await engine.close();
  }
}

const order = (a: WindowResult, b: WindowResult) =>
  a.operator.localeCompare(b.operator) || a.key.localeCompare(b.key) || a.start - b.start || a.end - b.end || a.revision - b.revision;

function expectSameResults(actual: WindowResult[], expected: WindowResult[]): void {
  const a = [...actual].sort(order);
  const e = [...expected].sort(order);
  expect(a.map((x) => [x.operator, x.key, x.start, x.end, x.revision])).toEqual(e.map((x) => [x.operator, x.key, x.start, x.end, x.revision]));
  for (let i = 0; i < a.length; i++) {
    for (const [agg, want] of Object.entries(e[i].values)) {
      const got = a[i].values[agg];
      const where = `${a[i].operator} ${a[i].key} [${a[i].start}, ${a[i].end}) rev ${a[i].revision} ${agg}`;
      if (want === null) {
        expect(got, where).toBeNull();
        continue;
      }
      expect(got, where).not.toBeNull();
      // Quantiles come from the sketch: within its relative error of the exact order statistic.
      const tol = agg.startsWith('p') ? DEFAULT_SKETCH_ALPHA * Math.abs(want) + 1e-9 : 1e-9 * Math.max(1, Math.abs(want));
      expect(Math.abs(got! - want), `${where}: got ${got}, want ${want}`).toBeLessThanOrEqual(tol);
    }
  }
}

describe('stream engine equals the single-threaded reference', () => {
  const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
  for (const seed of seeds) {
    it(`seed ${seed}: inline and two workers, small and large batches`, async () => {
      const stream = randomStream(seed);
      const ref = runReference(catalog, operators, WM, stream.messages, NOW, 86_400_000);
      expect(ref.results.length).toBeGreaterThan(50);
      expect(ref.results.some((r) => r.revision > 0)).toBe(true);
      for (const [workers, batchSize, flush] of [[0, 3, 0], [2, 5, 0], [2, 4096, 1e12], [1, 17, 0]] as const) {
        const got = await runEngine(stream, workers, batchSize, flush);
        expectSameResults(got.rows, ref.results);
        expect(got.stats.late).toBe(ref.late);
        expect(got.dead.counts.get('late') ?? 0).toBe(ref.late);
        const invalid = got.dead.total - (got.dead.counts.get('late') ?? 0);
        expect(invalid).toBe(ref.invalid);
      }
    });
  }
});

describe('stream engine on worker threads keeps per-key order', () => {
  it('a long stream of large batches gives the same results on 1 and 2 workers as inline, with nothing late', async () => {
    const r = rng(99);
    const messages: Stream['encoded'] = [];
    let t = T0;
    for (let m = 0; m < 60; m++) {
      const batch: Reading[] = [];
      for (let i = 0; i < 2000; i++) {
        t += 1;
        batch.push({ sensor: `det-${Math.floor(r() * 12)}`, metric: 'detector.count', ts: t - Math.floor(r() * 1_500), value: Math.floor(r() * 9) });
      }
      messages.push({ partition: 'p0', bytes: encodeBatch(batch) });
    }
    const stream: Stream = { messages: [], encoded: messages };
    const inline = await runEngine(stream, 0, 8192, 5);
    expect(inline.stats.late).toBe(0);
    for (const workers of [1, 2]) {
      const got = await runEngine(stream, workers, 1024, 0);
      expect(got.stats.late).toBe(0);
      expectSameResults(got.rows, inline.rows);
    }
  });
});

describe('backpressure', () => {
  it('ingest waits for a slow worker: tasks in flight stay bounded and every reading is counted', async () => {
    let results = 0;
    const engine = new StreamEngine({
      catalog,
      operators: [operators[0]],
      watermark: WM,
      workers: 1,
      batchSize: 64,
      maxInFlight: 1,
      flushIntervalMs: 0,
      clock: () => NOW,
      deadLetter: () => undefined,
      onResults: (_, cols) => (results += cols.values[0].reduce((a, b) => a + b, 0)),
    });
    let maxInFlight = 0;
    let sent = 0;
    try {
      for (let m = 0; m < 200; m++) {
        const batch: Reading[] = Array.from({ length: 100 }, (_, i) => ({ sensor: `det-${i % 12}`, metric: 'detector.count', ts: T0 + m * 100 + i, value: 1 }));
        sent += batch.length;
        await engine.ingestMessage(encodeBatch(batch));
        maxInFlight = Math.max(maxInFlight, engine.stats().tasksInFlight);
      }
      await engine.finish();
    } finally {
      await engine.close();
    }
    expect(maxInFlight).toBeLessThanOrEqual(1);
    expect(results).toBe(sent);
  });
});
