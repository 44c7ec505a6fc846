// Kafka benchmark on a real broker it starts itself: end-to-end readings/s from the input topic to committed
// results (gateway batches and single-reading messages), node-rdkafka's raw consume rate on the same broker as
// the ceiling, and the consumer lag while telemetry arrives at half the measured rate.
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { KafkaConfig } from '../src/config.js';
import { KafkaProcessor, coPartitioning } from '../src/io/kafka/index.js';
import * as rd from '../src/io/kafka/rdkafka.js';
import { type SensorCatalog, encodeBatch, encodeReading } from '../src/telemetry/index.js';
import type { Bench } from './index.js';
import { KafkaBroker } from './kafka-broker.js';
import type { LiveProducerArgs } from './kafka-live-producer.js';
import {
  OPERATORS,
  OUT_OF_ORDERNESS_MS,
  PER_SITE,
  benchCatalog,
  gatewayOrder,
  telemetryProducer,
} from './kafka-workload.js';

function flag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

interface Workload {
  topic: string;
  messages: number;
  readings: number;
}

function config(
  brokers: string,
  topic: string,
  group: string,
  partitions: number,
  commitIntervalMs: number,
): KafkaConfig {
  return {
    brokers,
    inputTopic: topic,
    resultsTopic: `${topic}.results`,
    deadLetterTopic: `${topic}.dead-letters`,
    applicationId: group,
    commitIntervalMs,
    transactionTimeoutMs: 30_000,
    partitions,
    replicationFactor: 1,
    properties: {},
  };
}

async function createTopic(brokers: string, topic: string, partitions: number): Promise<void> {
  const admin = rd.AdminClient.create({ 'bootstrap.servers': brokers } as never);
  await new Promise<void>((resolve, reject) =>
    admin.createTopic({ topic, num_partitions: partitions, replication_factor: 1 }, 30_000, (err) =>
      err ? reject(rd.asError(err)) : resolve(),
    ),
  );
  admin.disconnect();
  await new Promise((r) => setTimeout(r, 1000));
}

/** Fills a topic with gateway batches, or one message per reading, each on its site's partition. */
async function fill(
  brokers: string,
  catalog: SensorCatalog,
  topic: string,
  partitions: number,
  readings: number,
  perMessage: number,
): Promise<Workload> {
  await createTopic(brokers, topic, partitions);
  const of = coPartitioning(catalog, OPERATORS).partitionOfSensor(partitions);
  const p = await telemetryProducer(brokers);
  let messages = 0;
  for (const batch of gatewayOrder(catalog.ids.length, readings, perMessage)) {
    const part = of[catalog.index.get(batch[0].sensor)!];
    if (perMessage === 1)
      for (const r of batch) rd.produceBlocking(p, topic, part, Buffer.from(encodeReading(r)), null);
    else rd.produceBlocking(p, topic, part, Buffer.from(encodeBatch(batch)), null);
    messages += perMessage === 1 ? batch.length : 1;
  }
  await rd.flush(p, 300_000);
  await rd.disconnect(p);
  return { topic, messages, readings };
}

/** node-rdkafka's own consume loop over the whole topic, doing nothing with the messages: the ceiling. */
async function rawConsume(brokers: string, w: Workload, partitions: number): Promise<number> {
  const c = new rd.Consumer(
    {
      'bootstrap.servers': brokers,
      'group.id': `raw-${w.topic}`,
      'enable.auto.commit': false,
      'isolation.level': 'read_committed',
      'queued.max.messages.kbytes': 16_384,
      'fetch.wait.max.ms': 50,
    } as never,
    {},
  );
  await rd.connect(c, 30_000);
  c.setDefaultConsumeTimeout(100);
  c.assign(Array.from({ length: partitions }, (_, partition) => ({ topic: w.topic, partition, offset: 0 })));
  let n = 0;
  const start = performance.now();
  while (n < w.messages) n += (await rd.consume(c, 2000)).length;
  const s = (performance.now() - start) / 1000;
  await rd.disconnect(c);
  return n / s;
}

