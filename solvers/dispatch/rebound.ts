// HVAC rebound in wall-clock time: which later intervals take the payback of a shed, for every model of a request.
import type { DispatchProblem } from './problem.js';

/** An HVAC group pays back its shed over the hour after it is released unless the request says otherwise. */
export const DEFAULT_REBOUND_MINUTES = 60;

/** Net reduction at interval `to[k]` falls by coef[k] × the shed (kW) of interval `from[k]`. */
export interface ReboundTerms {
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly coef: Float64Array;
}

/**
 * The energy shed in an interval (kW × hours), times `fraction`, comes back at an even rate over the `minutes` of wall
 * time after the interval ends. Each later interval takes the part of that span it overlaps, as kW over its own
 * length; the parts in gaps between intervals or after the last one fall outside the plan. With regular intervals
 * whose length divides `minutes`, each of the next minutes/length intervals takes an equal share.
 */
export function reboundTerms(
  p: Pick<DispatchProblem, 'startMs' | 'endMs' | 'hours'>,
  fraction: number,
  minutes: number,
): ReboundTerms {
  const from: number[] = [];
  const to: number[] = [];
  const coef: number[] = [];
  const n = p.hours.length;
  const spanMs = minutes * 60_000;
  for (let k = 0; k < n && fraction > 0; k++) {
    const s = p.endMs[k];
    const e = s + spanMs;
    for (let j = k + 1; j < n && p.startMs[j] < e; j++) {
      const overlapMs = Math.min(e, p.endMs[j]) - Math.max(s, p.startMs[j]);
      if (overlapMs <= 0) continue;
      // written as fraction·h_k / (spans per overlap · h_j): bit for bit the equal shares of regular intervals
      (from.push(k), to.push(j), coef.push((fraction * p.hours[k]) / ((spanMs / overlapMs) * p.hours[j])));
    }
  }
  return { from: Int32Array.from(from), to: Int32Array.from(to), coef: Float64Array.from(coef) };
}
