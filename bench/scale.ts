// Benchmark `scale`: three `urbanflow run --kafka` processes of one group on a real broker, fed by the simulator: agreement of their answers (windows, plans, forecasts), revocation propagation, takeover after kill -9, catch-up of a joining process.
import { writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatCityJson, generateCity } from '../src/city/index.js';
import type { Bench } from './index.js';
import { KafkaBroker } from './kafka-broker.js';
import { EngineProcess, type GroupArgs } from './harness/engine-process.js';
import type { UrbanflowProcess } from './harness/urbanflow-process.js';
import { call, cityWideRoutes, gauge, simulate } from './harness/serving-group.js';
import { waitFor } from './harness/wait-for.js';

const HOUR = 3_600_000;
const PARTITIONS = 6;
/**
 * Lane-group forecasts, and so signal plans, leave cold start after a day and an hour of history, and come from
 * fitted models (the leader's, shared) after 29.5 h.
 */
const HISTORY_MS = 31 * HOUR;
/** Lane groups whose forecasts are compared across the processes. */
const FORECAST_SAMPLE = 10;
const WINDOW_OPERATORS = [
  'lane-group-flow-5m',
  'approach-speed-15m',
  'feeder-kw-30m',
  'feeder-kw-1h',
  'bin-fill-latest',
  'temperature-1h-sliding',
];

const log = (line: string) => process.stderr.write(`bench scale: ${line}\n`);

async function everyRouteServes(bases: string[], key: string, routes: string[]): Promise<boolean> {
  const answers = await Promise.all(bases.flatMap((b) => routes.map((r) => call(b, r, key))));
  return answers.every((a) => a.status === 200);
}

async function assignedTotal(bases: string[], key: string): Promise<number> {
  return (await Promise.all(bases.map((b) => gauge(b, key, 'urbanflow_kafka_assigned_partitions')))).reduce(
    (n: number, h) => n + (h ?? 0),
    0,
  );
}

/** Milliseconds from `t0` until `check` holds on every process (polled every 5 ms per process). */
async function propagation(
  bases: string[],
  t0: number,
  check: (base: string) => Promise<boolean>,
  timeoutMs: number,
): Promise<number> {
  const times = await Promise.all(
    bases.map(async (b) => {
      await waitFor('the change to reach every process', () => check(b), timeoutMs, 5);
      return performance.now() - t0;
    }),
  );
  return Math.max(...times);
}

