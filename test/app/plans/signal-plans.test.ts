// Live signal plans on the lane-group flow forecast of a simulated city: checkers, versions, ETags, recomputation, restarts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import {
  ForecastService,
  type ForecastAnswer,
  type ForecastQuery,
  type ForecastReady,
} from '../../../src/app/forecasts/index.js';
import {
  CorridorPlanAnswerSchema,
  SignalPlanAnswerSchema,
  SignalPlanService,
  etagMatches,
  inlinePlanRunner,
  planRunnerOn,
  periodDemand,
  type ForecastSource,
  type PlanRunner,
  type SignalPlanReady,
} from '../../../src/app/plans/index.js';
import type { Replica } from '../../../src/app/replica.js';
import { SolverRuntime } from '../../../src/runtime/index.js';
import { StateStore } from '../../../src/app/state-store.js';
import { checkCorridor, checkPlan, corridorFromCity, intersectionFromCity } from '../../../solvers/signals/index.js';
import { DAY, HOUR, MONDAY, feedForecasts, liveCity, smallCity, type LiveCity } from '../helpers/live-city.js';

const MIN = 60_000;
const city = smallCity(11);
const dir = mkdtempSync(join(tmpdir(), 'urbanflow-signal-plans-'));
/** Wednesday 07:00 in Chicago, the morning peak, at 07:00 + 2 min. */
const NOW = MONDAY + 2 * DAY + 7 * HOUR + 2 * MIN;
let live: LiveCity;
let forecasts: ForecastService;
let store: StateStore;
let early: SignalPlanService;
let plans: SignalPlanService;
/** The main service plans in a worker pool, the others on the test's thread. */
let pool: PlanRunner;
let solvers: SolverRuntime | undefined;
const inline = inlinePlanRunner();

beforeAll(async () => {
  live = liveCity(city, MONDAY, 11);
  forecasts = new ForecastService({ city, operators: live.pipeline.operators });
  live.pipeline.addResultListener((rows) => forecasts.ingest(rows));
  await feedForecasts(live, forecasts, MONDAY + 6 * HOUR);
  early = new SignalPlanService({ city, forecasts, runner: inline });
  await early.refresh(live.now());
  await feedForecasts(live, forecasts, NOW);
  store = StateStore.open(dir);
  solvers = new SolverRuntime({ threads: 1 });
  pool = planRunnerOn(solvers);
  plans = new SignalPlanService({ city, forecasts, runner: pool, store });
}, 600_000);

