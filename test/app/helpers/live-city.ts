// Drives a small generated city through the simulator and the stream pipeline in simulated time, for the live-layer tests.
import { generateCity, type City } from '../../../src/city/index.js';
import { createSimulator, type Simulator } from '../../../src/sim/index.js';
import { createPipeline, type Pipeline } from '../../../src/app/pipeline.js';
import { DEFAULT_OPERATORS } from '../../../src/app/operators.js';
import type { ForecastService } from '../../../src/app/forecasts/index.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** Monday 2026-04-06 00:00 in Chicago (CDT). */
export const MONDAY = Date.UTC(2026, 3, 6, 5);
const STEP = 10 * 60_000;

export function smallCity(seed = 5): City {
  return generateCity({
    seed,
    intersections: 6,
    feeders: 4,
    resourcesPerFeeder: 3,
    bins: 40,
    depots: 1,
    trucksPerDepot: 3,
    weatherStations: 1,
  });
}

export interface LiveCity {
  city: City;
  pipeline: Pipeline;
  simulator: Simulator;
  now(): number;
  /** Simulates up to `untilMs`, calling `onStep` after each 10-minute step once its results were delivered. */
  runUntil(untilMs: number, onStep?: (nowMs: number) => Promise<void> | void): Promise<void>;
  close(): Promise<void>;
}

export function liveCity(city: City, startMs: number, seed = 5): LiveCity {
  let now = startMs;
  const operators = DEFAULT_OPERATORS.filter((o) =>
    ['feeder-kw-30m', 'bin-fill-latest', 'lane-group-flow-5m'].includes(o.name),
  );
  const pipeline = createPipeline({
    city,
    operators,
    watermark: { outOfOrdernessMs: 30_000, idleTimeoutMs: 300_000 },
    workers: 0,
    clock: () => now,
  });
  const simulator = createSimulator(city, { seed, startMs, sensorKinds: ['feeder-meter', 'detector', 'bin'] });
  return {
    city,
    pipeline,
    simulator,
    now: () => now,
    async runUntil(untilMs, onStep) {
      while (now < untilMs) {
        const to = Math.min(untilMs, now + STEP);
        const readings = simulator.step(now, to);
        now = to;
        await pipeline.engine.ingestReadings(readings, 'simulator');
        await pipeline.engine.tick();
        await onStep?.(now);
      }
    },
    close: () => pipeline.engine.close(),
  };
}

/** A forecast service fed by the pipeline of `live`, refitting on its schedule as simulated time passes (waiting for each refit). */
export async function feedForecasts(
  live: LiveCity,
  service: ForecastService,
  untilMs: number,
  onStep?: (nowMs: number) => Promise<void> | void,
): Promise<void> {
  await live.runUntil(untilMs, async (now) => {
    service.tick(now);
    await service.idle();
    await onStep?.(now);
  });
}
