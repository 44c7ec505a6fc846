// 1,000,000 readings at QoS 1 through a real broker into `urbanflow run --mqtt`, killed with SIGKILL in the middle and
// restarted: every reading is aggregated exactly once in the window results (sums and counts per window equal what
// was published). Run against Mosquitto and against the embedded broker (Aedes, `--mqtt-listen`).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyStore } from '../../../src/api/access/key-store.js';
import { catalogFromCity } from '../../../src/app/catalog.js';
import { loadSampleCity } from '../../../src/city/index.js';
import type { Reading } from '../../../src/telemetry/reading.js';
import { encodeBatch } from '../../../src/telemetry/codec.js';
import { freePort, startMosquitto, type Mosquitto } from '../../../bench/mosquitto.js';

const CLI = new URL('../../../bin/urbanflow.js', import.meta.url).pathname;
const WINDOW_MS = 300_000;
const OPERATORS = [
  {
    name: 'count-5m',
    metric: 'detector.count',
    keyBy: 'sensor',
    window: { type: 'tumbling', sizeMs: WINDOW_MS },
    aggregates: ['sum', 'count'],
    allowedLatenessMs: 60_000,
  },
];
const MESSAGES = 1000;
const PER_MESSAGE = 1000;

async function until(what: string, check: () => boolean, child?: ChildProcess, timeoutMs = 240_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (child && child.exitCode !== null)
      throw new Error(`urbanflow exited (${child.exitCode}) while waiting for ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function connected(c: MqttClient): Promise<void> {
  return c.connected ? Promise.resolve() : new Promise((resolve) => c.once('connect', () => resolve()));
}

interface Run {
  child: ChildProcess;
  stderr: () => string;
}

const children = new Set<ChildProcess>();

function startUrbanflow(dir: string, mqttArgs: string[]): Run {
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
      join(dir, 'results.ndjson'),
      '--log-level',
      'silent',
      ...mqttArgs,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  children.add(child);
  child.once('exit', () => children.delete(child));
  return { child, stderr: () => stderr };
}

/** The last revision of each window in the results file (rows of a killed run first, then the restarted run's). */
function lastRevisions(file: string): Map<string, { sum: number; count: number }> {
  const out = new Map<string, { sum: number; count: number }>();
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.endsWith('}')) continue;
    const r = JSON.parse(line) as { key: string; start: number; values: { sum: number; count: number } };
    out.set(`${r.key}@${r.start}`, r.values);
  }
  return out;
}

/** The readings: detectors in turn, one second of event time per round, values 0-19 (sums exact in doubles). */
function workload(
  detectors: string[],
  t0: number,
): { batches: Reading[][]; expected: Map<string, { sum: number; count: number }> } {
  const batches: Reading[][] = [];
  const expected = new Map<string, { sum: number; count: number }>();
  let n = 0;
  for (let m = 0; m < MESSAGES; m++) {
    const batch: Reading[] = [];
    for (let j = 0; j < PER_MESSAGE; j++, n++) {
      const sensor = detectors[n % detectors.length];
      const ts = t0 + Math.floor(n / detectors.length) * 1000;
      const value = (n * 7) % 20;
      batch.push({ sensor, metric: 'detector.count', ts, value });
      const k = `${sensor}@${Math.floor(ts / WINDOW_MS) * WINDOW_MS}`;
      const e = expected.get(k) ?? { sum: 0, count: 0 };
      e.sum += value;
      e.count++;
      expected.set(k, e);
    }
    batches.push(batch);
  }
  return { batches, expected };
}

async function publishAll(
  pub: MqttClient,
  topic: string,
  messages: Buffer[],
  from: number,
  to: number,
  published: { n: number },
): Promise<void> {
  // 20 in flight at a time: the broker acknowledges as it stores them.
  for (let i = from; i < to; i += 20) {
    await Promise.all(messages.slice(i, Math.min(to, i + 20)).map((m) => pub.publishAsync(topic, m, { qos: 1 })));
    published.n = Math.min(to, i + 20);
  }
}

async function killAndRestart(
  dir: string,
  mqttArgs: string[],
  pub: MqttClient,
  connectPublisher: () => Promise<unknown>,
  topic: string,
  opts: { embedded?: boolean } = {},
): Promise<void> {
  const city = loadSampleCity();
  const catalog = catalogFromCity(city);
  const detectors = catalog.ids.filter((_, i) => catalog.kind[i] === 0);
  const t0 = Math.floor((Date.now() - 3 * 3_600_000) / WINDOW_MS) * WINDOW_MS;
  const { batches, expected } = workload(detectors, t0);
  const messages = batches.map((b) => Buffer.from(encodeBatch(b)));
  const results = join(dir, 'results.ndjson');
  let run = startUrbanflow(dir, mqttArgs);
  await until('urbanflow to listen', () => /API on/.test(run.stderr()), run.child);
  await connectPublisher();
  const published = { n: 0 };
  const publishing = publishAll(pub, topic, messages, 0, MESSAGES / 2, published);
  // Killed in the middle: after some windows were emitted, with messages still coming.
  await until(
    'the first window results',
    () => lastRevisions(results).size > 0 && published.n >= MESSAGES / 8,
    run.child,
  );
  run.child.kill('SIGKILL');
  await new Promise((r) => run.child.once('exit', r));
  if (!opts.embedded) await publishing;
  if (opts.embedded) {
    // The broker died with urbanflow: the gateway keeps its unacknowledged messages and sends them again once it is back.
    run = startUrbanflow(dir, mqttArgs);
    await until('urbanflow to listen again', () => /API on/.test(run.stderr()), run.child);
    await publishing;
    await publishAll(pub, topic, messages, MESSAGES / 2, MESSAGES, published);
  } else {
    // Published while urbanflow is down: the persistent session keeps them.
    await publishAll(pub, topic, messages, MESSAGES / 2, MESSAGES, published);
    run = startUrbanflow(dir, mqttArgs);
    await until('urbanflow to listen again', () => /API on/.test(run.stderr()), run.child);
  }
  expect(run.stderr()).toMatch(/restored the window state/);
  // A reading well after the others moves the watermark past every window of the workload.
  await pub.publishAsync(
    topic,
    Buffer.from(encodeBatch([{ sensor: detectors[0], metric: 'detector.count', ts: Date.now() - 60_000, value: 0 }])),
    { qos: 1 },
  );
  // Done when every reading is counted, or (readings lost) when every window was emitted and nothing changed for 10 s.
  let lastSize = -1;
  let stableSince = Date.now();
  await until(
    'every window of the workload',
    () => {
      const got = lastRevisions(results);
      let count = 0;
      let present = 0;
      for (const k of expected.keys()) {
        count += got.get(k)?.count ?? 0;
        if (got.has(k)) present++;
      }
      const size = existsSync(results) ? statSync(results).size : 0;
      if (size !== lastSize) [lastSize, stableSince] = [size, Date.now()];
      return count >= MESSAGES * PER_MESSAGE || (present === expected.size && Date.now() - stableSince > 10_000);
    },
    run.child,
  );
  run.child.kill('SIGTERM');
  await new Promise((r) => run.child.once('exit', r));
  const got = lastRevisions(results);
  let count = 0;
  let sum = 0;
  let expectedSum = 0;
  const wrong: string[] = [];
  for (const [k, e] of expected) {
    const g = got.get(k);
    count += g?.count ?? 0;
    sum += g?.sum ?? 0;
    expectedSum += e.sum;
    if (g?.count !== e.count || g?.sum !== e.sum)
      wrong.push(`${k}: got ${JSON.stringify(g)}, expected ${JSON.stringify(e)}`);
  }
  expect(wrong.slice(0, 5)).toEqual([]);
  expect(count).toBe(MESSAGES * PER_MESSAGE);
  expect(sum).toBe(expectedSum);
}

describe('exactly once across SIGKILL', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'uf-mqtt-kill-'));
  });
  afterAll(() => {
    // A failed run leaves no urbanflow behind.
    for (const c of children) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  describe('through Mosquitto', () => {
    let broker: Mosquitto;
    beforeAll(async () => {
      broker = await startMosquitto();
    }, 30_000);
    afterAll(async () => broker?.stop());

    it('aggregates 1,000,000 QoS 1 readings exactly once when urbanflow is killed and restarted mid-stream', async () => {
      const d = mkdtempSync(join(dir, 'mosquitto-'));
      writeFileSync(join(d, 'operators.json'), JSON.stringify(OPERATORS));
      const pub = mqtt.connect(broker.url, { clientId: 'gateway-1' });
      try {
        await killAndRestart(
          d,
          ['--mqtt', broker.url, '--mqtt-client-id', 'urbanflow-test'],
          pub,
          () => connected(pub),
          'urbanflow/city/batch',
        );
      } finally {
        await pub.endAsync();
      }
    }, 600_000);
  });

  it("through the embedded broker: a device key's 1,000,000 QoS 1 readings exactly once across SIGKILL and restart", async () => {
    const d = mkdtempSync(join(dir, 'embedded-'));
    writeFileSync(join(d, 'operators.json'), JSON.stringify(OPERATORS));
    mkdirSync(join(d, 'state'));
    const keys = KeyStore.open(join(d, 'state', 'keys.db'));
    const deviceKey = keys.create({ tenant: 'north', role: 'device', label: 'gateway' }, Date.now()).secret;
    keys.close();
    const port = await freePort();
    const pub = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
      clientId: 'gateway-north',
      username: 'gateway-north',
      password: deviceKey,
      manualConnect: true,
      reconnectPeriod: 500,
    });
    try {
      await killAndRestart(
        d,
        ['--mqtt-listen', String(port)],
        pub,
        () => (pub.connect(), connected(pub)),
        'urbanflow/north/batch',
        { embedded: true },
      );
    } finally {
      await pub.endAsync(true);
    }
  }, 600_000);
});
