// Seeds a state directory with lane-group flow history up to now and the signal plans computed on it, for a server to resume.
import { loadSampleCity } from '../src/city/index.js';
import { DEFAULT_OPERATORS, StateStore } from '../src/app/index.js';
import { ForecastService, seriesIdsOfCity } from '../src/app/forecasts/index.js';
import { SignalPlanService, planRunnerOn } from '../src/app/plans/index.js';
import { SolverRuntime } from '../src/runtime/index.js';
import type { WindowResult } from '../src/stream/index.js';
import { syntheticTraffic } from '../models/synthetic.js';

const STEP = 5 * 60_000;

/**
 * Two days of synthetic 5-minute counts for every lane group of the sample city, ending at the current 5-minute
 * boundary, fitted and planned as `urbanflow run` would have done: a server started on `dir` with the sample city
 * serves current signal plans at once. Returns the intersection ids.
 */
export async function seedLiveSignalPlans(dir: string, nowMs: number, days = 2): Promise<string[]> {
  const city = loadSampleCity();
  const end = Math.floor(nowMs / STEP) * STEP;
  const start = end - days * 86_400_000;
  const ids = seriesIdsOfCity(city, 'laneGroup');
  const values = ids.map((_, i) => syntheticTraffic({ startMs: start, stepMs: STEP, days, seed: i + 1, peak: 40 }));
  const store = StateStore.open(dir);
  const forecasts = new ForecastService({ city, operators: DEFAULT_OPERATORS, store });
  const solvers = new SolverRuntime({ threads: 1 });
  const runner = planRunnerOn(solvers);
  try {
    for (let t = start; t < end; t += STEP) {
      const idx = (t - start) / STEP;
      const batch: WindowResult[] = ids.map((key, i) => ({
        operator: 'lane-group-flow-5m',
        metric: 'detector.count',
        key,
        start: t,
        end: t + STEP,
        revision: 0,
        values: { sum: values[i][idx] },
      }));
      forecasts.ingest(batch);
    }
    await forecasts.refit(end);
    const report = await new SignalPlanService({ city, forecasts, runner, store }).refresh(end);
    if (report.published !== city.intersections.length + city.corridors.length)
      throw new Error(`seeding planned ${report.published} plans: ${JSON.stringify(report.failed.slice(0, 3))}`);
    return city.intersections.map((x) => x.id);
  } finally {
    await solvers.close();
    await forecasts.close();
    await store.close();
  }
}
