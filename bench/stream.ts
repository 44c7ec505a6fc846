// Stream benchmark: decode + validate + route + window aggregation throughput, emit delay, and state per key.
import { encode } from '@msgpack/msgpack';
import { buildCatalog, type SensorCatalog, DeadLetterLog } from '../src/telemetry/index.js';
import { StreamEngine, type OperatorSpec } from '../src/stream/index.js';
import type { Bench } from './index.js';

const T0 = Date.UTC(2026, 0, 5, 6);
/** Messages per consumer poll (librdkafka's consume(n) and an HTTP batch both hand over many at once). */
const POLL_MESSAGES = 500;
/** The emit-delay run: seconds of event time not counted (start-up), then counted (at least 20 window closes). */
const DELAY_WARM_SECONDS = 4;
const DELAY_SECONDS = 20;

function flag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

function syntheticCatalog(keys: number): SensorCatalog {
  return buildCatalog(Array.from({ length: keys }, (_, i) => ({ id: `d${i}`, kind: 'detector' as const, owners: {} })));
}

const countOperator = (windowMs: number): OperatorSpec => ({
  name: 'count',
  metric: 'detector.count',
  keyBy: 'sensor',
  window: { type: 'tumbling', sizeMs: windowMs },
  aggregates: ['count', 'sum', 'mean'],
  allowedLatenessMs: 0,
});

/**
 * Gateway batches: the keys are spread over gateways of `perGateway` sensors, and each message carries
 * `perMessage` readings of one gateway's sensors, as a field gateway sends them. Event time advances
 * `msPerReading` per reading with up to 1 s of disorder.
 */
function batchedMessages(
  keys: number,
  total: number,
  perMessage: number,
  msPerReading: number,
  seed = 7,
  perGateway = 256,
): Uint8Array[] {
  let s = seed;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const gateways = Math.max(1, Math.ceil(keys / perGateway));
  const out: Uint8Array[] = [];
  const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  for (let off = 0, g = 0; off < total; off += perMessage, g = (g + 1) % gateways) {
    const n = Math.min(perMessage, total - off);
    const first = g * perGateway;
    const size = Math.min(perGateway, keys - first);
    const names = Array.from({ length: size }, (_, i) => `d${first + i}`);
    const idx = new Uint32Array(n);
    const ts = new Float64Array(n);
    const value = new Float64Array(n);
    const metric = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      idx[i] = (off + i) % size;
      ts[i] = T0 + (off + i) * msPerReading - rand() * 1000;
      value[i] = Math.floor(rand() * 20);
    }
    out.push(
      encode({
        sensors: names,
        metrics: ['detector.count'],
        sensor: bytes(idx),
        metric: bytes(metric),
        ts: bytes(ts),
        value: bytes(value),
      }),
    );
  }
  return out;
}

function singleMessages(keys: number, total: number, msPerReading: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < total; i++) {
    out.push(
      encode({
        sensor: `d${(i * 7919) % keys}`,
        metric: 'detector.count',
        ts: T0 + i * msPerReading - (i % 13) * 50,
        value: i % 17,
      }),
    );
  }
  return out;
}

async function throughput(
  catalog: SensorCatalog,
  messages: Uint8Array[],
  readings: number,
  workers: number,
): Promise<number> {
  const dead = new DeadLetterLog();
  let results = 0;
  const engine = new StreamEngine({
    catalog,
    operators: [countOperator(60_000)],
    watermark: { outOfOrdernessMs: 2_000, idleTimeoutMs: 60_000 },
    workers,
    clock: () => performance.timeOrigin + performance.now(),
    maxFutureMs: 365 * 86_400_000,
    deadLetter: dead.add,
    onResults: (_, cols) => (results += cols.key.length),
  });
  // Warm up the workers and the JIT on the first tenth, then time the rest.
  const warm = Math.floor(messages.length / 10);
  // Messages arrive as a consumer poll returns them: up to POLL_MESSAGES at a time.
  const poll = async (from: number, to: number) => {
    for (let i = from; i < to; i += POLL_MESSAGES)
      await engine.ingestMessages(messages.slice(i, Math.min(to, i + POLL_MESSAGES)));
  };
  await poll(0, warm);
  await engine.flush();
  await engine.drain();
  const t = performance.now();
  await poll(warm, messages.length);
  await engine.finish();
  const ms = performance.now() - t;
  await engine.close();
  if (dead.total > 0)
    throw new Error(`benchmark input produced ${dead.total} dead letters: ${JSON.stringify(dead.summary())}`);
  if (results === 0) throw new Error('no window results');
  return (readings * (messages.length - warm)) / messages.length / (ms / 1000);
}

/**
 * Emit delay at a steady `rate`: the first `warmSeconds` of event time (worker threads compiling their code,
 * buffers growing to a window's size) are run but not counted.
 */
