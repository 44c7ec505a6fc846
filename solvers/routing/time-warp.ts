// Time windows as time warp (Vidal et al. 2013, as in HGS-VRPTW and PyVRP's duration segments): arriving after a
// window closes is allowed during search at a penalty, measured as the time the truck would have to travel back.
import type { CvrpInstance } from './instance.js';

/** Time warp of a whole route driven from the depot's opening: waiting when early, warping back when late. */
export function routeTimeWarp(inst: CvrpInstance, route: readonly number[]): number {
  return driveForward(inst, route);
}

/**
 * Drives the route from the depot's opening and answers its whole time warp, the return to the depot included. Given
 * arrays of route.length + 1, it writes at i the departure from the stop before route[i] and the warp up to it (at
 * route.length: the departure from the last stop and the warp before the return).
 */
function driveForward(
  inst: CvrpInstance,
  route: readonly number[],
  departPrev?: Float64Array,
  warpPrev?: Float64Array,
): number {
  const { dist, readyTime, dueTime, service } = inst;
  const size = inst.n + 1;
  const len = route.length;
  let t = readyTime[0];
  let warp = 0;
  let prev = 0;
  for (let i = 0; i < len; i++) {
    if (departPrev && warpPrev) {
      departPrev[i] = t;
      warpPrev[i] = warp;
    }
    const c = route[i];
    t = Math.max(t + dist[prev * size + c], readyTime[c]);
    if (t > dueTime[c]) {
      warp += t - dueTime[c];
      t = dueTime[c];
    }
    t += service[c];
    prev = c;
  }
  if (departPrev && warpPrev) {
    departPrev[len] = t;
    warpPrev[len] = warp;
  }
  t += dist[prev * size];
  if (t > dueTime[0]) warp += t - dueTime[0];
  return warp;
}

/**
 * Forward and backward summaries of one route, so inserting a customer anywhere is evaluated in O(1):
 * position i of the arrays stands for "before route[i]" (i = route.length: before the return to the depot).
 */
export interface RouteTimes {
  /** Departure time from the stop before position i (the depot for i = 0) and the warp accumulated up to it. */
  readonly departPrev: Float64Array;
  readonly warpPrev: Float64Array;
  /** For the rest of the route from position i on: its own warp, and the latest arrival at route[i] adding none. */
  readonly suffixWarp: Float64Array;
  readonly suffixLatest: Float64Array;
}

export function routeTimes(inst: CvrpInstance, route: readonly number[]): RouteTimes {
  const { dist, readyTime, dueTime, service } = inst;
  const size = inst.n + 1;
  const len = route.length;
  const departPrev = new Float64Array(len + 1);
  const warpPrev = new Float64Array(len + 1);
  driveForward(inst, route, departPrev, warpPrev);
  const suffixWarp = new Float64Array(len + 1);
  const suffixLatest = new Float64Array(len + 1);
  suffixLatest[len] = dueTime[0];
  let next = 0;
  for (let i = len - 1; i >= 0; i--) {
    const c = route[i];
    const leg = service[c] + dist[c * size + next];
    suffixWarp[i] = suffixWarp[i + 1] + Math.max(readyTime[c] + leg - suffixLatest[i + 1], 0);
    suffixLatest[i] = Math.max(readyTime[c], Math.min(dueTime[c], suffixLatest[i + 1] - leg));
    next = c;
  }
  return { departPrev, warpPrev, suffixWarp, suffixLatest };
}

/** Total warp of the route after inserting customer c at position i (between route[i-1] and route[i]). */
export function warpWithInsertion(
  inst: CvrpInstance,
  times: RouteTimes,
  route: readonly number[],
  i: number,
  c: number,
): number {
  const { dist, readyTime, dueTime, service } = inst;
  const size = inst.n + 1;
  const prev = i > 0 ? route[i - 1] : 0;
  const next = i < route.length ? route[i] : 0;
  let t = Math.max(times.departPrev[i] + dist[prev * size + c], readyTime[c]);
  let warp = times.warpPrev[i];
  if (t > dueTime[c]) {
    warp += t - dueTime[c];
    t = dueTime[c];
  }
  const arrive = t + service[c] + dist[c * size + next];
  return warp + times.suffixWarp[i] + Math.max(arrive - times.suffixLatest[i], 0);
}
