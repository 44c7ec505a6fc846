// Scale-out serving on a real broker: three `urbanflow run --kafka` processes of one group, fed by the simulator, give
// the same windows and live plans, share keys, revocations and stored plans, and survive kill -9 of one of them.
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaBroker } from '../../../bench/kafka-broker.js';
import { EngineProcess, type GroupArgs } from '../../../bench/harness/engine-process.js';
import type { UrbanflowProcess } from '../../../bench/harness/urbanflow-process.js';
import { call, cityWideRoutes, gauge, simulate } from '../../../bench/harness/serving-group.js';
import { waitFor } from '../../../bench/harness/wait-for.js';
import { formatCityJson, generateCity } from '../../../src/city/index.js';
import * as rd from '../../../src/io/kafka/rdkafka.js';
import { SKIP_REAL_KAFKA, startTestBroker } from './broker-fixture.js';
import { identity } from './expected.js';
import { decodeResults, readTopic } from './kafka-helpers.js';

const HOUR = 3_600_000;
const PARTITIONS = 4;
/**
 * 31 h of history: the lane-group forecasts (and so the signal plans) leave cold start after a day plus an hour, and
 * are forecast by a fitted model after 29.5 h (so the group's leader fits, and the others forecast with its fits).
 */
const HISTORY_MS = 31 * HOUR;
const city = generateCity({
  seed: 11,
  intersections: 3,
  feeders: 1,
  resourcesPerFeeder: 1,
  bins: 6,
  depots: 1,
  trucksPerDepot: 1,
  weatherStations: 1,
});

let broker: KafkaBroker;
let args: GroupArgs;
let processes: EngineProcess[] = [];
let bases: string[] = [];
let operatorKey: string;
let live: UrbanflowProcess | undefined;
let historyEndMs: number;

if (SKIP_REAL_KAFKA)
  process.stderr.write(
    'scale-out Kafka tests SKIPPED: URBANFLOW_SKIP_REAL_KAFKA=1 (they need Java 17 and Maven to start Apache Kafka)\n',
  );

function dumpLogs(): void {
  for (const [i, p] of processes.entries())
    process.stderr.write(`process ${i} log:\n  ${p.output.slice(-30).join('\n  ')}\n`);
}

async function inputEnds(): Promise<number[]> {
  const c = new rd.Consumer({ 'bootstrap.servers': broker.brokers, 'group.id': 'scale-out-ends' } as never, {});
  await rd.connect(c, 10_000);
  try {
    return await Promise.all(
      Array.from(
        { length: PARTITIONS },
        async (_, p) => (await rd.watermarks(c, `${args.prefix}.telemetry`, p, 10_000)).highOffset,
      ),
    );
  } finally {
    await rd.disconnect(c);
  }
}

async function committed(): Promise<number[]> {
  const c = new rd.Consumer(
    { 'bootstrap.servers': broker.brokers, 'group.id': args.group, 'enable.auto.commit': false } as never,
    {},
  );
  await rd.connect(c, 10_000);
  try {
    const got = await rd.committed(
      c,
      Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: `${args.prefix}.telemetry`, partition })),
      10_000,
    );
    return Array.from({ length: PARTITIONS }, (_, p) => got.find((x) => x.partition === p)?.offset ?? -1);
  } finally {
    await rd.disconnect(c);
  }
}

/** The same request on every live process. */
async function onEach(
  path: string,
  key = operatorKey,
  alive = bases,
): Promise<{ status: number; headers: Record<string, string>; body: unknown }[]> {
  return Promise.all(alive.map((b) => call(b, path, key)));
}

