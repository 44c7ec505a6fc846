// Forecast fits shared by the processes of a group: the leader refits, the others forecast with its fits, and the
// same window results then give identical answers (values, model, ETag) on every process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForecastService, type ForecastQuery, type SeriesKind } from '../../../src/app/forecasts/index.js';
import { etagOf } from '../../../src/app/plans/index.js';
import type { Replica } from '../../../src/app/replica.js';
import { StateStore } from '../../../src/app/state-store.js';
import { generateCity } from '../../../src/city/index.js';
import type { WindowResult } from '../../../src/stream/index.js';
import { HOUR, MONDAY, liveCity, type LiveCity } from '../helpers/live-city.js';

const city = generateCity({
  seed: 3,
  intersections: 2,
  feeders: 1,
  resourcesPerFeeder: 1,
  bins: 3,
  depots: 1,
  trucksPerDepot: 1,
  weatherStations: 1,
});
/** Lane groups get their fitted models after about 29.5 h of 5-minute windows. */
const END = MONDAY + 31 * HOUR;
const laneGroups = city.intersections.flatMap((x) =>
  x.approaches.flatMap((a) => a.laneGroups.map((g) => `${x.id}/${g.id}`)),
);
const dir = mkdtempSync(join(tmpdir(), 'urbanflow-shared-fits-'));

/** The group's topic: one order, delivered to every subscriber; a late subscriber reads it from the start. */
function topic() {
  const log: [string, string | null][] = [];
  const subscribers: ((key: string, doc: string | null) => void)[] = [];
  const replica: Replica = {
    publish: (key, doc) => {
      log.push([key, doc]);
      for (const s of subscribers) s(key, doc);
    },
    subscribe: (apply) => {
      subscribers.push(apply);
      for (const [key, doc] of log) apply(key, doc);
    },
  };
  return { replica, log };
}

let live: LiveCity;
let store: StateStore;
let group: ReturnType<typeof topic>;
let leader: ForecastService;
let follower: ForecastService;
/** A process of the group that never read the topic: it fits on its own timer, as every process did before. */
let alone: ForecastService;
/** Every window result, as the results topic holds them. */
const results: WindowResult[] = [];

const queries = (): ForecastQuery[] => [
  ...laneGroups.map((id) => ({ kind: 'laneGroup' as SeriesKind, id, horizonMs: 2 * HOUR })),
  ...city.waste.bins.map((b) => ({ kind: 'bin' as SeriesKind, id: b.id, horizonMs: 24 * HOUR })),
  { kind: 'feeder', id: city.feeders[0].id, horizonMs: 6 * HOUR },
];

beforeAll(async () => {
  live = liveCity(city, MONDAY, 3);
  group = topic();
  store = StateStore.open(dir);
  const operators = live.pipeline.operators;
  leader = new ForecastService({ city, operators, store, shared: { replica: group.replica, fits: () => true } });
  follower = new ForecastService({ city, operators, shared: { replica: group.replica, fits: () => false } });
  alone = new ForecastService({ city, operators });
  live.pipeline.addResultListener((rows) => {
    results.push(...rows);
    [leader, follower, alone].forEach((s) => s.ingest(rows));
  });
  // The processes' timers are not aligned: the one alone refits ten minutes of service time after the leader.
  await live.runUntil(END, async (now) => {
    leader.tick(now);
    follower.tick(now);
    alone.tick(now - 10 * 60_000);
    await Promise.all([leader.idle(), alone.idle()]);
  });
}, 600_000);

