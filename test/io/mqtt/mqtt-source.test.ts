// The MQTT source against a real Mosquitto broker, in process: topic template and batch topic readings reach the
// windows; a malformed payload, an unknown topic and an unknown sensor become dead letters carrying the topic; QoS 1
// redeliveries are counted once; the window state and redelivery filter survive a restart of the source.
import { waitFor } from '../../../bench/harness/wait-for.js';
import { OPERATORS } from './operators.js';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyStore } from '../../../src/api/access/key-store.js';
import { catalogFromCity } from '../../../src/app/catalog.js';
import { createPipeline } from '../../../src/app/pipeline.js';
import { loadSampleCity } from '../../../src/city/index.js';
import { mqttConfig } from '../../../src/io/mqtt/config.js';
import { startMqttService, type MqttService } from '../../../src/io/mqtt/service.js';
import type { WindowResult } from '../../../src/stream/index.js';
import { encodeBatch } from '../../../src/telemetry/codec.js';
import { startMosquitto, type Mosquitto } from '../../../bench/mosquitto.js';

describe('MQTT source on Mosquitto', () => {
  let broker: Mosquitto;
  let dir: string;
  const city = loadSampleCity();
  const catalog = catalogFromCity(city);
  const detectors = catalog.ids.filter((_, i) => catalog.kind[i] === 0);

  beforeAll(async () => {
    broker = await startMosquitto();
    dir = mkdtempSync(join(tmpdir(), 'uf-mqtt-'));
  }, 30_000);
  afterAll(async () => {
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(clientId: string): Promise<{
    service: MqttService;
    rows: WindowResult[];
    pipeline: ReturnType<typeof createPipeline>;
    keys: KeyStore;
  }> {
    const rows: WindowResult[] = [];
    const pipeline = createPipeline({
      city,
      operators: OPERATORS,
      watermark: { outOfOrdernessMs: 30_000, idleTimeoutMs: 300_000 },
      workers: 0,
      clock: () => Date.now(),
      onResults: (r) => rows.push(...r),
      checkpoints: true,
    });
    const keys = KeyStore.open(join(dir, 'keys.db'));
    const config = mqttConfig({ url: broker.url, clientId }, {})!;
    const service = await startMqttService({
      config,
      pipeline,
      stateDir: dir,
      keys,
      log: () => undefined,
      onError: (e) => {
        throw e;
      },
    });
    return { service, rows, pipeline, keys };
  }

  it('takes template and batch topics, dead-letters bad input with its topic, and counts QoS 1 redeliveries once', async () => {
    const { service, rows, pipeline, keys } = await start('uf-test-1');
    const pub = await mqtt.connectAsync(broker.url, { clientId: 'pub-1' });
    const t0 = Math.floor((Date.now() - 3_600_000) / 300_000) * 300_000;
    const [a, b] = detectors;
    await pub.publishAsync(`urbanflow/city/${a}/detector.count`, JSON.stringify({ value: 4, ts: t0 + 1000 }), {
      qos: 1,
    });
    await pub.publishAsync(
      `urbanflow/city/${a}/detector.count`,
      JSON.stringify({ value: 6, ts: new Date(t0 + 2000).toISOString() }),
      { qos: 1 },
    );
    await pub.publishAsync(
      'urbanflow/city/batch',
      Buffer.from(
        encodeBatch([
          { sensor: b, metric: 'detector.count', ts: t0 + 3000, value: 10 },
          { sensor: a, metric: 'detector.count', ts: t0 + 4000, value: 1 },
        ]),
      ),
      { qos: 1 },
    );
    // The same readings again, as a QoS 1 redelivery would bring them: counted once.
    await pub.publishAsync(`urbanflow/city/${a}/detector.count`, JSON.stringify({ value: 4, ts: t0 + 1000 }), {
      qos: 1,
      dup: true,
    });
    await pub.publishAsync(
      'urbanflow/city/batch',
      JSON.stringify({ sensor: b, metric: 'detector.count', ts: t0 + 3000, value: 10 }),
      { qos: 1 },
    );
    // Bad input: malformed payloads, an unknown sensor in the topic, a topic of neither template's shape.
    await pub.publishAsync(`urbanflow/city/${a}/detector.count`, 'not a number', { qos: 1 });
    await pub.publishAsync('urbanflow/city/batch', Buffer.from([0xc1, 0x00, 0xff]), { qos: 1 });
    await pub.publishAsync('urbanflow/city/no-such-sensor/detector.count', '3', { qos: 1 });
    await pub.publishAsync('urbanflow/city/x/y/z/extra', '3', { qos: 0 });
    // A reading far later closes the window of the readings above.
    await pub.publishAsync(`urbanflow/city/${b}/detector.count`, JSON.stringify({ value: 1, ts: t0 + 1_800_000 }), {
      qos: 1,
    });
    await waitFor('the window results', () => rows.some((r) => r.key === a && r.start === t0));
    const dl = pipeline.deadLetters.summary().byReason;
    expect(dl['malformed']?.count).toBe(2);
    expect(dl['malformed']!.samples.map((s) => s.topic).sort()).toEqual([
      'urbanflow/city/batch',
      `urbanflow/city/${a}/detector.count`,
    ]);
    expect(dl['unknown-sensor']?.samples[0]).toMatchObject({
      topic: 'urbanflow/city/no-such-sensor/detector.count',
      sensor: 'no-such-sensor',
    });
    const ofA = rows.filter((r) => r.key === a && r.start === t0).at(-1)!;
    const ofB = rows.filter((r) => r.key === b && r.start === t0).at(-1)!;
    expect(ofA.values).toMatchObject({ sum: 11, count: 3 });
    expect(ofB.values).toMatchObject({ sum: 10, count: 1 });
    expect(service.ingest.stats().duplicates).toBe(2);
    await pub.endAsync();
    await service.stop();
    await pipeline.engine.close();
    keys.close();
  }, 120_000);

  it('connects over TLS to a broker with a self-signed certificate given as the CA, and refuses it without', async () => {
    const tlsDir = mkdtempSync(join(tmpdir(), 'uf-mqtt-tls-'));
    const certFile = join(tlsDir, 'cert.pem');
    const keyFile = join(tlsDir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    // Mosquitto started as root reads its key as the mosquitto user.
    chmodSync(tlsDir, 0o755);
    chmodSync(keyFile, 0o644);
    const tls = await startMosquitto({ tls: { certFile, keyFile } });
    const stateDir = mkdtempSync(join(tmpdir(), 'uf-mqtt-tls-state-'));
    const pipeline = createPipeline({
      city,
      operators: OPERATORS,
      watermark: { outOfOrdernessMs: 30_000, idleTimeoutMs: 300_000 },
      workers: 0,
      clock: () => Date.now(),
      checkpoints: true,
    });
    const keys = KeyStore.open(join(stateDir, 'keys.db'));
    try {
      expect(tls.url).toMatch(/^mqtts:/);
      await expect(
        startMqttService({
          config: mqttConfig({ url: tls.url, clientId: 'uf-tls-0' }, {})!,
          pipeline,
          stateDir,
          keys,
          log: () => undefined,
          onError: () => undefined,
        }),
      ).rejects.toThrow(/self[- ]signed|certificate/i);
      const service = await startMqttService({
        config: mqttConfig({ url: tls.url, clientId: 'uf-tls-1', ca: certFile }, {})!,
        pipeline,
        stateDir,
        keys,
        log: () => undefined,
        onError: (e) => {
          throw e;
        },
      });
      const pub = await mqtt.connectAsync(tls.url, { clientId: 'pub-tls', ca: readFileSync(certFile) });
      await pub.publishAsync(
        `urbanflow/city/${detectors[0]}/detector.count`,
        JSON.stringify({ value: 3, ts: Date.now() - 60_000 }),
        { qos: 1 },
      );
      await waitFor('the reading', () => service.ingest.stats().readings === 1);
      await pub.endAsync();
      await service.stop();
    } finally {
      await pipeline.engine.close();
      keys.close();
      await tls.stop();
      rmSync(tlsDir, { recursive: true, force: true });
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 120_000);
});
