// Deterministic synthetic dispatch requests with a utility's feeder structure: caps on some feeders, reduction limits on others.
import type { DispatchRequest, Feeder } from './request.js';
import { xorshift32 } from '../../src/random.js';
import { syntheticDispatchRequest } from './synthetic.js';

export interface SyntheticFeederOptions {
  readonly resources: number;
  readonly intervals: number;
  /** Feeders the resources are spread over (25-50 resources each on a real distribution grid). */
  readonly feeders: number;
  /** Call costs, event limits, minimum depths and runs: a MIP. */
  readonly integer?: boolean;
  readonly seed?: number;
}

/**
 * The synthetic resources (synthetic.ts) on `feeders` feeders of uneven size, with a system target and feeder rules
 * as a utility sends them: a third of the feeders capped, their load taken from a forecast's upper band (the point
 * forecast × 1.1) that peaks above the cap by 30-40 % of the feeder's DR capacity, so DR must shave the evening peak
 * there beyond the system target's share; about 40 % of the feeders with a reduction limit (protection settings) at
 * 30-45 % of their members' capacity, below the target's share at the peak, so other feeders must make up for
 * them. Every cap and limit row is a coupling row of the decomposition's master: 1,000 × 96 on 25 feeders has
 * about 1,900 of them.
 */
export function syntheticFeederRequest(o: SyntheticFeederOptions): DispatchRequest {
  const base = syntheticDispatchRequest({
    resources: o.resources,
    intervals: o.intervals,
    ...(o.integer ? { integer: true } : {}),
    seed: o.seed ?? 1,
  });
  const rand = xorshift32((o.seed ?? 1) * 7919 + 17);
  const n = o.intervals;
  // uneven feeder sizes: weights in [1, 2] (25-50 members per feeder at 40 per feeder on average)
  const weights = Array.from({ length: o.feeders }, () => 1 + rand());
  const total = weights.reduce((a, b) => a + b, 0);
  const bounds: number[] = [];
  let acc = 0;
  for (const w of weights) bounds.push((acc += w / total));
  const feederOf = (i: number) => {
    const u = (i + 0.5) / o.resources;
    const f = bounds.findIndex((b) => u <= b);
    return f < 0 ? o.feeders - 1 : f;
  };
  const capacity = new Array<number>(o.feeders).fill(0);
  const resources = base.resources.map((r, i) => {
    const f = feederOf(i);
    capacity[f] +=
      r.kind === 'battery'
        ? r.powerKW
        : r.kind === 'hvac'
          ? r.shedKW
          : r.kind === 'ev'
            ? typeof r.baselineKW === 'number'
              ? r.baselineKW
              : Math.max(...r.baselineKW)
            : r.maxKW;
    return { ...r, feeder: `fdr-${f}` };
  });
  const shape = Array.from({ length: n }, (_, t) => Math.max(0, Math.sin((Math.PI * (t + 0.5)) / n)) ** 2);
  const round = (v: number) => Math.round(v * 10) / 10;
  const feeders: Feeder[] = capacity.map((c, f) => {
    const id = `fdr-${f}`;
    const limit = rand() < 0.4 ? { maxReductionKW: round(c * (0.3 + 0.15 * rand())) } : {};
    if (f % 3 !== 0) return { id, ...limit };
    // base load several times the DR capacity; the upper band's evening peak exceeds the cap by 30-40 % of it
    const baseKW = 3 * c;
    const forecastKW = shape.map((s) => round(1.1 * (baseKW + 0.8 * c * s)));
    const capKW = round(Math.max(...forecastKW) - c * (0.3 + 0.1 * rand()));
    return { id, capKW, forecastKW, ...limit };
  });
  return { ...base, programId: 'synthetic-feeders', feeders, resources };
}
