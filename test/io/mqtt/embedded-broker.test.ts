// The embedded broker (`--mqtt-listen`): API keys as MQTT passwords; a device key publishes its own tenant's
// telemetry into the windows, is refused on another tenant's topic and when subscribing; other roles and wrong keys
// cannot connect; bad payloads are dead letters; nothing of it stops the broker.
import { waitFor } from '../../../bench/harness/wait-for.js';
import { OPERATORS } from './operators.js';
import { mkdtempSync, rmSync } from 'node:fs';
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

describe('embedded MQTT broker', () => {
  const city = loadSampleCity();
  const catalog = catalogFromCity(city);
  const [a, b] = catalog.ids.filter((_, i) => catalog.kind[i] === 0);
  let dir: string;
  let keys: KeyStore;
  let service: MqttService;
  let pipeline: ReturnType<typeof createPipeline>;
  const rows: WindowResult[] = [];
  let url: string;
  let deviceKey: string;
  let utilityKey: string;
  let operatorKey: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'uf-aedes-'));
    keys = KeyStore.open(join(dir, 'keys.db'));
    deviceKey = keys.create({ tenant: 'north', role: 'device' }, Date.now()).secret;
    utilityKey = keys.create({ tenant: 'north', role: 'utility' }, Date.now()).secret;
    operatorKey = keys.create({ tenant: 'local', role: 'operator' }, Date.now()).secret;
    pipeline = createPipeline({
      city,
      operators: OPERATORS,
      watermark: { outOfOrdernessMs: 30_000, idleTimeoutMs: 300_000 },
      workers: 0,
      clock: () => Date.now(),
      onResults: (r) => rows.push(...r),
      checkpoints: true,
    });
    service = await startMqttService({
      config: mqttConfig({ listen: '0' }, {})!,
      pipeline,
      stateDir: dir,
      keys,
      log: () => undefined,
      onError: (e) => {
        throw e;
      },
    });
    url = `mqtt://127.0.0.1:${service.brokerPort}`;
  }, 30_000);
  afterAll(async () => {
    await service?.stop();
    await pipeline?.engine.close();
    keys?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses connections without a device or operator key', async () => {
    await expect(
      mqtt.connectAsync(url, { username: 'x', password: 'not-a-key', reconnectPeriod: 0 }),
    ).rejects.toThrow();
    await expect(
      mqtt.connectAsync(url, { username: 'x', password: `${deviceKey.slice(0, -2)}xx`, reconnectPeriod: 0 }),
    ).rejects.toThrow();
    await expect(mqtt.connectAsync(url, { username: 'x', password: utilityKey, reconnectPeriod: 0 })).rejects.toThrow(
      /[Nn]ot authorized/,
    );
  });

  it("takes a device's own tenant's readings, refuses another tenant's topic and any subscription, and dead-letters bad payloads", async () => {
    const t0 = Math.floor((Date.now() - 3_600_000) / 300_000) * 300_000;
    const device = await mqtt.connectAsync(url, { username: 'gw-north-1', password: deviceKey, reconnectPeriod: 0 });
    await device.publishAsync(`urbanflow/north/${a}/detector.count`, JSON.stringify({ value: 5, ts: t0 + 1000 }), {
      qos: 1,
    });
    await device.publishAsync(`urbanflow/north/${a}/detector.count`, 'garbage{', { qos: 1 });
    await device.publishAsync(
      'urbanflow/north/batch',
      JSON.stringify({ sensor: b, metric: 'detector.count', ts: t0 + 2000, value: 7 }),
      { qos: 1 },
    );
    await expect(device.subscribeAsync('urbanflow/#', { qos: 1 })).rejects.toThrow(/Subscribe error/);
    expect(service.ingest.stats().readings).toBe(3);
    // Another tenant's topic: refused, the connection closed, nothing taken.
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    device.publish(`urbanflow/south/${a}/detector.count`, JSON.stringify({ value: 9, ts: t0 + 3000 }), { qos: 1 });
    await closed;
    device.end(true);
    expect(service.ingest.stats().readings).toBe(3);
    // An operator key may publish any tenant's telemetry; its reading closes the window.
    const operator = await mqtt.connectAsync(url, { username: 'ops', password: operatorKey, reconnectPeriod: 0 });
    await operator.publishAsync(
      `urbanflow/south/${b}/detector.count`,
      JSON.stringify({ value: 1, ts: t0 + 1_800_000 }),
      { qos: 1 },
    );
    await operator.publishAsync(
      `urbanflow/north/${a}/detector.count`,
      JSON.stringify({ value: 1, ts: t0 + 1_800_000 }),
      { qos: 1 },
    );
    await waitFor(
      'the window results',
      () => rows.some((r) => r.key === a && r.start === t0) && rows.some((r) => r.key === b && r.start === t0),
    );
    expect(rows.filter((r) => r.key === a && r.start === t0).at(-1)!.values).toMatchObject({ sum: 5, count: 1 });
    expect(rows.filter((r) => r.key === b && r.start === t0).at(-1)!.values).toMatchObject({ sum: 7, count: 1 });
    expect(pipeline.deadLetters.summary().byReason['malformed']?.samples[0]).toMatchObject({
      topic: `urbanflow/north/${a}/detector.count`,
    });
    await operator.endAsync();
  }, 60_000);
});
