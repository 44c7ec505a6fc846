// What every simulated sensor family provides to the scheduler, and the shared per-simulation context.
import type { SensorKind } from '../telemetry/index.js';
import type { Delivery } from './delivery.js';
import type { LocalClock } from './local-clock.js';
import type { Rng } from '../random.js';
import type { TemperatureModel } from './weather.js';

export interface SimContext {
  readonly seed: number;
  readonly clock: LocalClock;
  readonly temperature: TemperatureModel;
  readonly rng: Rng;
  readonly out: Delivery;
  /** Local-time offset at the start of the block being generated (blocks are at most 1 s long). */
  offsetMs: number;
}

export interface Channel {
  readonly kind: SensorKind;
  readonly sensors: readonly string[];
  /** Natural reporting interval of each sensor, before the speed setting. */
  readonly intervalsMs: readonly number[];
  /** Readings sent per report by sensor `i` (e.g. count, occupancy and speed for a detector). */
  readingsPerReport(i: number): number;
  /** Sensor `i` reports at event time `ts`; `intervalMs` is its actual (speed-scaled) interval. */
  report(i: number, ts: number, intervalMs: number): void;
}