describe.skipIf(SKIP_REAL_KAFKA)('scale-out serving on a real broker', () => {
  beforeAll(async () => {
    broker = await startTestBroker();
    const cityFile = join(tmpdir(), `urbanflow-scale-out-city-${process.pid}.json`);
    writeFileSync(cityFile, formatCityJson(city));
    args = { brokers: broker.brokers, cityFile, prefix: 'scale', group: 'scale-group', partitions: PARTITIONS };
    // History up to the current minute, as fast as it goes; then the simulator goes on producing in real time.
    historyEndMs = Math.floor(Date.now() / 60_000) * 60_000;
    expect((await simulate(args, { fromMs: historyEndMs - HISTORY_MS, durationMs: HISTORY_MS }).exited).code).toBe(0);
    const historyEnds = await inputEnds();
    live = simulate(args, { fromMs: historyEndMs, durationMs: 2 * HOUR, pace: 1 });
    processes = [0, 1, 2].map(() => new EngineProcess({ ...args, solverThreads: 1 }));
    bases = await Promise.all(processes.map((p) => p.listening(300_000)));
    try {
      await waitFor(
        'the first process to create the operator key',
        () => processes.some((p) => p.bootstrapKey !== undefined),
        180_000,
      );
      operatorKey = processes.find((p) => p.bootstrapKey)!.bootstrapKey!;
      await waitFor(
        'every process to be ready',
        async () => (await onEach('/readyz')).every((r) => r.status === 200),
        240_000,
        250,
      );
      await waitFor(
        'the group to process the history',
        async () => (await committed()).every((o, p) => o >= historyEnds[p]),
        300_000,
        500,
      );
      await waitFor(
        'every process to read the window results to their end',
        async () => {
          const lags = await Promise.all(bases.map((b) => gauge(b, operatorKey, 'urbanflow_kafka_global_topic_lag')));
          return lags.every((l) => l !== undefined && l < 50);
        },
        120_000,
        250,
      );
    } catch (err) {
      dumpLogs();
      throw err;
    }
  }, 900_000);

  afterAll(async () => {
    await live?.kill9();
    await Promise.all(processes.map((p) => p.kill9()));
    await broker?.destroy();
  });

  it('one operator key for the group: the first process creates it, the others use it', async () => {
    expect(processes.filter((p) => p.bootstrapKey !== undefined)).toHaveLength(1);
    for (const r of await onEach('/v1/operators')) expect(r.status).toBe(200);
  }, 60_000);

  it('the same query gives identical windows on all three processes, the whole city on each', async () => {
    const op = 'lane-group-flow-5m';
    const current = await onEach(`/v1/windows/${op}/current`);
    const keys = (current[0].body as { results: { key: string }[] }).results.map((r) => r.key).sort();
    // Every lane group of the city, not the third of them this process aggregates.
    expect(keys.length).toBe(
      city.intersections.reduce((n, x) => n + x.approaches.reduce((m, a) => m + a.laneGroups.length, 0), 0),
    );
    // History windows are closed: every process holds the same ones.
    const from = historyEndMs - HISTORY_MS + HOUR;
    const to = historyEndMs - HOUR;
    for (const key of keys.slice(0, 4)) {
      const answers = await onEach(`/v1/windows/${op}?key=${encodeURIComponent(key)}&from=${from}&to=${to}`);
      for (const a of answers) expect(a.status).toBe(200);
      expect((answers[0].body as { results: unknown[] }).results.length).toBeGreaterThan(200);
      expect(answers[1].body).toEqual(answers[0].body);
      expect(answers[2].body).toEqual(answers[0].body);
    }
  }, 60_000);

  it('live signal plans: the same version and ETag for the same period on all three', async () => {
    type Item = { id: string; version: number | null; etag: string | null; effectiveFromMs: number | null };
    const listings = async () =>
      (await onEach('/v1/signals/intersections')).map((r) => (r.body as { items: Item[] }).items);
    let last: Item[][] = [];
    await waitFor(
      "every process to serve the leader's published signal plans",
      async () => {
        last = await listings();
        return (
          last[0].length === city.intersections.length && last.every((items) => items.every((i) => i.version !== null))
        );
      },
      300_000,
      1_000,
    );
    // A refresh may land between two reads: the listings agree once it reached all three.
    await waitFor(
      'the three listings to agree',
      async () => {
        last = await listings();
        return (
          JSON.stringify(last[1]) === JSON.stringify(last[0]) && JSON.stringify(last[2]) === JSON.stringify(last[0])
        );
      },
      30_000,
      200,
    );
    expect(last[1]).toEqual(last[0]);
    expect(last[2]).toEqual(last[0]);
    const id = city.intersections[0].id;
    const plans = await onEach(`/v1/signals/intersections/${id}/plan`);
    for (const p of plans) expect(p.status).toBe(200);
    expect(new Set(plans.map((p) => p.headers.etag)).size).toBe(1);
    expect(new Set(plans.map((p) => p.headers['x-plan-version'])).size).toBe(1);
    expect(plans.map((p) => (p.body as { effectiveFromMs: number }).effectiveFromMs)).toEqual(
      Array(3).fill((plans[0].body as { effectiveFromMs: number }).effectiveFromMs),
    );
    expect(await Promise.all(bases.map((b) => gauge(b, operatorKey, 'urbanflow_live_plans_leader')))).toSatisfy(
      (l: (number | undefined)[]) => l.filter((x) => x === 1).length === 1,
    );
  });

  it("forecasts: identical values, model and ETag on all three (the leader's fits)", async () => {
    const x = city.intersections[0];
    const paths = [
      ...x.approaches.flatMap((a) => a.laneGroups.map((g) => `/v1/forecasts/lane-groups/${x.id}/${g.id}`)),
      `/v1/forecasts/bins/${city.waste.bins[0].id}`,
      `/v1/forecasts/feeders/${city.feeders[0].id}?horizon=6h`,
    ];
    const laneGroups = paths.filter((p) => p.includes('/lane-groups/'));
    type Answer = { status: number; headers: Record<string, string>; body: unknown };
    const agree = (answers: Answer[]) =>
      answers.every(
        (a) =>
          a.status === answers[0].status &&
          a.headers.etag === answers[0].headers.etag &&
          JSON.stringify(a.body) === JSON.stringify(answers[0].body),
      );
    try {
      await waitFor(
        'the lane-group forecasts to come from a fitted model on every process',
        async () => {
          for (const path of laneGroups)
            for (const r of await onEach(path))
              if (r.status !== 200 || (r.body as { status: string }).status !== 'ready') return false;
          return true;
        },
        300_000,
        1_000,
      );
    } catch (err) {
      dumpLogs();
      throw err;
    }
    for (const path of paths) {
      // A window may close between two of the three reads: the answers agree once it reached all three.
      let last: Answer[] = [];
      await waitFor(
        `the three answers to ${path} to agree`,
        async () => agree((last = await onEach(path))),
        60_000,
        200,
      );
      expect(last[0].status, path).toBe(200);
      expect(last[0].headers.etag, path).toBeTruthy();
      expect(new Set(last.map((r) => r.headers.etag)).size, path).toBe(1);
      expect(last[1].body, path).toEqual(last[0].body);
      expect(last[2].body, path).toEqual(last[0].body);
    }
    for (const path of laneGroups) {
      const models = (await onEach(path)).map((r) => (r.body as { model: { fittedAtMs: number | null } }).model);
      expect(models[0].fittedAtMs, path).not.toBeNull();
      expect(new Set(models.map((m) => m.fittedAtMs)).size, path).toBe(1);
    }
  }, 420_000);

  it('a plan posted to one process is readable on the other two', async () => {
    const request = JSON.parse(
      readFileSync(new URL('../../fixtures/signals/main-street.json', import.meta.url), 'utf8'),
    ) as unknown;
    const posted = await call(bases[0], '/v1/signals/plans?wait=60', operatorKey, { method: 'POST', body: request });
    expect(posted.status).toBe(201);
    const location = posted.headers.location;
    const plan = posted.body as { id: string; status: string };
    expect(plan.status).toBe('done');
    await waitFor(
      'the plan to reach the other processes',
      async () =>
        (await onEach(location, operatorKey, bases.slice(1))).every(
          (r) => r.status === 200 && (r.body as { status: string }).status === 'done',
        ),
      30_000,
    );
    for (const r of await onEach(location, operatorKey, bases.slice(1))) expect(r.body).toEqual(posted.body);
  }, 120_000);

  it('a key created on one works on the others; revoked on another, it is refused by all', async () => {
    const created = await call(bases[0], '/v1/keys', operatorKey, {
      method: 'POST',
      body: { tenant: 'city-traffic', role: 'traffic-center', label: 'scale-out test' },
    });
    expect(created.status).toBe(201);
    const { key, secret } = created.body as { key: { id: string }; secret: string };
    await waitFor(
      'the new key to work on every process',
      async () => (await onEach('/v1/operators', secret)).every((r) => r.status === 200),
      30_000,
    );
    const revoked = await call(bases[1], `/v1/keys/${key.id}`, operatorKey, { method: 'DELETE' });
    expect(revoked.status).toBe(200);
    // The propagation time is a benchmark figure (revocationPropagationMs), not asserted here.
    await waitFor(
      'the revoked key to be refused by every process',
      async () => (await onEach('/v1/operators', secret)).every((r) => r.status === 401),
      30_000,
      20,
    );
    const listed = await onEach('/v1/keys');
    for (const l of listed)
      expect(
        (l.body as { keys: { id: string; revokedAt: number | null }[] }).keys.find((k) => k.id === key.id)?.revokedAt,
      ).toBeTruthy();
  }, 120_000);

  it('kill -9 of one process: the other two serve every route, take over its partitions, and the results topic holds each window once', async () => {
    const [victim] = processes.splice(2, 1);
    bases = bases.slice(0, 2);
    await victim.kill9();
    const routes = [...cityWideRoutes(city.intersections[0].id), '/v1/signals/plans'];
    try {
      await waitFor(
        'the survivors to hold every input partition',
        async () => {
          const held = await Promise.all(
            bases.map((b) => gauge(b, operatorKey, 'urbanflow_kafka_assigned_partitions')),
          );
          return held.reduce((n: number, h) => n + (h ?? 0), 0) === PARTITIONS;
        },
        120_000,
        250,
      );
      for (const path of routes) for (const r of await onEach(path)) expect(r.status, path).toBe(200);
      const ends = await inputEnds();
      await waitFor(
        'the survivors to process what the killed process left',
        async () => (await committed()).every((o, p) => o >= ends[p]),
        180_000,
        500,
      );
    } catch (err) {
      dumpLogs();
      throw err;
    }
    const rows = decodeResults(await readTopic(broker.brokers, `${args.prefix}.results`, PARTITIONS));
    expect(rows.length).toBeGreaterThan(1000);
    const seen = new Map<string, number>();
    for (const r of rows) seen.set(identity(r), (seen.get(identity(r)) ?? 0) + 1);
    expect([...seen].filter(([, n]) => n > 1)).toEqual([]);
  }, 600_000);
});