afterAll(async () => {
  await Promise.all([leader, follower, alone].map((s) => s?.close()));
  await live?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('shared forecast fits', () => {
  it('only the leader refits; the follower forecasts with the fits it read', () => {
    expect(leader.stats().refitSeries).toBeGreaterThanOrEqual(laneGroups.length);
    expect(follower.stats().refitBatches).toBe(0);
    expect(follower.stats().sharedApplied).toBe(leader.stats().sharedPublished);
    expect(follower.stats().kinds.laneGroup.models).toBe(laneGroups.length);
  });

  it('the same window results give identical answers, values, model and ETag, on leader and follower', () => {
    let ready = 0;
    for (const q of queries()) {
      const a = leader.forecast(q, END);
      const b = follower.forecast(q, END);
      expect(b, `${q.kind} ${q.id}`).toEqual(a);
      if (a.status === 'ready') {
        ready++;
        expect(etagOf(b)).toBe(etagOf(a));
      }
    }
    expect(ready).toBe(laneGroups.length);
    for (const kind of ['laneGroup', 'bin', 'feeder'] as const)
      expect(follower.series(kind)).toEqual(leader.series(kind));
    expect(follower.modelInfo('laneGroup', laneGroups[0])).toEqual(leader.modelInfo('laneGroup', laneGroups[0]));
  });

  it('fits made on each process own timer differ (what sharing prevents)', () => {
    const id = laneGroups[0];
    const q = { kind: 'laneGroup' as SeriesKind, id, horizonMs: 2 * HOUR };
    expect(alone.modelInfo('laneGroup', id)?.fittedAtMs).not.toBe(leader.modelInfo('laneGroup', id)?.fittedAtMs);
    expect(etagOf(alone.forecast(q, END))).not.toBe(etagOf(leader.forecast(q, END)));
  });

  it('a process joining reads every fit from the topic and answers the same', () => {
    const late = new ForecastService({
      city,
      operators: live.pipeline.operators,
      shared: { replica: group.replica, fits: () => false },
    });
    // Its window results come from the results topic, as the others' did.
    late.ingest(results);
    for (const q of queries()) expect(late.forecast(q, END), `${q.kind} ${q.id}`).toEqual(leader.forecast(q, END));
  });

  it('of two fits of one series, the later stands on every process, in any order', () => {
    const id = laneGroups[0];
    const key = `laneGroup|${id}`;
    const docs = group.log.filter(([k]) => k === key).map(([, doc]) => doc!);
    const older = JSON.parse(docs[0]) as { at: number };
    const newer = JSON.stringify({ ...JSON.parse(docs[docs.length - 1]), at: older.at + 1 });
    // Another leader's fit of the same time, told apart by what it holds.
    const last = JSON.parse(docs[docs.length - 1]) as { record: { fitMs: number } };
    const rival = JSON.stringify({
      ...last,
      at: older.at + 1,
      record: { ...last.record, fitMs: last.record.fitMs + 1 },
    });
    const finals = [
      [docs[0], newer, rival],
      [rival, newer, docs[0]],
      [newer, docs[0], rival],
    ].map((order) => {
      const t = topic();
      const s = new ForecastService({
        city,
        operators: live.pipeline.operators,
        shared: { replica: t.replica, fits: () => false },
      });
      for (const doc of order) t.replica.publish(key, doc);
      return s.modelInfo('laneGroup', id);
    });
    expect(new Set(finals.map((f) => f?.fitMs)).size).toBe(1);
    expect(finals[1]).toEqual(finals[0]);
    expect(finals[2]).toEqual(finals[0]);
  });

  it("a process's own fits the group does not hold are shared once it caught up", () => {
    const fresh = topic();
    const restarted = new ForecastService({
      city,
      operators: live.pipeline.operators,
      store,
      shared: { replica: fresh.replica, fits: () => false },
    });
    const other = new ForecastService({
      city,
      operators: live.pipeline.operators,
      shared: { replica: fresh.replica, fits: () => false },
    });
    expect(fresh.log).toEqual([]);
    restarted.shareOwnFits();
    expect(fresh.log.length).toBe(restarted.stats().restoredModels);
    expect(other.modelInfo('laneGroup', laneGroups[0])).toEqual(leader.modelInfo('laneGroup', laneGroups[0]));
    // Once shared, they are not shared again.
    restarted.shareOwnFits();
    expect(fresh.log.length).toBe(restarted.stats().restoredModels);
  });
});