/**
 * Input topic to committed results: time from the first consumed message until every offset is committed (the
 * results, dead letters and changelog records of a transaction become visible with its offsets), and the CPU
 * this process used per reading over that time (main thread, workers and librdkafka's threads together).
 */
async function endToEnd(
  brokers: string,
  catalog: SensorCatalog,
  w: Workload,
  partitions: number,
  workers: number,
  commitIntervalMs: number,
): Promise<{
  readingsPerSec: number;
  messagesPerSec: number;
  commits: number;
  results: number;
  cpuMicrosPerReading: number;
}> {
  const ends: Record<number, number> = {};
  const probe = new rd.Consumer({ 'bootstrap.servers': brokers, 'group.id': 'probe' } as never, {});
  await rd.connect(probe, 30_000);
  for (let p = 0; p < partitions; p++) {
    ends[p] = await new Promise<number>((resolve, reject) =>
      probe.queryWatermarkOffsets(w.topic, p, 10_000, (err, o) =>
        err ? reject(rd.asError(err)) : resolve(o.highOffset),
      ),
    );
  }
  await rd.disconnect(probe);
  const proc = new KafkaProcessor({
    config: config(brokers, w.topic, `e2e-${w.topic}`, partitions, commitIntervalMs),
    catalog,
    operators: OPERATORS,
    outOfOrdernessMs: OUT_OF_ORDERNESS_MS,
    workers,
    maxFutureMs: 365 * 86_400_000,
  });
  await proc.start();
  let start = 0;
  let cpu = process.cpuUsage();
  for (;;) {
    await new Promise((r) => setTimeout(r, 20));
    const s = proc.stats();
    if (start === 0 && s.messages > 0) {
      start = performance.now();
      cpu = process.cpuUsage();
    }
    const committed = proc.kafkaStats().committed;
    if (Object.entries(ends).every(([p, end]) => end === 0 || committed[Number(p)] === end)) break;
    if (proc.error) throw proc.error;
  }
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const k = proc.kafkaStats();
  const results = proc.stats().results;
  // The workload is all on time and valid: a dead letter would mean the figures measure something else.
  if (proc.stats().late > 0) throw new Error(`benchmark input produced ${proc.stats().late} late readings`);
  await proc.stop();
  return {
    readingsPerSec: w.readings / seconds,
    messagesPerSec: w.messages / seconds,
    commits: k.commits,
    results,
    cpuMicrosPerReading: (used.user + used.system) / w.readings,
  };
}

/**
 * Telemetry arriving live at `rate` readings/s in batches, from a producer process of its own (producing must
 * not take the engine's main thread); the processor's lag sampled every 100 ms, and the rate really produced.
 */
async function lagAt(
  brokers: string,
  catalog: SensorCatalog,
  partitions: number,
  workers: number,
  commitIntervalMs: number,
  rate: number,
  seconds: number,
  perMessage: number,
): Promise<{ maxLag: number; endLag: number; producedRate: number }> {
  const topic = 'bench.live';
  await createTopic(brokers, topic, partitions);
  const proc = new KafkaProcessor({
    config: config(brokers, topic, 'live', partitions, commitIntervalMs),
    catalog,
    operators: OPERATORS,
    outOfOrdernessMs: OUT_OF_ORDERNESS_MS,
    workers,
    maxFutureMs: 365 * 86_400_000,
  });
  await proc.start();
  const args: LiveProducerArgs = { brokers, topic, partitions, keys: catalog.ids.length, rate, seconds, perMessage };
  const child = fork(fileURLToPath(new URL('./kafka-live-producer.js', import.meta.url)), [JSON.stringify(args)], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const produced = new Promise<{ sent: number; seconds: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { sent: number; seconds: number }));
    child.once('exit', (code) => reject(new Error(`the live producer exited with code ${code} before reporting`)));
  });
  let maxLag = 0;
  const sampler = setInterval(() => (maxLag = Math.max(maxLag, proc.kafkaStats().lag)), 100);
  try {
    const r = await produced;
    return { maxLag, endLag: proc.kafkaStats().lag, producedRate: r.sent / r.seconds };
  } finally {
    clearInterval(sampler);
    child.kill();
    await proc.stop();
  }
}

