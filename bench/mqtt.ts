// Benchmark `mqtt`: telemetry through a real Mosquitto broker and through the embedded one into the windows:
// one reading per message at QoS 0, gateway batches, QoS 1 batches (acknowledged after their checkpoint), and the
// readings lost when `urbanflow run --mqtt` is killed with SIGKILL mid-stream and restarted (must be 0).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import { KeyStore } from '../src/api/access/key-store.js';
import { catalogFromCity } from '../src/app/catalog.js';
import { createPipeline } from '../src/app/pipeline.js';
import { loadSampleCity } from '../src/city/index.js';
import { mqttConfig } from '../src/io/mqtt/config.js';
import { startMqttService } from '../src/io/mqtt/service.js';
import { encodeBatch } from '../src/telemetry/codec.js';
import type { Reading } from '../src/telemetry/reading.js';
import type { Bench } from './index.js';
import { freePort, startMosquitto } from './mosquitto.js';
import { COUNT_OPERATORS as OPERATORS, WINDOW_MS } from './harness/mqtt-kill-restart.js';

const CLI = fileURLToPath(new URL('../../bin/urbanflow.js', import.meta.url));
const log = (line: string) => process.stderr.write(`mqtt bench: ${line}\n`);

const city = loadSampleCity();
const catalog = catalogFromCity(city);
const detectors = catalog.ids.filter((_, i) => catalog.kind[i] === 0);

/**
 * `n` readings, a second apart for each detector, in event-time order, the last of them ten minutes before now at the
 * latest and the first at a window start: however many there are, none is in the future (beyond the allowed clock skew
 * they would be dead letters, not throughput).
 */
function readings(n: number): Reading[] {
  const spanMs = Math.ceil(n / detectors.length) * 1000;
  const t0 = Math.floor((Date.now() - 600_000 - spanMs) / WINDOW_MS) * WINDOW_MS;
  return Array.from({ length: n }, (_, i) => ({
    sensor: detectors[i % detectors.length],
    metric: 'detector.count',
    ts: t0 + Math.floor(i / detectors.length) * 1000,
    value: i % 20,
  }));
}

