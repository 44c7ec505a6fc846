// QoS 1 batches through a broker into `urbanflow run --mqtt`, which is killed with SIGKILL mid-stream and restarted:
// what the final window results hold against what was published. Shared by the exactly-once test and the mqtt benchmark.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { catalogFromCity } from '../../src/app/index.js';
import { loadSampleCity } from '../../src/city/index.js';
import type { OperatorSpec } from '../../src/stream/index.js';
import { encodeBatch, type Reading } from '../../src/telemetry/index.js';
import { UrbanflowProcess } from './urbanflow-process.js';
import { waitFor } from './wait-for.js';

export const WINDOW_MS = 300_000;

/** One tumbling five-minute count and sum per detector: what the driver checks. */
export const COUNT_OPERATORS: OperatorSpec[] = [
  {
    name: 'count-5m',
    metric: 'detector.count',
    keyBy: 'sensor',
    window: { type: 'tumbling', sizeMs: WINDOW_MS },
    aggregates: ['sum', 'count'],
    allowedLatenessMs: 60_000,
  },
];

type Tally = { sum: number; count: number };

/** The sample city's detectors, the sensors the workload's readings come from. */
export function sampleDetectors(): string[] {
  const catalog = catalogFromCity(loadSampleCity());
  return catalog.ids.filter((_, i) => catalog.kind[i] === 0);
}

/** The readings: detectors in turn, one second of event time per round, values 0-19 (sums exact in doubles). */
export function workload(
  detectors: string[],
  t0: number,
  messages: number,
  perMessage: number,
): { batches: Reading[][]; expected: Map<string, Tally> } {
  const batches: Reading[][] = [];
  const expected = new Map<string, Tally>();
  let n = 0;
  for (let m = 0; m < messages; m++) {
    const batch: Reading[] = [];
    for (let j = 0; j < perMessage; j++, n++) {
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

/** The last revision of each window in the results file (rows of a killed run first, then the restarted run's). */
export function lastRevisions(file: string): Map<string, Tally> {
  const out = new Map<string, Tally>();
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.endsWith('}')) continue;
    const r = JSON.parse(line) as { key: string; start: number; values: Tally };
    out.set(`${r.key}@${r.start}`, r.values);
  }
  return out;
}

/** Publishes messages `from`..`to` at QoS 1, 20 in flight at a time (the broker acknowledges as it stores them). */
export async function publishAll(
  pub: MqttClient,
  topic: string,
  messages: Buffer[],
  from: number,
  to: number,
  published: { n: number },
): Promise<void> {
  for (let i = from; i < to; i += 20) {
    await Promise.all(messages.slice(i, Math.min(to, i + 20)).map((m) => pub.publishAsync(topic, m, { qos: 1 })));
    published.n = Math.min(to, i + 20);
  }
}

export function connected(c: MqttClient): Promise<void> {
  return c.connected ? Promise.resolve() : new Promise((resolve) => c.once('connect', () => resolve()));
}

export interface KillRestartRun {
  /** An empty directory for the state, the operators and the results. */
  dir: string;
  /** The `--mqtt…` flags of `urbanflow run`. */
  mqttArgs: string[];
  /** Called once urbanflow listens, before it is killed (the embedded broker only exists then). */
  connectPublisher: () => Promise<MqttClient>;
  topic: string;
  messages: number;
  perMessage: number;
  /** The broker is urbanflow's own (`--mqtt-listen`): it dies with it, and the gateway resends once it is back. */
  embedded?: boolean;
}

export interface KillRestartOutcome {
  expected: Map<string, Tally>;
  /** The last revision of each window the results file holds. */
  got: Map<string, Tally>;
  /** What the restarted urbanflow printed (it says whether it restored the window state). */
  restartedLog: string;
}

/** Publishes the workload, kills urbanflow after the first window results, restarts it and waits for every window. */
export async function killAndRestart(o: KillRestartRun): Promise<KillRestartOutcome> {
  mkdirSync(join(o.dir, 'state'), { recursive: true });
  writeFileSync(join(o.dir, 'operators.json'), JSON.stringify(COUNT_OPERATORS));
  const results = join(o.dir, 'results.ndjson');
  const start = () =>
    new UrbanflowProcess([
      'run',
      '--port',
      '0',
      '--workers',
      '1',
      '--state-dir',
      join(o.dir, 'state'),
      '--operators',
      join(o.dir, 'operators.json'),
      '--results-file',
      results,
      '--log-level',
      'silent',
      ...o.mqttArgs,
    ]);
  const detectors = sampleDetectors();
  const t0 = Math.floor((Date.now() - 3 * 3_600_000) / WINDOW_MS) * WINDOW_MS;
  const { batches, expected } = workload(detectors, t0, o.messages, o.perMessage);
  const messages = batches.map((b) => Buffer.from(encodeBatch(b)));
  const total = o.messages * o.perMessage;
  const half = o.messages / 2;
  let run = start();
  let pub: MqttClient | undefined;
  /** A wait that fails at once when urbanflow exits. */
  const until = (what: string, check: () => boolean) =>
    waitFor(
      what,
      () => {
        if (run.exitCode !== null) throw new Error(`urbanflow exited (${run.exitCode}): ${run.stderr}`);
        return check();
      },
      240_000,
    );
  try {
    await run.listening();
    pub = await o.connectPublisher();
    const published = { n: 0 };
    const publishing = publishAll(pub, o.topic, messages, 0, half, published);
    // Killed in the middle: after some windows were emitted, with messages still coming.
    await until('the first window results', () => lastRevisions(results).size > 0 && published.n >= o.messages / 8);
    await run.kill9();
    if (o.embedded) {
      // The broker died with urbanflow: the gateway keeps its unacknowledged messages and sends them again once it is back.
      run = start();
      await run.listening();
      await publishing;
      await publishAll(pub, o.topic, messages, half, o.messages, published);
    } else {
      // Published while urbanflow is down: the persistent session keeps them.
      await publishing;
      await publishAll(pub, o.topic, messages, half, o.messages, published);
      run = start();
      await run.listening();
    }
    // A reading well after the others moves the watermark past every window of the workload.
    await pub.publishAsync(
      o.topic,
      Buffer.from(encodeBatch([{ sensor: detectors[0], metric: 'detector.count', ts: Date.now() - 60_000, value: 0 }])),
      { qos: 1 },
    );
    // Done when every reading is counted, or (readings lost) when every window was emitted and nothing changed for 10 s.
    let lastSize = -1;
    let stableSince = Date.now();
    await until('every window of the workload', () => {
      const got = lastRevisions(results);
      let count = 0;
      let present = 0;
      for (const k of expected.keys()) {
        count += got.get(k)?.count ?? 0;
        if (got.has(k)) present++;
      }
      const size = existsSync(results) ? statSync(results).size : 0;
      if (size !== lastSize) [lastSize, stableSince] = [size, Date.now()];
      return count >= total || (present === expected.size && Date.now() - stableSince > 10_000);
    });
    await run.stop();
    return { expected, got: lastRevisions(results), restartedLog: run.stderr };
  } finally {
    // A failed run leaves no urbanflow behind.
    if (run.exitCode === null) await run.kill9();
    await pub?.endAsync(true);
  }
}

/** Readings of the workload counted in the final windows (more than published when some were counted twice). */
export function countedReadings(outcome: KillRestartOutcome): number {
  let n = 0;
  for (const k of outcome.expected.keys()) n += outcome.got.get(k)?.count ?? 0;
  return n;
}
