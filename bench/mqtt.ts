// Benchmark `mqtt`: telemetry through a real Mosquitto broker and through the embedded one into the windows:
// one reading per message at QoS 0, gateway batches, QoS 1 batches (acknowledged after their checkpoint), and the
// readings lost when `urbanflow run --mqtt` is killed with SIGKILL mid-stream and restarted (must be 0).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { KeyStore } from '../src/api/access/index.js';
import { createPipeline } from '../src/app/index.js';
import { loadSampleCity } from '../src/city/index.js';
import { mqttConfig, startMqttService } from '../src/io/mqtt/index.js';
import { encodeBatch, type Reading } from '../src/telemetry/index.js';
import { COUNT_OPERATORS, countedReadings, killAndRestart, sampleDetectors } from './harness/mqtt-kill-restart.js';
import { waitFor } from './harness/wait-for.js';
import type { Bench } from './index.js';
import { freePort, startMosquitto } from './mosquitto.js';

const log = (line: string) => process.stderr.write(`mqtt bench: ${line}\n`);

const city = loadSampleCity();
const detectors = sampleDetectors();

function readings(n: number, t0: number): Reading[] {
  return Array.from({ length: n }, (_, i) => ({
    sensor: detectors[i % detectors.length],
    metric: 'detector.count',
    ts: t0 + Math.floor(i / detectors.length) * 1000,
    value: i % 20,
  }));
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
  const t0 = Date.now() - 3_600_000;
  return readings(n, t0).map((r) => ({
    topic: `urbanflow/${tenant}/${r.sensor}/${r.metric}`,
    payload: `{"value":${r.value},"ts":${r.ts}}`,
  }));
}

function batchMessages(n: number, perMessage: number, tenant: string): Messages {
  const all = readings(n, Date.now() - 3_600_000);
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
      operators: COUNT_OPERATORS,
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
  try {
    const first = await start();
    await first.service.stop();
    await first.pipeline.engine.close();
    const pub = await mqtt.connectAsync(url, { clientId: `${id}-pub` });
    await publishAll(pub, messages, qos);
    await pub.endAsync();
    const { pipeline, service } = await start();
    // Timed from the first reading taken in: worker start-up and the connection are not the broker's throughput.
    await waitFor('the first reading', () => service.ingest.stats().readings > 0, 60_000, 5);
    // from the first message taken in, as the ingest recorded it: the backlog can all arrive before a timer here runs
    const t0 = service.ingest.stats().firstMessageAt!;
    await waitFor(`${total} readings`, () => service.ingest.stats().readings >= total, 300_000, 5);
    await pipeline.engine.flush();
    await pipeline.engine.drain();
    const seconds = (performance.now() - t0) / 1000;
    await service.stop();
    await pipeline.engine.close();
    return Math.round(total / seconds);
  } finally {
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
    operators: COUNT_OPERATORS,
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
  try {
    const pub = await mqtt.connectAsync(`mqtt://127.0.0.1:${service.brokerPort}`, {
      username: 'bench',
      password: secret,
    });
    const t0 = performance.now();
    await publishAll(pub, messages, qos);
    await waitFor(`${total} readings`, () => service.ingest.stats().readings >= total, 300_000, 5);
    await pipeline.engine.flush();
    await pipeline.engine.drain();
    const seconds = (performance.now() - t0) / 1000;
    await pub.endAsync();
    return Math.round(total / seconds);
  } finally {
    await service.stop();
    await pipeline.engine.close();
    keys.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `urbanflow run` in a child process, SIGKILLed once some windows are out and restarted: readings missing from (or counted twice in) the final windows. */
async function lostAfterKill(
  mqttArgs: string[],
  connectPublisher: (dir: string) => Promise<MqttClient>,
  messages: number,
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'uf-bench-kill-'));
  try {
    const outcome = await killAndRestart({
      dir,
      mqttArgs,
      connectPublisher: () => connectPublisher(dir),
      topic: 'urbanflow/bench/batch',
      messages,
      perMessage: 1000,
    });
    return Math.abs(messages * 1000 - countedReadings(outcome));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const mqttBench: Bench = async (args) => {
  const scale = args.includes('--quick') ? 0.1 : 1;
  const single = Math.round(200_000 * scale);
  const batched = Math.round(5_000_000 * scale);
  const qos1 = Math.round(2_000_000 * scale);
  const broker = await startMosquitto();
  const figures: Record<string, number> = {};
  try {
    log(`${single} single-reading messages at QoS 0 through Mosquitto`);
    figures.mqttSingleReadingsPerSec = await throughMosquitto(
      broker.url,
      singleMessages(single, 'bench'),
      single,
      0,
      'bench-single',
    );
    log(`${batched} readings in batches of 1,000 at QoS 0 through Mosquitto`);
    figures.mqttBatchedReadingsPerSec = await throughMosquitto(
      broker.url,
      batchMessages(batched, 1000, 'bench'),
      batched,
      0,
      'bench-batched',
    );
    log(`${qos1} readings in batches of 1,000 at QoS 1 through Mosquitto`);
    figures.mqttQos1ReadingsPerSec = await throughMosquitto(
      broker.url,
      batchMessages(qos1, 1000, 'bench'),
      qos1,
      1,
      'bench-qos1',
    );
    log('kill and restart through Mosquitto');
    figures.lostReadings = await lostAfterKill(
      ['--mqtt', broker.url, '--mqtt-client-id', 'bench-kill'],
      () => mqtt.connectAsync(broker.url, { clientId: 'bench-kill-pub' }),
      Math.round(1000 * scale),
    );
    log(`${single} single-reading messages at QoS 0 through the embedded broker`);
    figures.embeddedSingleReadingsPerSec = await throughEmbedded(singleMessages(single, 'bench'), single, 0);
    log(`${batched} readings in batches at QoS 0 through the embedded broker`);
    figures.embeddedBatchedReadingsPerSec = await throughEmbedded(batchMessages(batched, 1000, 'bench'), batched, 0);
    log(`${qos1} readings in batches at QoS 1 through the embedded broker`);
    figures.embeddedQos1ReadingsPerSec = await throughEmbedded(batchMessages(qos1, 1000, 'bench'), qos1, 1);
    log('kill and restart through the embedded broker');
    const port = await freePort();
    figures.embeddedLostReadings = await lostAfterKill(
      ['--mqtt-listen', String(port)],
      async (dir) => {
        // The device key goes into the running urbanflow's key store, which it reads on each connection.
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
      Math.round(1000 * scale),
    );
  } finally {
    await broker.stop();
  }
  return figures;
};
