// The forecast service on a simulated city: cold start, refits in worker threads, restart from the state directory,
// online appends against a batch refit, city changes and bad window results.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import {
  ForecastAnswerSchema,
  ForecastService,
  SeriesHistory,
  buildFitTask,
  forecastPath,
  runFit,
  type ForecastAnswer,
  type ForecastReady,
  type SeriesKind,
} from '../../../src/app/forecasts/index.js';
import { StateStore } from '../../../src/app/state-store.js';
import type { WindowResult } from '../../../src/stream/index.js';
import { DAY, HOUR, MONDAY, feedForecasts, liveCity, smallCity, type LiveCity } from '../helpers/live-city.js';

const city = smallCity(7);
const dir = mkdtempSync(join(tmpdir(), 'urbanflow-forecasts-'));
const feeder = city.feeders[0].id;
const laneGroup = `${city.intersections[0].id}/${city.intersections[0].approaches[0].laneGroups[0].id}`;
const early = new Map<string, ForecastAnswer>();
let live: LiveCity;
let store: StateStore;
let service: ForecastService;
/** Fitted once at FIT_AT and never again, to compare its online appends with a batch refit. */
let frozen: ForecastService;
const FIT_AT = MONDAY + 3 * DAY;
const END = FIT_AT + 12 * HOUR;

beforeAll(async () => {
  live = liveCity(city, MONDAY, 7);
  store = StateStore.open(dir);
  service = new ForecastService({ city, operators: live.pipeline.operators, store });
  frozen = new ForecastService({
    city,
    operators: live.pipeline.operators,
    kinds: { feeder: { refitEveryMs: 1000 * DAY }, laneGroup: { refitEveryMs: 1000 * DAY } },
  });
  live.pipeline.addResultListener((rows) => {
    service.ingest(rows);
    frozen.ingest(rows);
  });
  const ask = (label: string, now: number) => {
    early.set(`${label}/feeder`, service.forecast({ kind: 'feeder', id: feeder, horizonMs: 6 * HOUR }, now));
    early.set(`${label}/laneGroup`, service.forecast({ kind: 'laneGroup', id: laneGroup, horizonMs: HOUR }, now));
  };
  await feedForecasts(live, service, MONDAY + 12 * HOUR);
  ask('12h', live.now());
  await feedForecasts(live, service, MONDAY + DAY + 8 * HOUR);
  ask('32h', live.now());
  await feedForecasts(live, service, FIT_AT);
  await frozen.refit(FIT_AT);
  await feedForecasts(live, service, END);
}, 600_000);

