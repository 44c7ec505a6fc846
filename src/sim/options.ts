// Simulator options with their defaults, validated once when the simulator is created.
import { configError } from '../errors.js';
import type { SensorKind } from '../telemetry/index.js';

export interface DisorderOptions {
  /** Mean of the exponential network delay of an on-time reading. */
  meanDelayMs: number;
  /** Cap of the on-time delay; readings arrive out of order within it. */
  maxDelayMs: number;
  /** Share of readings held back by minutes (gateway buffering), delayed uniformly in [lateMinMs, lateMaxMs]. */
  lateProbability: number;
  lateMinMs: number;
  lateMaxMs: number;
  /** Share of readings sent twice (each copy with its own delay). */
  duplicateProbability: number;
  /** Chance per report that a sensor goes silent for a uniform time in [dropoutMinMs, dropoutMaxMs]. */
  dropoutProbability: number;
  dropoutMinMs: number;
  dropoutMaxMs: number;
}

export interface SimulatorOptions {
  seed: number;
  /** Event time at which sensors start reporting; the first `step`'s `fromMs` when absent. */
  startMs?: number;
  /** Reporting intervals are divided by `speed`: 1 is natural (detectors every 20–60 s); 1000 gives 1000x the readings per second. */
  speed?: number;
  /** Only these sensor kinds report (all when absent). */
  sensorKinds?: readonly SensorKind[];
  /** `default` empties bins on a service schedule; `manual` only through `collect()`. */
  collection?: 'default' | 'manual';
  disorder?: Partial<DisorderOptions>;
}

export const DEFAULT_DISORDER: DisorderOptions = {
  meanDelayMs: 200,
  maxDelayMs: 3000,
  lateProbability: 0.002,
  lateMinMs: 60_000,
  lateMaxMs: 600_000,
  duplicateProbability: 0.001,
  dropoutProbability: 0.00002,
  dropoutMinMs: 300_000,
  dropoutMaxMs: 3_600_000,
};

/** No delay, loss or duplication: for tests of the shapes. */
export const NO_DISORDER: DisorderOptions = {
  ...DEFAULT_DISORDER,
  meanDelayMs: 0,
  maxDelayMs: 0,
  lateProbability: 0,
  duplicateProbability: 0,
  dropoutProbability: 0,
};

export interface ResolvedOptions {
  seed: number;
  startMs: number | undefined;
  speed: number;
  sensorKinds: ReadonlySet<SensorKind> | null;
  collection: 'default' | 'manual';
  disorder: DisorderOptions;
}

function check(ok: boolean, name: string, rule: string, value: unknown): void {
  if (!ok) throw configError(`simulator option ${name} ${rule} (got ${JSON.stringify(value)})`, { option: name });
}

export function resolveOptions(o: SimulatorOptions): ResolvedOptions {
  check(Number.isSafeInteger(o.seed), 'seed', 'must be an integer', o.seed);
  const speed = o.speed ?? 1;
  check(Number.isFinite(speed) && speed > 0 && speed <= 1e6, 'speed', 'must be a number in (0, 1e6]', o.speed);
  if (o.startMs !== undefined)
    check(Number.isSafeInteger(o.startMs) && o.startMs >= 0, 'startMs', 'must be a non-negative integer', o.startMs);
  const collection = o.collection ?? 'default';
  check(
    collection === 'default' || collection === 'manual',
    'collection',
    'must be "default" or "manual"',
    o.collection,
  );
  const disorder = { ...DEFAULT_DISORDER, ...o.disorder };
  for (const [key, value] of Object.entries(disorder)) {
    check(Number.isFinite(value) && value >= 0, `disorder.${key}`, 'must be a non-negative number', value);
    if (key.endsWith('Probability')) check(value <= 1, `disorder.${key}`, 'must be at most 1', value);
  }
  check(disorder.maxDelayMs <= 600_000, 'disorder.maxDelayMs', 'must be at most 600000', disorder.maxDelayMs);
  check(
    disorder.lateMinMs <= disorder.lateMaxMs,
    'disorder.lateMinMs',
    'must be <= disorder.lateMaxMs',
    disorder.lateMinMs,
  );
  check(
    disorder.dropoutMinMs <= disorder.dropoutMaxMs,
    'disorder.dropoutMinMs',
    'must be <= disorder.dropoutMaxMs',
    disorder.dropoutMinMs,
  );
  return {
    seed: o.seed,
    startMs: o.startMs,
    speed,
    sensorKinds: o.sensorKinds ? new Set(o.sensorKinds) : null,
    collection,
    disorder,
  };
}
