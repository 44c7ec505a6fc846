// Green windows of the arterial lane groups and the through bandwidth a set of offsets gives them.
import type { IntersectionPlan } from './types.js';

export interface GreenWindow {
  /** Start of green from the cycle reference point, and its length (display green), seconds. */
  start: number;
  length: number;
  phase: string;
}

/** The longest single-phase green that serves `laneGroup` in `plan`. */
export function greenWindow(plan: IntersectionPlan, laneGroup: string): GreenWindow {
  const serving = plan.phases.filter((p) => p.laneGroups.includes(laneGroup));
  const best = serving.reduce((a, b) => (b.green > a.green ? b : a));
  return { start: best.start, length: best.green, phase: best.phase };
}

/**
 * Widest contiguous band through every window on the cycle circle. `arrive[i]` is the travel time from the
 * band's origin to signal i and `ref[i]` signal i's cycle reference in master time. The band's leading edge
 * sits at the start of some window, so trying each window start is exact.
 */
export function bandwidth(cycle: number, windows: GreenWindow[], ref: number[], arrive: number[]): number {
  const mod = (v: number): number => ((v % cycle) + cycle) % cycle;
  const starts = windows.map((w, i) => mod(ref[i] + w.start - arrive[i]));
  let best = 0;
  for (const t0 of starts) {
    let width = Infinity;
    for (let i = 0; i < windows.length && width > 0; i++) {
      let u = mod(t0 - starts[i]);
      if (cycle - u < 1e-9) u = 0;
      width = Math.min(width, u <= windows[i].length + 1e-9 ? windows[i].length - u : 0);
    }
    best = Math.max(best, width);
  }
  return Math.max(0, best);
}