/** A throughput counts only readings that reached the windows: a dead letter means the benchmark's data is wrong. */
function refuseDeadLetters(pipeline: { deadLetters: { total: number; counts: Map<string, number> } }): void {
  if (pipeline.deadLetters.total > 0)
    throw new Error(
      `${pipeline.deadLetters.total} readings became dead letters (${[...pipeline.deadLetters.counts].map(([r, n]) => `${r}: ${n}`).join(', ')})`,
    );
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Publishes every message, at most `window` waiting for the broker at a time. */
async function publishAll(
  pub: MqttClient,
  messages: { topic: string; payload: string | Buffer }[],
  qos: 0 | 1,
): Promise<void> {
  const inFlight = new Set<Promise<unknown>>();
  for (const m of messages) {
    const p = pub.publishAsync(m.topic, m.payload, { qos });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    if (inFlight.size >= 1000) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
}

type Messages = { topic: string; payload: string | Buffer }[];

function singleMessages(n: number, tenant: string): Messages {
  return readings(n).map((r) => ({
    topic: `urbanflow/${tenant}/${r.sensor}/${r.metric}`,
    payload: `{"value":${r.value},"ts":${r.ts}}`,
  }));
}

function batchMessages(n: number, perMessage: number, tenant: string): Messages {
  const all = readings(n);
  const out: Messages = [];
  for (let i = 0; i < n; i += perMessage)
    out.push({ topic: `urbanflow/${tenant}/batch`, payload: Buffer.from(encodeBatch(all.slice(i, i + perMessage))) });
  return out;
}

/**
 * Through Mosquitto: the messages wait in urbanflow's persistent session first, then the source takes them in;
 * readings per second from the first reading taken in to the last one through the windows (the publisher's cost is not counted).
 */
async function throughMosquitto(
  url: string,
  messages: Messages,
  total: number,
  qos: 0 | 1,
  id: string,
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'uf-bench-mqtt-'));
  const keys = KeyStore.open(join(dir, 'keys.db'));
  const start = async () => {
    const pipeline = createPipeline({
      city,
      operators: OPERATORS,
      watermark: { outOfOrdernessMs: 30_000, idleTimeoutMs: 300_000 },
      workers: 2,
      clock: () => Date.now(),
      checkpoints: true,
    });
    const service = await startMqttService({
      config: mqttConfig({ url, clientId: id, qos: String(qos) }, {})!,
      pipeline,
      stateDir: dir,
      keys,
      log: () => undefined,
      onError: (e) => log(e.message),
    });
    return { pipeline, service };
  };
  let running: Awaited<ReturnType<typeof start>> | undefined;
  try {
    const first = await start();
    await first.service.stop();
    await first.pipeline.engine.close();
    const pub = await mqtt.connectAsync(url, { clientId: `${id}-pub` });
    await publishAll(pub, messages, qos);
    await pub.endAsync();
    running = await start();
    const { pipeline, service } = running;
    // Timed from the first reading taken in: worker start-up and the connection are not the broker's throughput.
    await until(() => service.ingest.stats().readings > 0, 60_000, 'the first reading');
    // from the first message taken in, as the ingest recorded it: the backlog can all arrive before a timer here runs
    const t0 = service.ingest.stats().firstMessageAt!;
    await until(() => service.ingest.stats().readings >= total, 300_000, `${total} readings`);
    await pipeline.engine.flush();
    await pipeline.engine.drain();
    const seconds = (performance.now() - t0) / 1000;
    refuseDeadLetters(pipeline);
    return Math.round(total / seconds);
  } finally {
    await running?.service.stop();
    await running?.pipeline.engine.close();
    keys.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Through the embedded broker: a device publishing while urbanflow takes the readings in (both in this process). */
async function throughEmbedded(messages: Messages, total: number, qos: 0 | 1): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'uf-bench-aedes-'));
  const keys = KeyStore.open(join(dir, 'keys.db'));
  const secret = keys.create({ tenant: 'bench', role: 'device' }, Date.now()).secret;
  const pipeline = createPipeline({
    city,
    operators: OPERATORS,
    watermark: { outOfOrdernessMs: 30_000, idleTimeoutMs: 300_000 },
    workers: 2,
    clock: () => Date.now(),
    checkpoints: true,
  });
  const service = await startMqttService({
    config: mqttConfig({ listen: '0' }, {})!,
    pipeline,
    stateDir: dir,
    keys,
    log: () => undefined,
    onError: (e) => log(e.message),
  });
  const pub = await mqtt.connectAsync(`mqtt://127.0.0.1:${service.brokerPort}`, {
    username: 'bench',
    password: secret,
  });
  try {
    const t0 = performance.now();
    await publishAll(pub, messages, qos);
    await until(() => service.ingest.stats().readings >= total, 300_000, `${total} readings`);
    await pipeline.engine.flush();
    await pipeline.engine.drain();
    const seconds = (performance.now() - t0) / 1000;
    refuseDeadLetters(pipeline);
    return Math.round(total / seconds);
  } finally {
    await pub.endAsync();
    await service.stop();
    await pipeline.engine.close();
    keys.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `urbanflow run` in a child process, SIGKILLed once some windows are out and restarted: readings missing from (or counted twice in) the final windows. */
async function lostAfterKill(
  mqttArgs: (dir: string) => string[],
  connect: (dir: string) => Promise<MqttClient>,
  topic: string,
  messagesCount: number,
  perMessage: number,
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'uf-bench-kill-'));
  mkdirSync(join(dir, 'state'));
  writeFileSync(join(dir, 'operators.json'), JSON.stringify(OPERATORS));
  const results = join(dir, 'results.ndjson');
  const runUrbanflow = async () => {
    const child = spawn(
      process.execPath,
      [
        CLI,
        'run',
        '--port',
        '0',
        '--workers',
        '1',
        '--state-dir',
        join(dir, 'state'),
        '--operators',
        join(dir, 'operators.json'),
        '--results-file',
        results,
        '--log-level',
        'silent',
        ...mqttArgs(dir),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await until(() => /API on/.test(stderr) || child.exitCode !== null, 60_000, 'urbanflow to start');
    if (child.exitCode !== null) throw new Error(`urbanflow exited: ${stderr}`);
    return child;
  };
  const windows = () => {
    const out = new Map<string, number>();
    if (!existsSync(results)) return out;
    for (const line of readFileSync(results, 'utf8').split('\n'))
      if (line.endsWith('}')) {
        const r = JSON.parse(line) as { key: string; start: number; values: { count: number } };
        out.set(`${r.key}@${r.start}`, r.values.count);
      }
    return out;
  };
  const total = messagesCount * perMessage;
  const all = readings(total);
  const expectedKeys = new Set(all.map((r) => `${r.sensor}@${Math.floor(r.ts / WINDOW_MS) * WINDOW_MS}`));
  let child = await runUrbanflow();
  const pub = await connect(dir);
  try {
    let sent = 0;
    const send = async (from: number, to: number) => {
      for (let m = from; m < to; m += 20, sent = m) {
        await Promise.all(
          Array.from({ length: Math.min(20, to - m) }, (_, j) =>
            pub.publishAsync(
              topic,
              Buffer.from(encodeBatch(all.slice((m + j) * perMessage, (m + j + 1) * perMessage))),
              { qos: 1 },
            ),
          ),
        );
      }
    };
    const firstHalf = send(0, messagesCount / 2);
    // Killed mid-stream: once a quarter of the messages is out (and taken in, or waiting for its acknowledgement).
    await until(() => sent >= messagesCount / 4, 240_000, 'a quarter of the messages');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    child = await runUrbanflow();
    await firstHalf;
    await send(messagesCount / 2, messagesCount);
    await pub.publishAsync(
      topic,
      Buffer.from(encodeBatch([{ sensor: detectors[0], metric: 'detector.count', ts: Date.now() - 60_000, value: 0 }])),
      { qos: 1 },
    );
    let counted = 0;
    let stable = 0;
    let last = -1;
    await until(
      () => {
        const w = windows();
        counted = [...expectedKeys].reduce((n, k) => n + (w.get(k) ?? 0), 0);
        stable = counted === last ? stable + 1 : 0;
        last = counted;
        return counted === total || stable > 2000;
      },
      300_000,
      'the windows',
    );
    return Math.abs(total - counted);
  } finally {
    child.kill('SIGTERM');
    await pub.endAsync(true);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The figures, by part: `--parts single,batched,qos1,lost` and `--brokers mosquitto,embedded` run some of them. */
const PARTS = ['single', 'batched', 'qos1', 'lost'] as const;
const BROKERS = ['mosquitto', 'embedded'] as const;

function listFlag<T extends string>(args: string[], name: string, all: readonly T[]): Set<T> {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return new Set(all);
  const picked = (args[i + 1] ?? '').split(',');
  for (const p of picked)
    if (!all.includes(p as T)) throw new Error(`--${name}: unknown '${p}' (known: ${all.join(', ')})`);
  return new Set(picked as T[]);
}

export const mqttBench: Bench = async (args) => {
  const i = args.indexOf('--scale');
  const scale = i >= 0 ? Number(args[i + 1]) : args.includes('--quick') ? 0.1 : 1;
  if (!(scale > 0)) throw new Error('--scale must be a positive number');
  const parts = listFlag(args, 'parts', PARTS);
  const brokers = listFlag(args, 'brokers', BROKERS);
  const single = Math.round(200_000 * scale);
  const batched = Math.round(5_000_000 * scale);
  const qos1 = Math.round(2_000_000 * scale);
  const killMessages = 2 * Math.max(10, Math.round(500 * scale));
  const figures: Record<string, number> = {};
  const broker = brokers.has('mosquitto') ? await startMosquitto() : undefined;
  try {
    if (broker) {
      if (parts.has('single')) {
        log(`${single} single-reading messages at QoS 0 through Mosquitto`);
        figures.mqttSingleReadingsPerSec = await throughMosquitto(
          broker.url,
          singleMessages(single, 'bench'),
          single,
          0,
          'bench-single',
        );
      }
      if (parts.has('batched')) {
        log(`${batched} readings in batches of 1,000 at QoS 0 through Mosquitto`);
        figures.mqttBatchedReadingsPerSec = await throughMosquitto(
          broker.url,
          batchMessages(batched, 1000, 'bench'),
          batched,
          0,
          'bench-batched',
        );
      }
      if (parts.has('qos1')) {
        log(`${qos1} readings in batches of 1,000 at QoS 1 through Mosquitto`);
        figures.mqttQos1ReadingsPerSec = await throughMosquitto(
          broker.url,
          batchMessages(qos1, 1000, 'bench'),
          qos1,
          1,
          'bench-qos1',
        );
      }
      if (parts.has('lost')) {
        log('kill and restart through Mosquitto');
        figures.lostReadings = await lostAfterKill(
          () => ['--mqtt', broker.url, '--mqtt-client-id', 'bench-kill'],
          () => mqtt.connectAsync(broker.url, { clientId: 'bench-kill-pub' }),
          'urbanflow/bench/batch',
          killMessages,
          1000,
        );
      }
    }
    if (brokers.has('embedded')) {
      if (parts.has('single')) {
        log(`${single} single-reading messages at QoS 0 through the embedded broker`);
        figures.embeddedSingleReadingsPerSec = await throughEmbedded(singleMessages(single, 'bench'), single, 0);
      }
      if (parts.has('batched')) {
        log(`${batched} readings in batches at QoS 0 through the embedded broker`);
        figures.embeddedBatchedReadingsPerSec = await throughEmbedded(
          batchMessages(batched, 1000, 'bench'),
          batched,
          0,
        );
      }
      if (parts.has('qos1')) {
        log(`${qos1} readings in batches at QoS 1 through the embedded broker`);
        figures.embeddedQos1ReadingsPerSec = await throughEmbedded(batchMessages(qos1, 1000, 'bench'), qos1, 1);
      }
      if (parts.has('lost')) {
        log('kill and restart through the embedded broker');
        const port = await freePort();
        figures.embeddedLostReadings = await lostAfterKill(
          () => ['--mqtt-listen', String(port)],
          async (dir) => {
            const keys = KeyStore.open(join(dir, 'state', 'keys.db'));
            const secret = keys.create({ tenant: 'bench', role: 'device' }, Date.now()).secret;
            keys.close();
            return mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
              clientId: 'bench-device',
              username: 'bench-device',
              password: secret,
              reconnectPeriod: 500,
            });
          },
          'urbanflow/bench/batch',
          killMessages,
          1000,
        );
      }
    }
  } finally {
    await broker?.stop();
  }
  return figures;
};