afterAll(async () => {
  await forecasts?.close();
  await solvers?.close();
  await live?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('live signal plans', () => {
  it('are not ready while lane-group forecasts are in cold start, and say why', () => {
    const a = early.intersection(city.intersections[0].id);
    expect(a.status).toBe('not-ready');
    expect(a.status === 'not-ready' && a.reason).toMatch(/cold start/);
    expect(early.corridor(city.corridors[0].id).status).toBe('not-ready');
    expect(Value.Check(SignalPlanAnswerSchema, a)).toBe(true);
  });

  it('plan every intersection and corridor; each plan passes the checkers', async () => {
    const report = await plans.refresh(NOW);
    expect(report.failed).toEqual([]);
    expect(report.published).toBe(city.intersections.length + city.corridors.length);
    // 07:02 with a 5-minute lead: the running period 07:00-07:30.
    expect(report.periodStartMs).toBe(MONDAY + 2 * DAY + 7 * HOUR);
    for (const x of city.intersections) {
      const a = plans.intersection(x.id);
      expect(Value.Check(SignalPlanAnswerSchema, a), x.id).toBe(true);
      expect(a.status).toBe('ready');
      const p = a as SignalPlanReady;
      expect(checkPlan(intersectionFromCity(x, p.demandVehPerHour), p.plan), x.id).toEqual([]);
      expect(p.version).toBe(1);
      expect(p.effectiveFromMs).toBe(NOW);
      expect(p.effectiveUntilMs).toBe(report.periodEndMs);
      expect(p.forecastStatus).toBe('ready');
    }
    for (const c of city.corridors) {
      const a = plans.corridor(c.id);
      expect(Value.Check(CorridorPlanAnswerSchema, a), c.id).toBe(true);
      if (a.status !== 'ready') throw new Error(a.reason);
      expect(checkCorridor(corridorFromCity(c, city.intersections, a.demandVehPerHour), a.plan), c.id).toEqual([]);
      expect(a.plan.plans.map((p) => p.intersectionId)).toEqual(c.intersections);
    }
  });

  it('size demand on the peak 15 minutes of the period from the flow forecast, in veh/h', () => {
    const x = city.intersections[1];
    const g = x.approaches[0].laneGroups[0];
    const a = plans.intersection(x.id) as SignalPlanReady;
    const f = forecasts.forecast(
      { kind: 'laneGroup', id: `${x.id}/${g.id}`, fromMs: a.effectiveFromMs, horizonMs: 30 * MIN },
      NOW,
    ) as ForecastReady;
    expect(a.demandVehPerHour[g.id]).toBe(
      Math.round(periodDemand(f, MONDAY + 2 * DAY + 7 * HOUR, a.effectiveUntilMs, 'peak15')),
    );
    expect(a.demandVehPerHour[g.id]).toBeGreaterThanOrEqual(
      Math.round(periodDemand(f, MONDAY + 2 * DAY + 7 * HOUR, a.effectiveUntilMs, 'mean')),
    );
    expect(Object.values(a.demandVehPerHour).reduce((s, v) => s + v, 0)).toBeGreaterThan(200);
  });

  it('keep version and ETag while nothing material changes, and publish the next period ahead of its start', async () => {
    const before = plans.intersection(city.intersections[0].id) as SignalPlanReady;
    const again = await plans.refresh(NOW + 8 * MIN);
    expect(again.published).toBe(0);
    const same = plans.intersection(city.intersections[0].id) as SignalPlanReady;
    expect(same.version).toBe(before.version);
    expect(same.etag).toBe(before.etag);
    expect(etagMatches(`W/${before.etag}, "other"`, same.etag)).toBe(true);
    await feedForecasts(live, forecasts, NOW + 24 * MIN);
    const next = await plans.refresh(NOW + 24 * MIN);
    expect(next.periodStartMs).toBe(MONDAY + 2 * DAY + 7.5 * HOUR);
    expect(next.published).toBe(city.intersections.length + city.corridors.length);
    const after = plans.intersection(city.intersections[0].id) as SignalPlanReady;
    expect(after.version).toBe(before.version + 1);
    expect(after.etag).not.toBe(before.etag);
    expect(etagMatches(before.etag, after.etag)).toBe(false);
    expect(after.effectiveFromMs).toBe(next.periodStartMs);
    expect(plans.list().every((r) => r.version === 2)).toBe(true);
    // Until the next period starts, the plan in effect is still the first one; the next one is published beside it.
    const ahead = plans.intersectionAt(city.intersections[0].id, NOW + 24 * MIN);
    expect(ahead.current).toEqual(before);
    expect(ahead.next).toEqual(after);
    const started = plans.intersectionAt(city.intersections[0].id, next.periodStartMs);
    expect(started).toEqual({ current: after, next: null });
    const corridor = plans.corridorAt(city.corridors[0].id, NOW + 24 * MIN);
    expect(corridor.current.status === 'ready' && corridor.current.effectiveUntilMs).toBe(next.periodStartMs);
    expect(corridor.next?.effectiveFromMs).toBe(next.periodStartMs);
    // The replaced plan is saved with the new one: a restart within the lead time still answers the plan in effect.
    const restarted = new SignalPlanService({ city, forecasts, runner: inline, store });
    expect(restarted.intersectionAt(city.intersections[0].id, NOW + 24 * MIN)).toEqual(ahead);
  });

  it('recompute within the period when the forecast moves materially, effective at once', async () => {
    const busy = city.intersections[2].id;
    const surge: ForecastSource = {
      forecast(q: ForecastQuery, now: number): ForecastAnswer {
        const a = forecasts.forecast(q, now);
        if (a.status === 'not-ready' || !q.id.startsWith(`${busy}/`)) return a;
        return {
          ...a,
          forecast: a.forecast.map((v) => v * 1.6),
          upper80: a.upper80.map((v) => v * 1.6),
          upper95: a.upper95.map((v) => v * 1.6),
        };
      },
    };
    const s = new SignalPlanService({ city, forecasts: surge, runner: inline, store });
    const before = s.intersection(busy) as SignalPlanReady;
    const t = NOW + 30 * MIN;
    const report = await s.refresh(t);
    expect(report.published).toBeGreaterThanOrEqual(1);
    const after = s.intersection(busy) as SignalPlanReady;
    expect(after.version).toBe(before.version + 1);
    expect(after.effectiveFromMs).toBe(t);
    expect(after.plan.performance.criticalFlowRatio).toBeGreaterThan(before.plan.performance.criticalFlowRatio);
    expect((s.intersection(city.intersections[0].id) as SignalPlanReady).version).toBe(before.version);
    expect(checkPlan(intersectionFromCity(city.intersections[2], after.demandVehPerHour), after.plan)).toEqual([]);
  });

  it('resume versions and ETags from the state directory after a restart', async () => {
    const restarted = new SignalPlanService({ city, forecasts, runner: inline, store });
    for (const x of city.intersections) {
      const a = restarted.intersection(x.id) as SignalPlanReady;
      const b = plans.intersection(x.id) as SignalPlanReady;
      if (x.id === city.intersections[2].id) continue;
      expect(a.etag).toBe(b.etag);
      expect(a.version).toBe(b.version);
    }
    await feedForecasts(live, forecasts, NOW + 54 * MIN);
    await restarted.refresh(NOW + 54 * MIN);
    expect((restarted.intersection(city.intersections[0].id) as SignalPlanReady).version).toBe(3);
  });

  it('keep serving the last plan with a warning when the flow forecast stops', async () => {
    const report = await plans.refresh(NOW + 3 * DAY);
    expect(report.notReady).toBe(city.intersections.length + city.corridors.length);
    const a = plans.intersection(city.intersections[0].id) as SignalPlanReady;
    expect(a.status).toBe('ready');
    expect(a.effectiveUntilMs).toBeLessThan(NOW + 3 * DAY);
    expect(a.warning).toMatch(
      /not recomputed for the current period, this plan is older: lane group .*no observation for/,
    );
  });

  it('refuse impossible settings and unknown ids', () => {
    expect(() => new SignalPlanService({ city, forecasts, runner: inline, options: { periodMs: MIN } })).toThrow(
      /period must be between 5 min and 4 h/,
    );
    expect(() => new SignalPlanService({ city, forecasts, runner: inline, options: { leadMs: HOUR } })).toThrow(
      /lead must be/,
    );
    expect(() => plans.intersection('int-999')).toThrow(expect.objectContaining({ code: 'UF_ERR_NOT_FOUND' }));
  });
});

describe('live signal plans in a group', () => {
  /** One topic per namespace, delivered in one order to every process; a late subscriber reads it from the start. */
  function group() {
    const topics = new Map<
      string,
      { log: [string, string | null][]; subscribers: ((k: string, d: string | null) => void)[] }
    >();
    return (namespace: string): Replica => {
      if (!topics.has(namespace)) topics.set(namespace, { log: [], subscribers: [] });
      const t = topics.get(namespace)!;
      return {
        publish: (key, doc) => {
          t.log.push([key, doc]);
          for (const s of t.subscribers) s(key, doc);
        },
        subscribe: (apply) => {
          t.subscribers.push(apply);
          for (const [key, doc] of t.log) apply(key, doc);
        },
      };
    };
  }
  const failing: PlanRunner = {
    signals: () => Promise.reject(new Error('the solver pool is down')),
    collection: () => Promise.reject(new Error('the solver pool is down')),
  };

  it("every process answers the leader's plans with its warnings: a failed recomputation, a forecast not ready", async () => {
    const replicas = group();
    const leader = new SignalPlanService({ city, forecasts, runner: inline, replicas });
    const follower = new SignalPlanService({ city, forecasts, runner: failing, replicas });
    const ids = city.intersections.map((x) => x.id);
    const same = () => {
      for (const id of ids) expect(follower.intersection(id), id).toEqual(leader.intersection(id));
      for (const c of city.corridors) expect(follower.corridor(c.id), c.id).toEqual(leader.corridor(c.id));
    };
    const t = NOW + 54 * MIN;
    expect((await leader.refresh(t)).failed).toEqual([]);
    same();
    expect((leader.intersection(ids[0]) as SignalPlanReady).warning).toBeUndefined();
    // The next period, with the leader's solver failing: its plans stay, with the failure.
    const failingLeader = new SignalPlanService({ city, forecasts, runner: failing, replicas });
    const report = await failingLeader.refresh(t + 30 * MIN);
    expect(report.failed.length).toBe(city.intersections.length + city.corridors.length);
    const warned = follower.intersection(ids[0]) as SignalPlanReady;
    expect(warned.warning).toMatch(/the latest recomputation failed, this plan is older: the solver pool is down/);
    same();
    // A process joining now answers the same.
    const late = new SignalPlanService({ city, forecasts, runner: inline, replicas });
    expect(late.intersection(ids[0])).toEqual(warned);
    // A working leader's next recomputation clears it everywhere.
    await leader.refresh(t + 30 * MIN);
    expect((follower.intersection(ids[0]) as SignalPlanReady).warning).toBeUndefined();
    same();
    // The flow forecast stops: not recomputed for the current period, on every process.
    await leader.refresh(NOW + 3 * DAY);
    expect((follower.intersection(ids[0]) as SignalPlanReady).warning).toMatch(/not recomputed for the current period/);
    same();
  });
});
