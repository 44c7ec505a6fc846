// Deterministic synthetic dispatch requests (seeded), for benchmarks and tests of any size.
import { xorshift32 } from '../../src/random.js';
import type { DispatchRequest, DrResource, Feeder } from './request.js';

export interface SyntheticOptions {
  readonly resources: number;
  readonly intervals: number;
  /** Adds call costs, event limits, minimum depths and minimum runs: a MIP. */
  readonly integer?: boolean;
  /** Feeder-cap mode instead of a system target. */
  readonly feederCaps?: boolean;
  readonly seed?: number;
}

const START_MS = Date.UTC(2026, 6, 1, 12, 0, 0);
const INTERVAL_MINUTES = 15;

export function syntheticDispatchRequest(o: SyntheticOptions): DispatchRequest {
  const rand = xorshift32(o.seed ?? 1);
  const n = o.intervals;
  const iso = (t: number) => new Date(START_MS + t * INTERVAL_MINUTES * 60_000).toISOString();
  const between = (a: number, b: number) => a + (b - a) * rand();
  const round = (v: number) => Math.round(v * 10) / 10;
  const numFeeders = Math.max(1, Math.ceil(o.resources / 50));
  const resources: DrResource[] = [];
  let capacity = 0;
  for (let i = 0; i < o.resources; i++) {
    const base = {
      id: `r${i}`,
      feeder: `f${i % numFeeders}`,
      costPerKWh: round(between(0.05, 0.6)),
      ...(rand() < 0.3 ? { rampKWPerInterval: round(between(20, 80)) } : {}),
      ...(rand() < 0.2
        ? {
            availability: [
              { start: iso(Math.floor(between(0, n / 3))), end: iso(Math.floor(between((2 * n) / 3, n + 1))) },
            ],
          }
        : {}),
    };
    const calls = o.integer ? { costPerCall: round(between(5, 40)), maxEvents: 1 + Math.floor(rand() * 2) } : {};
    const kind = i % 4;
    if (kind === 0) {
      const powerKW = round(between(50, 250));
      const energyKWh = round(powerKW * between(1, 4));
      capacity += powerKW;
      resources.push({
        ...base,
        kind: 'battery',
        powerKW,
        energyKWh,
        socKWh: round(energyKWh * between(0.5, 1)),
        minSocKWh: round(energyKWh * 0.1),
        roundTripEfficiency: 0.88,
      });
    } else if (kind === 1) {
      const shedKW = round(between(30, 150));
      capacity += shedKW;
      resources.push({
        ...base,
        ...calls,
        kind: 'hvac',
        shedKW,
        maxDurationMinutes: 60 * Math.ceil(between(1, 3)),
        reboundFraction: round(between(0.2, 0.6)),
        reboundMinutes: 30 + 15 * Math.floor(rand() * 4),
      });
    } else if (kind === 2) {
      const baselineKW = round(between(20, 120));
      capacity += baselineKW;
      resources.push({
        ...base,
        kind: 'ev',
        baselineKW,
        maxChargeKW: round(baselineKW * 1.5),
        shiftableKWh: round(baselineKW * between(1, 3)),
        deadline: iso(n - Math.floor(rand() * 8)),
      });
    } else {
      const maxKW = round(between(100, 500));
      capacity += maxKW;
      const integer = o.integer
        ? {
            minKW: round(maxKW * between(0.3, 0.6)),
            minRunMinutes: 15 * (2 + Math.floor(rand() * 6)),
            noticeMinutes: 15 * Math.floor(rand() * 3),
          }
        : {};
      resources.push({ ...base, ...calls, ...integer, kind: 'industrial', maxKW });
    }
  }
  // An evening-peak shape: the target rises to about 45 % of the fleet's capacity in the middle of the event.
  const shape = Array.from({ length: n }, (_, t) => Math.max(0, Math.sin((Math.PI * (t + 0.5)) / n)) ** 2);
  const feeders: Feeder[] = Array.from({ length: numFeeders }, (_, f) => {
    if (!o.feederCaps) return { id: `f${f}` };
    const forecastKW = shape.map((s) => round(4000 + 0.45 * (capacity / numFeeders) * s));
    return { id: `f${f}`, capKW: 4000, forecastKW };
  });
  return {
    programId: 'synthetic',
    event: { start: iso(0), intervalMinutes: INTERVAL_MINUTES, count: n },
    ...(o.feederCaps ? {} : { targetKW: shape.map((s) => round(0.45 * capacity * s)) }),
    feeders,
    shortfallPenaltyPerKWh: 1000,
    resources,
  };
}