async function emitDelayAt(
  catalog: SensorCatalog,
  messages: Uint8Array[],
  perMessage: number,
  rate: number,
  warmSeconds: number,
): Promise<number> {
  const dead = new DeadLetterLog();
  const engine = new StreamEngine({
    catalog,
    operators: [countOperator(1_000)],
    watermark: { outOfOrdernessMs: 200, idleTimeoutMs: 60_000 },
    workers: 2,
    maxFutureMs: 365 * 86_400_000,
    deadLetter: dead.add,
  });
  const warmMessages = Math.round((warmSeconds * rate) / perMessage);
  let warm = engine.emitDelayHistogram();
  const start = performance.now();
  for (let i = 0; i < messages.length; i++) {
    if (i === warmMessages) warm = engine.emitDelayHistogram();
    const due = start + ((i * perMessage) / rate) * 1000;
    let now = performance.now();
    if (due > now) {
      await engine.tick();
      now = performance.now();
      if (due > now) await new Promise((r) => setTimeout(r, Math.max(0, due - now)));
    }
    await engine.ingestMessage(messages[i]);
  }
  await engine.finish();
  const p99 = engine.emitDelayHistogram().since(warm).quantile(0.99);
  await engine.close();
  return p99;
}

async function bytesPerKey(keys: number): Promise<{ bytesPerKey: number; windows: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench does)');
  const catalog = syntheticCatalog(keys);
  const messages = batchedMessages(keys, keys, 256, 0, 11);
  gc();
  const before = process.memoryUsage();
  const engine = new StreamEngine({
    catalog,
    operators: [countOperator(300_000)],
    watermark: { outOfOrdernessMs: 2_000, idleTimeoutMs: 60_000 },
    workers: 0,
    maxFutureMs: 365 * 86_400_000,
    deadLetter: () => undefined,
  });
  // One reading per key, all in one window still open: every key holds live window state.
  for (const m of messages) await engine.ingestMessage(m);
  await engine.flush();
  gc();
  const after = process.memoryUsage();
  const windows = engine.stats().activeWindows;
  const bytes = after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers;
  await engine.close();
  return { bytesPerKey: bytes / windows, windows };
}

export const streamBench: Bench = async (args) => {
  const keys = flag(args, 'keys', 100_000);
  const total = flag(args, 'readings', 6_000_000);
  const perMessage = flag(args, 'batch', 4096);
  const singles = flag(args, 'single-readings', 1_500_000);
  const catalog = syntheticCatalog(keys);
  process.stderr.write(
    `encoding ${total} readings in batches of ${perMessage}, ${singles} single-reading messages, ${keys} keys\n`,
  );
  const batched = batchedMessages(keys, total, perMessage, 1);
  const single = singleMessages(keys, singles, 1);
  const oneWorker = await throughput(catalog, batched, total, 1);
  process.stderr.write(`1 worker: ${Math.round(oneWorker)} readings/s\n`);
  const twoWorkers = await throughput(catalog, batched, total, 2);
  process.stderr.write(`2 workers: ${Math.round(twoWorkers)} readings/s\n`);
  const singleRate = await throughput(catalog, single, singles, 2);
  process.stderr.write(`single-reading messages, 2 workers: ${Math.round(singleRate)} readings/s\n`);
  const best = Math.max(oneWorker, twoWorkers);
  // Event time runs at wall-clock pace, as live telemetry does: 1-s windows close once a second.
  const delayRate = best * 0.5;
  const delayMessages = batchedMessages(
    keys,
    Math.round(delayRate * (DELAY_WARM_SECONDS + DELAY_SECONDS)),
    1024,
    1000 / delayRate,
    3,
  );
  const emitDelayP99Ms = await emitDelayAt(catalog, delayMessages, 1024, delayRate, DELAY_WARM_SECONDS);
  process.stderr.write(`emit delay p99 at ${Math.round(best * 0.5)} readings/s: ${emitDelayP99Ms.toFixed(2)} ms\n`);
  const memory = await bytesPerKey(flag(args, 'memory-keys', 1_000_000));
  return {
    batchedReadingsPerSec: Math.round(best),
    singleReadingsPerSec: Math.round(singleRate),
    oneWorkerReadingsPerSec: Math.round(oneWorker),
    twoWorkerReadingsPerSec: Math.round(twoWorkers),
    emitDelayP99Ms: Number(emitDelayP99Ms.toFixed(2)),
    emitDelayRateReadingsPerSec: Math.round(best * 0.5),
    bytesPerKey: Math.round(memory.bytesPerKey),
    memoryKeys: memory.windows,
    keys,
    readings: total,
    batchSize: perMessage,
  };
};
