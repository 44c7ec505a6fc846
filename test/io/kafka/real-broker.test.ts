// Against a real Apache Kafka broker (KRaft) started by the test: engine processes are real `urbanflow run --kafka`
// processes; the output topic is read with isolation.level=read_committed and compared with the reference and
// with a clean run after kill -9, a takeover by a second process, a broker restart, and poison input.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encode } from '@msgpack/msgpack';
import type { KafkaBroker } from '../../../bench/kafka-broker.js';
import { changelogTopic } from '../../../src/io/kafka/index.js';
import * as rd from '../../../src/io/kafka/rdkafka.js';
import type { WindowResult } from '../../../src/stream/index.js';
import { DEFAULT_SKETCH_ALPHA } from '../../../src/stream/sketch.js';
import { encodeBatch, encodeReading } from '../../../src/telemetry/codec.js';
import { SKIP_REAL_KAFKA, startTestBroker } from './broker-fixture.js';
import { EngineProcess } from '../../../bench/harness/engine-process.js';
import { identity, sorted } from './expected.js';
import {
  PARTITIONS,
  catalog,
  chunks,
  co,
  produceInput,
  referenceResults,
  storedInput,
  topics,
  writeCityFile,
} from './input.js';
import {
  committedOffsets,
  createTopic,
  decodeResults,
  kafkaConfig,
  produceAll,
  readTopic,
  waitFor,
} from './kafka-helpers.js';

const CLI = fileURLToPath(new URL('../../../bin/urbanflow.js', import.meta.url));
let broker: KafkaBroker;
let cityFile: string;
let clean: WindowResult[] | undefined;

if (SKIP_REAL_KAFKA)
  process.stderr.write(
    'real-broker Kafka tests SKIPPED: URBANFLOW_SKIP_REAL_KAFKA=1 (they need Java 17 and Maven to start Apache Kafka)\n',
  );

async function endOffsets(prefix: string): Promise<number[]> {
  const c = new rd.Consumer({ 'bootstrap.servers': broker.brokers, 'group.id': 'end-offsets' } as never, {});
  await rd.connect(c, 10_000);
  try {
    return await Promise.all(
      Array.from(
        { length: PARTITIONS },
        (_, p) =>
          new Promise<number>((resolve, reject) =>
            c.queryWatermarkOffsets(topics(prefix).input, p, 10_000, (err, o) =>
              err ? reject(rd.asError(err)) : resolve(o.highOffset),
            ),
          ),
      ),
    );
  } finally {
    await rd.disconnect(c);
  }
}

/** The group has committed every input message. */
async function caughtUp(prefix: string, group: string): Promise<boolean> {
  const [ends, done] = await Promise.all([
    endOffsets(prefix),
    committedOffsets(broker.brokers, group, topics(prefix).input, PARTITIONS),
  ]);
  return ends.every((end, p) => end === 0 || done[p] === end);
}

async function committedTotal(prefix: string, group: string): Promise<number> {
  return (await committedOffsets(broker.brokers, group, topics(prefix).input, PARTITIONS)).reduce(
    (n, o) => n + Math.max(0, o),
    0,
  );
}

async function output(prefix: string): Promise<WindowResult[]> {
  return decodeResults(await readTopic(broker.brokers, topics(prefix).results, PARTITIONS));
}

function expectExactlyOnce(rows: WindowResult[]): void {
  const ids = rows.map(identity);
  const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
  expect(dup, 'window results read more than once').toEqual([]);
}

function expectEqualsReference(actual: WindowResult[], expected: WindowResult[]): void {
  const a = sorted(actual);
  const e = sorted(expected);
  expect(a.map(identity)).toEqual(e.map(identity));
  for (let i = 0; i < a.length; i++) {
    for (const [agg, want] of Object.entries(e[i].values)) {
      const got = a[i].values[agg];
      const where = `${identity(a[i])} ${agg}`;
      if (want === null) expect(got, where).toBeNull();
      else {
        const tol = agg.startsWith('p')
          ? DEFAULT_SKETCH_ALPHA * Math.abs(want) + 1e-9
          : 1e-9 * Math.max(1, Math.abs(want));
        expect(Math.abs(got! - want), `${where}: got ${got}, want ${want}`).toBeLessThanOrEqual(tol);
      }
    }
  }
}

