// Property-style check: the engine (inline and on worker threads, any batch size) emits exactly what the
// single-threaded reference emits, on random disordered streams with late, duplicate and invalid readings.
import { describe, expect, it } from 'vitest';
import { encodeBatch } from '../../src/telemetry/codec.js';
import { DeadLetterLog } from '../../src/telemetry/dead-letter.js';
import type { Reading } from '../../src/telemetry/reading.js';
import { StreamEngine, resultRows, type WindowResult } from '../../src/stream/index.js';
import { expectSameResults } from '../reference/expect-same-results.js';
import { runReference, type RefMessage } from '../reference/stream-reference.js';
import { rng } from '../helpers/rng.js';
import { CATALOG, OPERATORS, T0, randomStream as randomTelemetry } from '../helpers/telemetry-stream.js';

const NOW = T0 + 86_400_000;
const WM = { outOfOrdernessMs: 2_000, idleTimeoutMs: Number.MAX_SAFE_INTEGER };
const catalog = CATALOG;
const operators = OPERATORS;

interface Stream {
  messages: RefMessage[];
  encoded: { partition: string; bytes: Uint8Array }[];
}

function randomStream(seed: number): Stream {
  const messages = randomTelemetry(seed, { readings: 700 });
  return { messages, encoded: messages };
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

describe('stream engine equals the single-threaded reference', () => {
  const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
  for (const seed of seeds) {
    it(`seed ${seed}: inline and two workers, small and large batches`, async () => {
      const stream = randomStream(seed);
      const ref = runReference(catalog, operators, WM, stream.messages, NOW, 86_400_000);
      expect(ref.results.length).toBeGreaterThan(50);
      expect(ref.results.some((r) => r.revision > 0)).toBe(true);
      for (const [workers, batchSize, flush] of [
        [0, 3, 0],
        [2, 5, 0],
        [2, 4096, 1e12],
        [1, 17, 0],
      ] as const) {
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
        batch.push({
          sensor: `det-${Math.floor(r() * 12)}`,
          metric: 'detector.count',
          ts: t - Math.floor(r() * 1_500),
          value: Math.floor(r() * 9),
        });
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
        const batch: Reading[] = Array.from({ length: 100 }, (_, i) => ({
          sensor: `det-${i % 12}`,
          metric: 'detector.count',
          ts: T0 + m * 100 + i,
          value: 1,
        }));
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