afterAll(async () => {
  await service?.close();
  await frozen?.close();
  await live?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('cold start', () => {
  it('answers not ready with the observations it has and needs, then seasonal naive, then the fitted model', () => {
    const f12 = early.get('12h/feeder')!;
    expect(f12.status).toBe('not-ready');
    if (f12.status === 'not-ready') {
      // The window ending at 12:00 is still open to late readings: 23 half-hours have been emitted.
      expect(f12.observations).toBe(23);
      expect(f12.required).toBe(48 + 12);
      expect(f12.reason).toMatch(/cold start: 23 of 60 30-minute windows/);
    }
    const f32 = early.get('32h/feeder')!;
    expect(f32.status).toBe('fallback');
    if (f32.status === 'fallback') {
      expect(f32.method).toBe('seasonal-naive');
      expect(f32.requiredForModel).toBeGreaterThan(52);
      expect(f32.forecast).toHaveLength(12);
    }
    const now = service.forecast({ kind: 'feeder', id: feeder, horizonMs: 6 * HOUR }, END);
    expect(now.status).toBe('ready');
    for (const a of early.values()) expect(Value.Check(ForecastAnswerSchema, a)).toBe(true);
    expect(Value.Check(ForecastAnswerSchema, now)).toBe(true);
  });

  it('says how much data every kind needs before its first forecast: a warm start replays at least that', () => {
    // Feeders: a day of half-hours plus 12 more; lane groups a day of 5-minute windows plus 12; bins 6 hourly readings.
    expect(service.firstForecastSpanMs()).toBe(30 * HOUR);
    // 32 h in, feeders and lane groups both answer.
    expect(early.get('32h/feeder')!.status).not.toBe('not-ready');
    expect(early.get('32h/laneGroup')!.status).not.toBe('not-ready');
  });

  it('gives every feeder, lane group and bin a forecast after half a week, with ordered bands', () => {
    for (const kind of ['feeder', 'laneGroup', 'bin'] as SeriesKind[]) {
      for (const s of service.series(kind)) {
        const a = service.forecast({ kind, id: s.id, horizonMs: 2 * HOUR }, END);
        expect(a.status, `${kind} ${s.id}`).not.toBe('not-ready');
        const r = a as ForecastReady;
        r.forecast.forEach((f, h) => {
          expect(r.lower95[h]).toBeLessThanOrEqual(r.lower80[h] + 1e-9);
          expect(r.lower80[h]).toBeLessThanOrEqual(f + 1e-9);
          expect(f).toBeLessThanOrEqual(r.upper80[h] + 1e-9);
          expect(r.upper80[h]).toBeLessThanOrEqual(r.upper95[h] + 1e-9);
        });
        // The first step is the window running now; windows closed but not yet emitted are skipped.
        expect(r.timestamps[0]).toBe(Math.floor(END / r.stepMs) * r.stepMs);
        expect(r.timestamps[0]).toBeGreaterThan(r.lastObservationMs);
      }
    }
  });
});

describe('refits', () => {
  it('ran in worker threads, never on the main thread', () => {
    const infos = service.series('laneGroup').map((s) => service.modelInfo('laneGroup', s.id)!);
    expect(infos.length).toBeGreaterThan(10);
    for (const info of infos) expect(info.threadId).not.toBe(threadId);
    expect(service.stats().refitErrors).toBe(0);
  });
});

describe('online appends', () => {
  it('move the model forward without refitting and agree with a batch refit on the same data', () => {
    const frozenEnd = (kind: SeriesKind, id: string) => frozen.modelInfo(kind, id);
    for (const [kind, horizon] of [
      ['feeder', DAY],
      ['laneGroup', 2 * HOUR],
    ] as const) {
      let diff = 0;
      let level = 0;
      for (const s of frozen.series(kind)) {
        const before = frozenEnd(kind, s.id);
        const online = frozen.forecast({ kind, id: s.id, horizonMs: horizon }, END) as ForecastReady;
        expect(online.status).toBe('ready');
        expect(online.model.fittedAtMs).toBe(FIT_AT);
        expect(online.model.appendedSteps).toBe(
          (online.lastObservationMs - before!.data.toIdx * online.stepMs) / online.stepMs,
        );
        expect(online.model.appendedSteps).toBeGreaterThan(0);
        // The batch path: a fresh fit on the same observed windows, forecasting from the same last window.
        const k = frozen.kindInfo(kind);
        const obs = frozen.observed(kind, s.id, online.lastObservationMs - 5 * DAY, online.lastObservationMs + 1);
        const h = new SeriesHistory(k.historySteps, k.maxGapSteps);
        obs.values.forEach((v, i) => v !== null && h.put(Math.floor(obs.timestamps[i] / k.stepMs), v));
        const built = buildFitTask(k, s.id, h, before!.data.shiftMs, city.holidays)!;
        const batch = forecastPath(runFit(built.task), online.forecast.length);
        online.forecast.forEach((f, i) => {
          diff += Math.abs(f - batch.forecast[i]);
          level += Math.abs(batch.forecast[i]);
        });
      }
      // Twelve more hours of data move the coefficients a little; the paths stay within a few percent.
      expect(diff / level, kind).toBeLessThan(0.05);
    }
  });
});

describe('restart from the state directory', () => {
  it('gives the same forecasts without refitting', async () => {
    const queries = [
      ...service.series('feeder').map((s) => ({ kind: 'feeder' as const, id: s.id, horizonMs: DAY })),
      ...service.series('laneGroup').map((s) => ({ kind: 'laneGroup' as const, id: s.id, horizonMs: 2 * HOUR })),
      ...service.series('bin').map((s) => ({ kind: 'bin' as const, id: s.id, horizonMs: 2 * DAY })),
    ];
    await service.idle();
    const before = queries.map((q) => service.forecast(q, END));
    const models = Object.values(service.stats().kinds).reduce((n, k) => n + k.models, 0);
    service.persist();
    const restarted = new ForecastService({ city, operators: live.pipeline.operators, store });
    try {
      expect(restarted.stats().restoredModels).toBe(models);
      const after = queries.map((q) => restarted.forecast(q, END));
      expect(after).toEqual(before);
      restarted.tick(END);
      await restarted.idle();
      expect(restarted.stats().refitSeries).toBe(0);
      expect(restarted.modelInfo('feeder', feeder)).toEqual(service.modelInfo('feeder', feeder));
    } finally {
      await restarted.close();
    }
  });
});

describe('inputs', () => {
  const row = (over: Partial<WindowResult>): WindowResult => ({
    operator: 'feeder-kw-30m',
    metric: 'feeder.kw',
    key: feeder,
    start: END + 30 * DAY,
    end: END + 30 * DAY + 1_800_000,
    revision: 0,
    values: { mean: 100 },
    ...over,
  });

  it('counts bad window results and never lets them in', () => {
    const s = new ForecastService({ city, operators: live.pipeline.operators });
    s.ingest([
      row({ values: { mean: null } }),
      row({ end: END + 30 * DAY + 60_000 }),
      row({ key: 'fdr-nowhere' }),
      row({ operator: 'someone-elses', values: { mean: 5 } }),
      row({ values: { mean: Number.NaN } }),
      row({}),
      row({ revision: 1, values: { mean: 120 } }),
    ]);
    const st = s.stats();
    expect(st.nullValues).toBe(3);
    expect(st.unknownSeries).toBe(1);
    expect(st.accepted).toBe(1);
    expect(st.revisions).toBe(1);
    expect(s.observed('feeder', feeder, END + 30 * DAY, END + 30 * DAY + 1_800_000).values).toEqual([120]);
    expect(() => s.forecast({ kind: 'feeder', id: feeder, horizonMs: -1 }, END)).toThrow(
      /horizonMs must be a positive/,
    );
    expect(() => s.forecast({ kind: 'feeder', id: feeder, horizonMs: 30 * DAY }, END + 30 * DAY)).toThrow(
      /at most 168 h ahead/,
    );
  });

  it('follows the city: removed series are forgotten, new ones start empty', () => {
    const s = new ForecastService({ city, operators: live.pipeline.operators });
    s.ingest([row({})]);
    const renamed = { ...city, feeders: [...city.feeders.slice(1), { ...city.feeders[0], id: 'fdr-new' }] };
    s.setCity(renamed);
    expect(() => s.forecast({ kind: 'feeder', id: feeder, horizonMs: HOUR }, END)).toThrow(
      expect.objectContaining({ code: 'UF_ERR_NOT_FOUND' }),
    );
    const fresh = s.forecast({ kind: 'feeder', id: 'fdr-new', horizonMs: HOUR }, END);
    expect(fresh).toMatchObject({ status: 'not-ready', observations: 0 });
    s.ingest([row({})]);
    expect(s.stats().unknownSeries).toBe(1);
  });

  it('refuses a kind whose operator is not running, and a stale series', () => {
    const s = new ForecastService({
      city,
      operators: live.pipeline.operators.filter((o) => o.name !== 'bin-fill-latest'),
    });
    expect(() => s.forecast({ kind: 'bin', id: city.waste.bins[0].id, horizonMs: HOUR }, END)).toThrow(
      /no bin forecasts: operator 'bin-fill-latest' is not running/,
    );
    expect(s.stats().kinds.bin.disabled).toMatch(/not running/);
    const stale = service.forecast({ kind: 'feeder', id: feeder, horizonMs: HOUR }, END + 3 * DAY);
    expect(stale).toMatchObject({ status: 'not-ready' });
    expect((stale as { reason: string }).reason).toMatch(/no observation for 72/);
    expect(service.forecast({ kind: 'feeder', id: feeder, horizonMs: HOUR }, END + 4 * HOUR)).toMatchObject({
      status: 'ready',
      stale: true,
    });
  });
});

describe('refits under load', () => {
  it('keep the event loop turning while a refit runs', async () => {
    let turns = 0;
    const done = frozen.refit(END + 2000 * DAY).then(() => true);
    let finished = false;
    void done.then(() => (finished = true));
    while (!finished) {
      await new Promise((r) => setImmediate(r));
      turns++;
    }
    // Dozens of series were fitted; on the main thread the loop would not have turned in between.
    expect(frozen.stats().refitSeries).toBeGreaterThan(2 * (city.feeders.length + 30));
    expect(turns).toBeGreaterThan(5);
  });
});