export const kafkaBench: Bench = async (args) => {
  const keys = flag(args, 'keys', 100_000);
  const readings = flag(args, 'readings', 6_000_000);
  // The same 60 s of event time as the batches: windows close during the run, so the results path is measured too.
  const singles = flag(args, 'single-readings', 6_000_000);
  const perMessage = flag(args, 'batch', 4096);
  const partitions = flag(args, 'partitions', 4);
  const workers = flag(args, 'workers', 1);
  const commitIntervalMs = flag(args, 'commit-interval-ms', 1000);
  const lagSeconds = flag(args, 'lag-seconds', 20);
  const catalog = benchCatalog(keys);
  const loadStart = loadavg()[0];
  log('starting a Kafka broker');
  const broker = await KafkaBroker.start({ heapMb: 1024, log });
  try {
    log(
      `filling: ${readings} readings in batches of ${perMessage}, ${singles} single-reading messages, ${keys} sensors, ${partitions} partitions`,
    );
    const batched = await fill(broker.brokers, catalog, 'bench.batched', partitions, readings, perMessage);
    const single = await fill(broker.brokers, catalog, 'bench.single', partitions, singles, 1);
    const rawBatched = await rawConsume(broker.brokers, batched, partitions);
    const rawSingle = await rawConsume(broker.brokers, single, partitions);
    log(
      `raw consume: ${Math.round(rawSingle)} single-reading messages/s, ${Math.round(rawBatched)} batch messages/s (${Math.round(rawBatched * perMessage)} readings/s)`,
    );
    const b = await endToEnd(broker.brokers, catalog, batched, partitions, workers, commitIntervalMs);
    log(
      `end to end, batched: ${Math.round(b.readingsPerSec)} readings/s (${b.commits} transactions, ${b.results} window results)`,
    );
    const s = await endToEnd(broker.brokers, catalog, single, partitions, workers, commitIntervalMs);
    log(
      `end to end, single-reading messages: ${Math.round(s.messagesPerSec)} messages/s (${s.commits} transactions, ${s.results} window results)`,
    );
    const liveRate = Math.round(b.readingsPerSec / 2);
    const live = await lagAt(
      broker.brokers,
      catalog,
      partitions,
      workers,
      commitIntervalMs,
      liveRate,
      lagSeconds,
      1024,
    );
    log(
      `live at ${liveRate} readings/s (${Math.round(live.producedRate)} produced) for ${lagSeconds} s: max lag ${live.maxLag} messages, ${live.endLag} at the end`,
    );
    // Other work on the machine takes CPU from the engine and the broker: the figures are only comparable at similar load.
    const loadEnd = loadavg()[0];
    log(`load average (1 min): ${loadStart.toFixed(2)} at the start, ${loadEnd.toFixed(2)} at the end`);
    return {
      batchedReadingsPerSec: Math.round(b.readingsPerSec),
      singleMessagesPerSec: Math.round(s.messagesPerSec),
      rawConsumeMessagesPerSec: Math.round(rawSingle),
      rawConsumeBatchMessagesPerSec: Math.round(rawBatched),
      singleToRawRatio: Number((s.messagesPerSec / rawSingle).toFixed(3)),
      batchedToRawRatio: Number((b.messagesPerSec / rawBatched).toFixed(3)),
      batchedWindowResults: b.results,
      singleWindowResults: s.results,
      batchedCpuMicrosPerReading: Number(b.cpuMicrosPerReading.toFixed(3)),
      singleCpuMicrosPerReading: Number(s.cpuMicrosPerReading.toFixed(3)),
      maxLagMessages: live.maxLag,
      lagAtEndMessages: live.endLag,
      lagRateReadingsPerSec: liveRate,
      lagProducedReadingsPerSec: Math.round(live.producedRate),
      lagSeconds,
      keys,
      sensorsPerSite: PER_SITE,
      readings,
      singleReadings: singles,
      batchSize: perMessage,
      partitions,
      workers,
      commitIntervalMs,
      loadAverageStart: Number(loadStart.toFixed(2)),
      loadAverageEnd: Number(loadEnd.toFixed(2)),
    };
  } finally {
    await broker.destroy();
  }
};