export const scaleBench: Bench = async (args) => {
  const intersections = Number(args[args.indexOf('--intersections') + 1] ?? NaN) || 12;
  const city = generateCity({
    seed: 21,
    intersections,
    feeders: 3,
    resourcesPerFeeder: 2,
    bins: 40,
    depots: 1,
    trucksPerDepot: 2,
    weatherStations: 1,
  });
  const load0 = loadavg()[0];
  const broker = await KafkaBroker.start({ log });
  const cityFile = join(tmpdir(), `urbanflow-bench-scale-city-${process.pid}.json`);
  writeFileSync(cityFile, formatCityJson(city));
  const g: GroupArgs = {
    brokers: broker.brokers,
    cityFile,
    prefix: 'bench-scale',
    group: 'bench-scale',
    partitions: PARTITIONS,
  };
  const processes: EngineProcess[] = [];
  let live: UrbanflowProcess | undefined;
  try {
    const historyEnd = Math.floor(Date.now() / 60_000) * 60_000;
    log(`producing ${HISTORY_MS / HOUR} h of history for ${intersections} intersections`);
    if ((await simulate(g, { fromMs: historyEnd - HISTORY_MS, durationMs: HISTORY_MS }).exited).code !== 0)
      throw new Error('simulate --kafka failed');
    live = simulate(g, { fromMs: historyEnd, durationMs: 2 * HOUR, pace: 1 });
    processes.push(...[0, 1, 2].map(() => new EngineProcess({ ...g, solverThreads: 1 })));
    const bases = await Promise.all(processes.map((p) => p.listening(300_000)));
    await waitFor('the operator key', () => processes.some((p) => p.bootstrapKey), 300_000);
    const key = processes.find((p) => p.bootstrapKey)!.bootstrapKey!;
    await waitFor(
      'every process ready',
      async () => (await Promise.all(bases.map((b) => call(b, '/readyz', undefined)))).every((r) => r.status === 200),
      300_000,
      250,
    );
    log('waiting for the leader to publish every signal plan');
    type Item = { id: string; version: number | null; etag: string | null };
    const listings = async () =>
      Promise.all(
        bases.map(async (b) => ((await call(b, '/v1/signals/intersections', key)).body as { items: Item[] }).items),
      );
    await waitFor(
      'signal plans on every process',
      async () =>
        (await listings()).every((items) => items.length === intersections && items.every((i) => i.version !== null)),
      600_000,
      1_000,
    );

    // Windows: closed history windows of a sample of keys of each operator, the same query on the three.
    let same = 0;
    let asked = 0;
    for (const op of WINDOW_OPERATORS) {
      const current = await call(bases[0], `/v1/windows/${op}/current`, key);
      if (current.status !== 200) continue;
      for (const { key: k } of (current.body as { results: { key: string }[] }).results.slice(0, 10)) {
        const q = `/v1/windows/${op}?key=${encodeURIComponent(k)}&from=${historyEnd - HISTORY_MS}&to=${historyEnd - HOUR}`;
        const answers = await Promise.all(bases.map((b) => call(b, q, key)));
        asked++;
        if (answers.every((a) => a.status === 200 && JSON.stringify(a.body) === JSON.stringify(answers[0].body)))
          same++;
      }
    }
    // Plans: version and ETag of every intersection, read on the three at once (a refresh in flight is waited out once).
    let lists = await listings();
    const agree = (ls: Item[][]) =>
      ls[0].filter((item, i) => ls.every((l) => l[i]?.version === item.version && l[i]?.etag === item.etag)).length;
    if (agree(lists) < intersections) {
      await new Promise((r) => setTimeout(r, 2_000));
      lists = await listings();
    }
    const planAgreement = agree(lists) / intersections;

    // Forecasts: a sample of lane groups, once the leader's fits reached the processes; the same query on the three
    // (a window closing between the reads is waited out once).
    const laneGroups = (
      (await call(bases[0], '/v1/windows/lane-group-flow-5m/current', key)).body as { results: { key: string }[] }
    ).results
      .map((r) => r.key)
      .sort()
      .slice(0, FORECAST_SAMPLE);
    const forecastOf = (b: string, id: string) => call(b, `/v1/forecasts/lane-groups/${id}`, key);
    const fitted = async (id: string) =>
      (await Promise.all(bases.map((b) => forecastOf(b, id)))).every(
        (a) => a.status === 200 && (a.body as { status: string }).status === 'ready',
      );
    await waitFor('lane-group forecasts from fitted models', async () => fitted(laneGroups[0]), 600_000, 1_000);
    let forecastsSame = 0;
    let forecastsFitted = 0;
    for (const id of laneGroups) {
      const identical = async () => {
        const answers = await Promise.all(bases.map((b) => forecastOf(b, id)));
        return answers.every(
          (a) =>
            a.status === answers[0].status &&
            a.headers.etag === answers[0].headers.etag &&
            JSON.stringify(a.body) === JSON.stringify(answers[0].body),
        );
      };
      let agreed = await identical();
      if (!agreed) {
        await new Promise((r) => setTimeout(r, 2_000));
        agreed = await identical();
      }
      if (agreed) forecastsSame++;
      if (await fitted(id)) forecastsFitted++;
    }

    // Revocation: a key made on one process, revoked on another, until refused by all three (five times, the worst).
    const revocations: number[] = [];
    for (let i = 0; i < 5; i++) {
      const made = await call(bases[i % 3], '/v1/keys', key, {
        method: 'POST',
        body: { tenant: 'bench', role: 'traffic-center' },
      });
      const { key: rec, secret } = made.body as { key: { id: string }; secret: string };
      await waitFor(
        'the key on every process',
        async () =>
          (await Promise.all(bases.map((b) => call(b, '/v1/operators', secret)))).every((r) => r.status === 200),
        30_000,
        20,
      );
      const t0 = performance.now();
      await call(bases[(i + 1) % 3], `/v1/keys/${rec.id}`, key, { method: 'DELETE' });
      revocations.push(
        await propagation(bases, t0, async (b) => (await call(b, '/v1/operators', secret)).status === 401, 30_000),
      );
    }

    // Takeover: kill -9 of one process until the other two hold every partition and serve every route.
    const routes = cityWideRoutes(city.intersections[0].id);
    const survivors = bases.slice(0, 2);
    const killedAt = performance.now();
    await processes[2].kill9();
    await waitFor(
      'the survivors to take over',
      async () =>
        (await assignedTotal(survivors, key)) === PARTITIONS && (await everyRouteServes(survivors, key, routes)),
      120_000,
      50,
    );
    const takeoverMs = performance.now() - killedAt;

    // Catch-up: a fresh process joining the group, from start until ready (it read the results and shared state to their ends).
    const joinedAt = performance.now();
    const joiner = new EngineProcess({ ...g, solverThreads: 1 });
    processes.push(joiner);
    const joinerBase = await joiner.listening(300_000);
    await waitFor(
      'the joining process ready',
      async () => (await call(joinerBase, '/readyz', undefined)).status === 200,
      300_000,
      50,
    );
    const catchUpMs = performance.now() - joinedAt;
    const joinerWindows = await call(
      joinerBase,
      `/v1/windows/lane-group-flow-5m?key=${encodeURIComponent(((await call(bases[0], '/v1/windows/lane-group-flow-5m/current', key)).body as { results: { key: string }[] }).results[0].key)}&from=${historyEnd - HISTORY_MS}&to=${historyEnd - HOUR}`,
      key,
    );
    return {
      processes: 3,
      partitions: PARTITIONS,
      intersections,
      windowQueries: asked,
      windowsAgreement: asked === 0 ? 0 : same / asked,
      planAgreement,
      forecastQueries: laneGroups.length,
      forecastAgreement: laneGroups.length === 0 ? 0 : forecastsSame / laneGroups.length,
      forecastsFromFits: laneGroups.length === 0 ? 0 : forecastsFitted / laneGroups.length,
      revocationPropagationMs: Math.round(Math.max(...revocations)),
      revocationPropagationMsEach: revocations.map(Math.round),
      takeoverMs: Math.round(takeoverMs),
      catchUpMs: Math.round(catchUpMs),
      joinerServesHistory:
        joinerWindows.status === 200 && (joinerWindows.body as { results: unknown[] }).results.length > 0,
      loadAvgStart: load0,
      loadAvgEnd: loadavg()[0],
    };
  } finally {
    await live?.kill9();
    await Promise.all(processes.map((p) => p.kill9()));
    await broker.destroy();
  }
};
