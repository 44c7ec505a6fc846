// Call patterns for MIP dispatch: a relaxation's on values made into calls that keep minimum runs and event limits.
import type { DispatchProblem } from './problem.js';

const MINUTE_MS = 60_000;

/**
 * Calls every interval where a relaxation (LP relaxation, or a mix of integer plans) is on at all, then repairs
 * minimum runs and event limits: a run too short for its minimum run is extended (or dropped where it cannot be),
 * and while there are too many calls the shortest bridgeable gap is bridged, or else the shortest run dropped.
 */
export function repairCalls(p: DispatchProblem, i: number, relaxedOn: ArrayLike<number>): Uint8Array {
  const rp = p.resources[i];
  const r = rp.resource;
  const n = p.hours.length;
  const called = Uint8Array.from({ length: n }, (_, t) => (rp.available[t] && relaxedOn[t] > 1e-6 ? 1 : 0));
  const minRunMs = r.kind === 'industrial' ? (r.minRunMinutes ?? 0) * MINUTE_MS : 0;
  const runs = (): Array<[number, number]> => {
    const out: Array<[number, number]> = [];
    for (let t = 0; t < n; t++) {
      if (!called[t] || (t > 0 && called[t - 1])) continue;
      let e = t;
      while (e + 1 < n && called[e + 1]) e++;
      out.push([t, e]);
    }
    return out;
  };
  for (const [s] of runs()) {
    let ok = true;
    for (let t = s; t < n && p.startMs[t] < p.startMs[s] + minRunMs; t++) if (!rp.available[t]) ok = false;
    for (let t = s; t < n && p.startMs[t] < p.startMs[s] + minRunMs; t++) called[t] = ok ? 1 : 0;
  }
  const limit = r.maxEvents;
  for (let rs = runs(); limit !== undefined && rs.length > limit; rs = runs()) {
    // Bridge the shortest gap if every interval in it is available; otherwise drop the shortest run.
    let best = -1;
    for (let k = 0; k + 1 < rs.length; k++) {
      let bridgeable = true;
      for (let t = rs[k][1] + 1; t < rs[k + 1][0]; t++) if (!rp.available[t]) bridgeable = false;
      if (bridgeable && (best < 0 || rs[k + 1][0] - rs[k][1] < rs[best + 1][0] - rs[best][1])) best = k;
    }
    if (best >= 0) {
      for (let t = rs[best][1] + 1; t < rs[best + 1][0]; t++) called[t] = 1;
    } else {
      const shortest = rs.reduce((a, b) => (b[1] - b[0] < a[1] - a[0] ? b : a));
      for (let t = shortest[0]; t <= shortest[1]; t++) called[t] = 0;
    }
  }
  return called;
}
