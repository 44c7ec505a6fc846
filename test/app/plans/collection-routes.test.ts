// Live collection routes from the bin fill forecasts of a simulated city: checker, must-collect bins, caching, calendar.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { ForecastService, type ForecastReady } from '../../../src/app/forecasts/index.js';
import {
  CollectionRouteService,
  CollectionRoutesAnswerSchema,
  inlinePlanRunner,
  planRunnerOn,
  type PlanRunner,
} from '../../../src/app/plans/index.js';
import { SolverRuntime } from '../../../src/runtime/index.js';
import { checkCollectionPlan } from '../../../solvers/routing/collection/index.js';
import { DAY, HOUR, MONDAY, feedForecasts, liveCity, smallCity, type LiveCity } from '../helpers/live-city.js';

const city = smallCity(13);
const depot = city.waste.depots[0].id;
/** Friday 05:00 in Chicago: today's shift starts at 07:00, the next service day is Saturday. */
const NOW = MONDAY + 4 * DAY + 5 * HOUR;
const SHIFT = MONDAY + 4 * DAY + 7 * HOUR;
const NEXT = SHIFT + DAY;
let live: LiveCity;
let forecasts: ForecastService;
let routes: CollectionRouteService;
const options = { timeLimitMs: 2_000, maxIterations: 300 };
let pool: PlanRunner;
let solvers: SolverRuntime | undefined;

beforeAll(async () => {
  live = liveCity(city, MONDAY, 13);
  forecasts = new ForecastService({ city, operators: live.pipeline.operators });
  live.pipeline.addResultListener((rows) => forecasts.ingest(rows));
  await feedForecasts(live, forecasts, NOW);
  solvers = new SolverRuntime({ threads: 1 });
  pool = planRunnerOn(solvers);
  routes = new CollectionRouteService({ city, forecasts, runner: pool, options });
}, 600_000);

afterAll(async () => {
  await forecasts?.close();
  await solvers?.close();
  await live?.close();
});

/** The bin's level (percent) in the window containing `ms`, from the forecast service directly. */
function levelAt(id: string, ms: number, band: 'forecast' | 'upper80'): number {
  const f = forecasts.forecast({ kind: 'bin', id, horizonMs: ms - NOW + HOUR }, NOW) as ForecastReady;
  return f[band][Math.floor((ms - f.timestamps[0]) / f.stepMs)];
}