function engine(prefix: string, group: string, instanceId?: string): EngineProcess {
  return new EngineProcess({ brokers: broker.brokers, cityFile, prefix, group, instanceId });
}

async function untilCaughtUp(prefix: string, group: string, engines: EngineProcess[]): Promise<void> {
  try {
    await waitFor(`group ${group} to commit all of ${prefix}`, () => caughtUp(prefix, group), 90_000);
  } catch (err) {
    for (const e of engines) process.stderr.write(`engine log:\n  ${e.output.slice(-40).join('\n  ')}\n`);
    throw err;
  }
}

describe.skipIf(SKIP_REAL_KAFKA)('Kafka on a real broker', () => {
  beforeAll(async () => {
    broker = await startTestBroker();
    cityFile = writeCityFile();
  }, 600_000);

  afterAll(async () => {
    await broker?.destroy();
  });

  it('simulate --kafka puts every reading on the partition of its co-partition unit', async () => {
    const prefix = 'sim';
    const run = spawnSync(
      process.execPath,
      [
        CLI,
        'simulate',
        '--kafka',
        broker.brokers,
        '--city',
        cityFile,
        '--from',
        '2026-06-15T06:00:00Z',
        '--duration',
        '30m',
        '--kafka-topic',
        topics(prefix).input,
        '--kafka-partitions',
        String(PARTITIONS),
      ],
      { encoding: 'utf8' },
    );
    expect(run.status, run.stderr).toBe(0);
    const of = co.partitionOfSensor(PARTITIONS);
    const input = await storedInput(broker.brokers, prefix);
    const readings = input.flat().flatMap((m) => m.readings.map((r) => [Number(m.partition), r.sensor] as const));
    expect(readings.length).toBeGreaterThan(1000);
    expect(new Set(readings.map(([p]) => p)).size).toBe(PARTITIONS);
    for (const [p, sensor] of readings) expect(of[catalog.index.get(sensor)!], sensor).toBe(p);
  });

  it('a clean run: the read_committed output equals the single-threaded reference, each window result once', async () => {
    const prefix = 'clean';
    await produceInput(broker.brokers, prefix, 0);
    const e = engine(prefix, 'clean');
    await untilCaughtUp(prefix, 'clean', [e]);
    expect(await e.stop(), `exit code of a clean stop; its last output:\n${e.output.slice(-30).join('\n')}`).toBe(0);
    const rows = await output(prefix);
    expectExactlyOnce(rows);
    const ref = referenceResults(await storedInput(broker.brokers, prefix));
    expect(ref.results.length).toBeGreaterThan(500);
    expectEqualsReference(rows, ref.results);
    expect((await readTopic(broker.brokers, topics(prefix).deadLetters, PARTITIONS)).length).toBe(ref.deadLetters);
    clean = rows;
  });

  it('kill -9 at several moments and restart: the output is the clean run, bit for bit, each window once', async () => {
    expect(clean, 'the clean run must pass first').toBeDefined();
    const prefix = 'crash';
    let e = engine(prefix, 'crash', 'crash-1');
    let produced = false;
    const producing = produceInput(broker.brokers, prefix, 80).then(() => (produced = true));
    const kills: number[] = [];
    // One kill while the process starts (connecting, restoring), then kills after progress, at random
    // moments of the commit cycle, while telemetry keeps arriving.
    await new Promise((r) => setTimeout(r, 700));
    await e.kill9();
    e = engine(prefix, 'crash', 'crash-1');
    while (!produced && kills.length < 4) {
      const before = await committedTotal(prefix, 'crash');
      await waitFor(
        'progress after a restart',
        async () => produced || (await committedTotal(prefix, 'crash')) > before,
        60_000,
      );
      if (produced) break;
      await new Promise((r) => setTimeout(r, Math.random() * 400));
      kills.push(await committedTotal(prefix, 'crash'));
      await e.kill9();
      e = engine(prefix, 'crash', 'crash-1');
    }
    await producing;
    await untilCaughtUp(prefix, 'crash', [e]);
    expect(await e.stop(), `exit code of a clean stop; its last output:\n${e.output.slice(-30).join('\n')}`).toBe(0);
    // The kills hit a stream in progress: some input committed before them, not all of it.
    const total = (await endOffsets(prefix)).reduce((a, b) => a + b, 0);
    expect(
      kills.filter((n) => n > 0 && n < total).length,
      `committed input at the kills: ${kills.join(', ')} of ${total}\n${e.output.join('\n')}`,
    ).toBeGreaterThanOrEqual(2);
    const rows = await output(prefix);
    expectExactlyOnce(rows);
    expect(sorted(rows)).toEqual(sorted(clean!));
  });

  it('two processes in one group, one killed: the survivor takes its partitions over and the output is still exactly once', async () => {
    expect(clean, 'the clean run must pass first').toBeDefined();
    const prefix = 'pair';
    const a = engine(prefix, 'pair', 'pair-a');
    const b = engine(prefix, 'pair', 'pair-b');
    await waitFor('both processes to get partitions', () => a.assigned && b.assigned, 60_000);
    await produceInput(broker.brokers, prefix, 40, async (chunk) => {
      if (chunk === 70) await a.kill9();
    });
    await untilCaughtUp(prefix, 'pair', [b]);
    expect(
      b.output.filter((l) => l.includes('assigned partitions')).length,
      'the survivor is assigned the dead process partitions',
    ).toBeGreaterThanOrEqual(2);
    expect(await b.stop(), `exit code of a clean stop; its last output:\n${b.output.slice(-30).join('\n')}`).toBe(0);
    const rows = await output(prefix);
    expectExactlyOnce(rows);
    expect(sorted(rows)).toEqual(sorted(clean!));
  });

  it('a second process joining mid-stream: partitions move with their state (cooperative rebalance), still exactly once', async () => {
    expect(clean, 'the clean run must pass first').toBeDefined();
    const prefix = 'scale';
    const a = engine(prefix, 'scale', 'scale-a');
    let b: EngineProcess | undefined;
    await waitFor('the first process to get partitions', () => a.assigned, 60_000);
    await produceInput(broker.brokers, prefix, 60, async () => {
      if (!b && (await committedTotal(prefix, 'scale')) > 0) b = engine(prefix, 'scale', 'scale-b');
    });
    expect(b, 'the second process started while telemetry was arriving').toBeDefined();
    await untilCaughtUp(prefix, 'scale', [a, b!]);
    expect(
      a.output.some((l) => l.includes('revoked partitions')),
      'the first process gave partitions up',
    ).toBe(true);
    expect(
      b!.output.some((l) => /restored: [1-9]\d* keys/.test(l)),
      `the second process continued from checkpointed state:\n${b!.output.join('\n')}\n${a.output.join('\n')}`,
    ).toBe(true);
    expect(await a.stop(), `exit code of a clean stop; its last output:\n${a.output.slice(-30).join('\n')}`).toBe(0);
    expect(await b!.stop(), `exit code of a clean stop; its last output:\n${b!.output.slice(-30).join('\n')}`).toBe(0);
    const rows = await output(prefix);
    expectExactlyOnce(rows);
    expect(sorted(rows)).toEqual(sorted(clean!));
  });

  it('a broker restart while running: the engine reconnects, loses nothing and duplicates nothing', async () => {
    expect(clean, 'the clean run must pass first').toBeDefined();
    const prefix = 'restart';
    const e = engine(prefix, 'restart', 'restart-1');
    let exitedEarly = false;
    void e.exited.then(() => (exitedEarly = true));
    await waitFor('the engine to get its partitions', () => e.assigned, 60_000);
    await produceInput(broker.brokers, prefix, 40, async (chunk) => {
      if (chunk === 90) await broker.restart();
    });
    await untilCaughtUp(prefix, 'restart', [e]);
    expect(exitedEarly, `the engine exited during the broker restart:\n${e.output.join('\n')}`).toBe(false);
    expect(await e.stop(), `exit code of a clean stop; its last output:\n${e.output.slice(-30).join('\n')}`).toBe(0);
    const rows = await output(prefix);
    expectExactlyOnce(rows);
    expect(sorted(rows)).toEqual(sorted(clean!));
  });

  it('poison messages go to the dead-letter topic with their reason and coordinates, and offsets move past them', async () => {
    const prefix = 'poison';
    const of = co.partitionOfSensor(PARTITIONS);
    const sensorOn = (p: number) => catalog.ids.find((_, i) => of[i] === p && catalog.kind[i] === 0)!;
    const ts = Date.UTC(2026, 5, 15, 6);
    const good = chunks().slice(0, 20).flat();
    const onPartition = (p: number) => good.filter((r) => of[catalog.index.get(r.sensor)!] === p);
    const messages = [
      ...Array.from({ length: PARTITIONS }, (_, p) => ({ partition: p, value: encodeBatch(onPartition(p)) })),
      { partition: 0, value: Uint8Array.of(0xc1, 0xff, 0x00) },
      { partition: 1, value: new Uint8Array(0) },
      {
        partition: 2,
        value: encode({
          sensors: ['x'],
          metrics: ['detector.count'],
          sensor: [0],
          metric: [0],
          ts: [1, 2],
          value: [1],
        }),
      },
      { partition: 3, value: encodeReading({ sensor: 'no-such-sensor', metric: 'detector.count', ts, value: 3 }) },
      { partition: 0, value: encodeReading({ sensor: sensorOn(1), metric: 'detector.count', ts, value: 3 }) },
      ...Array.from({ length: PARTITIONS }, (_, p) => ({
        partition: p,
        value: encodeReading({ sensor: sensorOn(p), metric: 'detector.count', ts: ts + 86_400_000, value: 1 }),
      })),
    ];
    await createTopic(broker.brokers, topics(prefix).input, PARTITIONS);
    await produceAll(broker.brokers, topics(prefix).input, messages);
    const e = engine(prefix, 'poison');
    await untilCaughtUp(prefix, 'poison', [e]);
    expect(await e.stop(), `exit code of a clean stop; its last output:\n${e.output.slice(-30).join('\n')}`).toBe(0);
    const letters = (await readTopic(broker.brokers, topics(prefix).deadLetters, PARTITIONS)).map((m) =>
      JSON.parse(m.value!.toString()),
    );
    const reasons = letters.map((l) => l.reason);
    for (const r of ['malformed', 'bad-batch', 'unknown-sensor', 'wrong-partition']) expect(reasons, r).toContain(r);
    expect(reasons.filter((r) => r === 'malformed').length).toBe(2);
    const wrong = letters.find((l) => l.reason === 'wrong-partition');
    expect(wrong.input).toMatchObject({ topic: topics(prefix).input, partition: 0 });
    expect(wrong.detail).toContain(co.unitOf[catalog.index.get(sensorOn(1))!]);
    // The valid readings around the poison still give the reference's windows.
    const input = await storedInput(broker.brokers, prefix);
    const wrongPartition = input.map((msgs, p) =>
      msgs.filter((m) =>
        m.readings.every((r) => catalog.index.has(r.sensor) && of[catalog.index.get(r.sensor)!] === p),
      ),
    );
    const ref = referenceResults(wrongPartition);
    expect(ref.results.length).toBeGreaterThan(20);
    expectEqualsReference(await output(prefix), ref.results);
  });

  it('the changelog holds bucket records keyed by operator, layout and bucket, key records keyed by operator and entity, and a meta record per partition', async () => {
    const msgs = await readTopic(
      broker.brokers,
      changelogTopic(kafkaConfig(broker.brokers, { applicationId: 'clean' })),
      PARTITIONS,
    );
    const keys = new Set(msgs.map((m) => m.key!.toString()));
    expect(keys.has('meta')).toBe(true);
    const state = [...keys].filter((k) => k !== 'meta');
    expect(state.filter((k) => !/^(k\/[a-z0-9.-]+\/.+|b\/[a-z0-9.-]+\/\d+\/\d+)$/i.test(k))).toEqual([]);
    expect(state.some((k) => k.startsWith('b/'))).toBe(true);
  });
});
