// Shared fixtures for simulator tests: a small generated city and local-time helpers (America/Chicago, CDT in summer).
import { generateCity, type City } from '../../src/city/index.js';
import type { Reading } from '../../src/telemetry/reading.js';
import type { Simulator } from '../../src/sim/index.js';

export const smallCity = (): City =>
  generateCity({ seed: 3, intersections: 9, feeders: 2, resourcesPerFeeder: 6, bins: 40 });

/** UTC ms of a local (UTC-5, summer) wall-clock time in Chicago. */
export const cdt = (isoLocal: string): number => Date.parse(`${isoLocal}-05:00`);

export const HOUR = 3_600_000;
export const MINUTE = 60_000;

/** Runs `sim` over [from, to) in chunks, passing each chunk's readings with the chunk start (a lower bound of their arrival). */
export function run(
  sim: Simulator,
  from: number,
  to: number,
  chunkMs: number,
  visit: (r: Reading, arrivedAfter: number) => void,
): void {
  const out: Reading[] = [];
  for (let t = from; t < to; t += chunkMs) {
    out.length = 0;
    sim.stepInto(t, Math.min(to, t + chunkMs), out);
    for (const r of out) visit(r, t);
  }
}

export const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

export function correlation(xs: number[], ys: number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}