describe('live collection routes', () => {
  it('pass the routing checker and collect every bin forecast to pass its threshold before the next service day', async () => {
    const a = await routes.routes({ depot, date: '2026-04-10' }, NOW);
    expect(Value.Check(CollectionRoutesAnswerSchema, a)).toBe(true);
    expect(a.shiftStartMs).toBe(SHIFT);
    expect(a.nextServiceDate).toBe('2026-04-11');
    expect(a.nextServiceStartMs).toBe(NEXT);
    expect(a.unknownBins).toEqual([]);
    expect(a.bins.every((b) => b.forecast === 'ready')).toBe(true);
    expect(checkCollectionPlan(routes.requestFor(a), a.plan)).toEqual([]);
    const served = new Set(a.plan.trucks.flatMap((t) => t.stops.filter((s) => s.kind === 'bin').map((s) => s.id)));
    const bins = city.waste.bins.filter((b) => b.depot === depot);
    let due = 0;
    for (const b of bins) {
      const point = levelAt(b.id, NEXT, 'forecast');
      if (point >= b.threshold * 100 || levelAt(b.id, SHIFT, 'forecast') >= b.threshold * 100) {
        due++;
        expect(served.has(b.id), `${b.id} reaches ${point.toFixed(1)}% by the next service day`).toBe(true);
      }
      // The cautious rule: the upper 80% band at the next service start decides what must go today.
      const must =
        levelAt(b.id, NEXT, 'upper80') >= b.threshold * 100 || levelAt(b.id, SHIFT, 'forecast') >= b.threshold * 100;
      expect(a.plan.mustCollect.includes(b.id), b.id).toBe(must);
    }
    expect(due).toBeGreaterThan(3);
    expect(a.overflowRisk).toEqual([]);
    expect(a.plan.unassigned.filter((u) => u.mustCollect)).toEqual([]);
  });

  it('serve the cached plan (same version and ETag) until the selection changes, and freeze it once the shift starts', async () => {
    const first = await routes.routes({ depot, date: '2026-04-10' }, NOW);
    const [x, y] = await Promise.all([
      routes.routes({ depot, date: '2026-04-10' }, NOW + 60_000),
      routes.routes({ depot, date: '2026-04-10' }, NOW + 60_000),
    ]);
    expect(x).toEqual(y);
    expect(x.version).toBe(first.version);
    expect(x.etag).toBe(first.etag);
    expect(x.computedAtMs).toBe(first.computedAtMs);
    const later = await routes.routes({ depot, date: '2026-04-10' }, SHIFT + 30 * 60_000);
    expect(later.frozen).toBe(true);
    expect(later.etag).toBe(first.etag);
    // The dates a contractor may ask for: Friday through the next Friday, without the Sunday; only Friday is planned so far.
    const dates = routes.serviceDates(depot, NOW);
    expect(dates.map((d) => d.date)).toEqual([
      '2026-04-10',
      '2026-04-11',
      '2026-04-13',
      '2026-04-14',
      '2026-04-15',
      '2026-04-16',
      '2026-04-17',
    ]);
    expect(dates[0]).toEqual({
      date: '2026-04-10',
      shiftStartMs: SHIFT,
      plan: { version: first.version, etag: first.etag, computedAtMs: first.computedAtMs, frozen: false },
    });
    expect(dates.slice(1).every((d) => d.plan === null)).toBe(true);
    expect(routes.serviceDates(depot, SHIFT + 60_000)[0].plan?.frozen).toBe(true);
  });

  it('plan a Saturday against the Monday after it, skipping Sunday', async () => {
    const a = await routes.routes({ depot, date: '2026-04-11' }, NOW);
    expect(a.nextServiceDate).toBe('2026-04-13');
    expect(a.effectiveUntilMs).toBe(a.nextServiceStartMs);
    expect(checkCollectionPlan(routes.requestFor(a), a.plan)).toEqual([]);
    const monday = NEXT + 2 * DAY;
    expect(a.nextServiceStartMs).toBe(monday);
    for (const b of city.waste.bins.filter((x) => x.depot === depot)) {
      if (levelAt(b.id, monday, 'forecast') >= b.threshold * 100) expect(a.plan.mustCollect, b.id).toContain(b.id);
    }
    expect(a.plan.mustCollect.length).toBeGreaterThan(0);
  });

  it('list must-collect bins the trucks cannot take as overflow risks, with the reason', async () => {
    const tiny = {
      ...city,
      waste: {
        ...city.waste,
        trucks: [{ ...city.waste.trucks[0], capacityM3: 1.5, capacityKg: 400, shiftMinutes: 90 }],
      },
    };
    const short = new CollectionRouteService({ city: tiny, forecasts, runner: inlinePlanRunner(), options });
    const a = await short.routes({ depot, date: '2026-04-10' }, NOW);
    expect(checkCollectionPlan(short.requestFor(a), a.plan)).toEqual([]);
    expect(a.overflowRisk.length).toBeGreaterThan(0);
    for (const id of a.overflowRisk)
      expect(a.plan.unassigned.find((u) => u.bin === id)?.reason).toMatch(/no truck time left|capacity/);
  });

  it('refuse dates without service, in the past or too far ahead, and unknown depots', async () => {
    await expect(routes.routes({ depot, date: '2026-04-12' }, NOW)).rejects.toThrow(
      /2026-04-12 has no collection: it is not a service weekday/,
    );
    await expect(routes.routes({ depot, date: '2026-04-08' }, NOW)).rejects.toThrow(/in the past/);
    await expect(routes.routes({ depot, date: '2026-04-30' }, NOW)).rejects.toThrow(/more than 7 days ahead/);
    await expect(routes.routes({ depot: 'depot-x', date: '2026-04-10' }, NOW)).rejects.toMatchObject({
      code: 'UF_ERR_NOT_FOUND',
    });
    await expect(routes.routes({ depot, date: '2026-13-01' }, NOW)).rejects.toThrow(/date must be a date YYYY-MM-DD/);
    // Without any fill forecast there is nothing to plan on: not ready, naming the bins.
    const cold = new ForecastService({ city, operators: live.pipeline.operators });
    try {
      const waiting = new CollectionRouteService({ city, forecasts: cold, runner: pool, options });
      await expect(waiting.routes({ depot, date: '2026-04-10' }, NOW)).rejects.toMatchObject({
        code: 'UF_ERR_NOT_READY',
        details: {
          depot,
          unknownBins: expect.arrayContaining([
            expect.objectContaining({ reason: expect.stringMatching(/no results yet/) }),
          ]),
        },
      });
    } finally {
      await cold.close();
    }
    // The planner's typed error comes back from the worker thread with its code.
    const idle = new CollectionRouteService({
      city: { ...city, waste: { ...city.waste, trucks: [] } },
      forecasts,
      runner: pool,
      options,
    });
    await expect(idle.routes({ depot, date: '2026-04-10' }, NOW)).rejects.toMatchObject({
      code: 'UF_ERR_INPUT',
      message: expect.stringMatching(/at least one truck/),
    });
  });
});
