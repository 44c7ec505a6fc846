// Benchmark `live`: the forecast service and live plans on the sample city with weeks of synthetic window results.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadSampleCity } from '../src/city/index.js';
import { DEFAULT_OPERATORS, StateStore } from '../src/app/index.js';
import { ForecastService, SERIES_KINDS, seriesIdsOfCity, type SeriesKind } from '../src/app/forecasts/index.js';
import { SignalPlanService, planRunnerOn } from '../src/app/plans/index.js';
import { SolverRuntime } from '../src/runtime/index.js';
import type { WindowResult } from '../src/stream/index.js';
import { syntheticBin, syntheticDemand, syntheticTraffic } from '../models/synthetic.js';
import type { Bench } from './index.js';

const MIN = 60_000;
const DAY = 86_400_000;

export const liveBench: Bench = async (args) => {
  const arg = (name: string, def: number): number => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : def;
  };
  const days = arg('days', 21);
  const threads = arg('threads', 1);
  const city = loadSampleCity();
  const start = Date.UTC(2026, 2, 2, 6);
  const end = start + days * DAY;
  const spec = {
    feeder: ['feeder-kw-30m', 'feeder.kw', 'mean', 30 * MIN],
    bin: ['bin-fill-latest', 'bin.fill', 'last', 60 * MIN],
    laneGroup: ['lane-group-flow-5m', 'detector.count', 'sum', 5 * MIN],
  } as const;
  const series = new Map<SeriesKind, { ids: string[]; values: Float64Array[] }>();
  for (const kind of SERIES_KINDS) {
    const ids = seriesIdsOfCity(city, kind);
    const stepMs = spec[kind][3];
    const values = ids.map((_, i) =>
      kind === 'feeder'
        ? syntheticDemand({ startMs: start, stepMs, days, seed: i + 1 }).values
        : kind === 'bin'
          ? syntheticBin({ startMs: start, stepMs, steps: days * 24, seed: i + 1 }).map((v) => v / 100)
          : syntheticTraffic({ startMs: start, stepMs, days, seed: i + 1 }),
    );
    series.set(kind, { ids, values });
  }
  process.stderr.write(
    `sample city: ${SERIES_KINDS.map((k) => `${series.get(k)!.ids.length} ${k}`).join(', ')}; ${days} days of window results\n`,
  );

  const dir = mkdtempSync(join(tmpdir(), 'urbanflow-bench-live-'));
  const store = StateStore.open(dir);
  const service = new ForecastService({ city, operators: DEFAULT_OPERATORS, store, refitThreads: threads });
  // Results arrive as the pipeline emits them: every 5 minutes, the windows that closed.
  let rows = 0;
  let t0 = performance.now();
  for (let t = start + 5 * MIN; t <= end; t += 5 * MIN) {
    const batch: WindowResult[] = [];
    for (const kind of SERIES_KINDS) {
      const [operator, metric, aggregate, stepMs] = spec[kind];
      if ((t - start) % stepMs !== 0) continue;
      const idx = (t - start) / stepMs - 1;
      const s = series.get(kind)!;
      s.ids.forEach((key, i) =>
        batch.push({
          operator,
          metric,
          key,
          start: t - stepMs,
          end: t,
          revision: 0,
          values: { [aggregate]: s.values[i][idx] },
        }),
      );
    }
    service.ingest(batch);
    rows += batch.length;
  }
  const ingestMs = performance.now() - t0;

  // The bench's own ingest garbage is collected first, so the delays below are the refit's.
  (globalThis as { gc?: () => void }).gc?.();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  t0 = performance.now();
  await service.refit(end);
  const refitMs = performance.now() - t0;
  loop.disable();
  const st = service.stats();

  t0 = performance.now();
  let answered = 0;
  for (const kind of SERIES_KINDS) {
    for (const id of series.get(kind)!.ids) {
      const a = service.forecast({ kind, id, horizonMs: kind === 'laneGroup' ? 2 * 3_600_000 : DAY }, end);
      if (a.status !== 'not-ready') answered++;
    }
  }
  const forecastAllMs = performance.now() - t0;

  const solvers = new SolverRuntime({ threads: 1 });
  const runner = planRunnerOn(solvers);
  const plans = new SignalPlanService({ city, forecasts: service, runner });
  t0 = performance.now();
  const planLoop = monitorEventLoopDelay({ resolution: 10 });
  planLoop.enable();
  const report = await plans.refresh(end);
  const signalRefreshMs = performance.now() - t0;
  planLoop.disable();
  await solvers.close();

  t0 = performance.now();
  service.persist();
  const persistMs = performance.now() - t0;
  t0 = performance.now();
  const restored = new ForecastService({ city, operators: DEFAULT_OPERATORS, store });
  const restoreMs = performance.now() - t0;
  await restored.close();
  await service.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });

  const total = SERIES_KINDS.reduce((n, k) => n + series.get(k)!.ids.length, 0);
  process.stderr.write(
    `refit of ${st.refitSeries} series on ${threads} thread(s): ${refitMs.toFixed(0)} ms; event loop delay max ${(loop.max / 1e6).toFixed(1)} ms\n`,
  );
  return {
    days,
    threads,
    series: total,
    rows,
    ingestRowsPerSec: Math.round(rows / (ingestMs / 1000)),
    refitSeries: st.refitSeries,
    refitErrors: st.refitErrors,
    refitAllMs: Math.round(refitMs),
    loopDelayMaxMsDuringRefit: Math.round(loop.max / 1e5) / 10,
    loopDelayP99MsDuringRefit: Math.round(loop.percentile(99) / 1e5) / 10,
    forecastAllMs: Math.round(forecastAllMs),
    forecastsAnswered: answered,
    signalPlans: report.published,
    signalRefreshMs: Math.round(signalRefreshMs),
    loopDelayMaxMsDuringSignalRefresh: Math.round(planLoop.max / 1e5) / 10,
    persistMs: Math.round(persistMs),
    restoreMs: Math.round(restoreMs),
  };
};
