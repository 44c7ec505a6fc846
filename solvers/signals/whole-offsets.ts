// Whole-second corridor offsets: from the MILP's fractional offsets to the integer offsets with the widest bands.
import { bandwidth, type GreenWindow } from './band.js';

/** The corridor's geometry as the band measure needs it. */
export interface BandGeometry {
  readonly cycle: number;
  readonly out: GreenWindow[];
  readonly back: GreenWindow[];
  /** Travel time from the outbound band's origin (signal 0) and from the inbound one's (the last signal). */
  readonly T: number[];
  readonly Tb: number[];
  readonly inboundWeight: number;
  readonly balanceWeight: number;
}

/** Seconds each offset moves by in the search. */
const STEPS = [-3, -2, -1, 1, 2, 3];
const MAX_PASSES = 50;

/** Offsets the exact search may try in all before it settles for the local search's (a few milliseconds). */
const SEARCH_BUDGET = 50_000;

/**
 * The MILP's objective measured on whole-second offsets of the first `count` signals: outbound + k·inbound band + a
 * small reward for the narrower. A band through fewer signals is never narrower, so a prefix bounds every completion.
 */
export function bandScore(g: BandGeometry, offsets: readonly number[], count = offsets.length): number {
  const ref = offsets.slice(0, count).map((o, i) => o - g.out[i].start);
  const a = bandwidth(g.cycle, g.out.slice(0, count), ref, g.T.slice(0, count));
  const b = bandwidth(g.cycle, g.back.slice(0, count), ref, g.Tb.slice(0, count));
  return a + g.inboundWeight * b + g.balanceWeight * Math.min(a, b);
}

/**
 * The best whole-second offsets, with signal 0 at 0, by depth-first search over each later signal's offsets, pruned
 * where the bands through the signals placed so far are no better than `incumbent`. Undefined when the search
 * needs more than SEARCH_BUDGET placements (long corridors), or finds nothing better.
 */
function searchOffsets(g: BandGeometry, incumbent: number): { offsets: number[]; score: number } | undefined {
  const n = g.out.length;
  const offsets = new Array<number>(n).fill(0);
  let best: { offsets: number[]; score: number } | undefined;
  let bar = incumbent;
  let placed = 0;
  const place = (i: number): boolean => {
    for (let o = 0; o < g.cycle; o++) {
      if (++placed > SEARCH_BUDGET) return false;
      offsets[i] = o;
      const bound = bandScore(g, offsets, i + 1);
      if (bound <= bar + 1e-9) continue;
      if (i === n - 1) ((best = { offsets: offsets.slice(), score: bound }), (bar = bound));
      else if (!place(i + 1)) return false;
    }
    return true;
  };
  return n < 2 || place(1) ? best : undefined;
}

/**
 * Whole-second offsets from fractional ones: each rounded, then moved by up to three seconds at a time, signal by
 * signal, while the measured bands widen; returned relative to signal 0 (moving every offset together changes no
 * band). Never worse than plain rounding, which lost 0.2-0.7 s of band on generated corridors. Then an exhaustive
 * search (pruned by the bands of the signals placed so far) looks for better ones: where it completes within its
 * budget (three signals, often four), the offsets are the best whole-second ones; on longer corridors the local
 * search's stand.
 */
export function wholeSecondOffsets(g: BandGeometry, fractional: readonly number[]): number[] {
  const C = g.cycle;
  const offsets = fractional.map((o) => Math.round(o) % C);
  let best = bandScore(g, offsets);
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let improved = false;
    // signal 0 moves too: that is every other signal moving together, undone at the end
    for (let i = 0; i < offsets.length; i++) {
      const was = offsets[i];
      let pick = was;
      for (const d of STEPS) {
        offsets[i] = (((was + d) % C) + C) % C;
        const s = bandScore(g, offsets);
        if (s > best + 1e-9) ((best = s), (pick = offsets[i]), (improved = true));
      }
      offsets[i] = pick;
    }
    if (!improved) break;
  }
  const local = offsets.map((o) => (((o - offsets[0]) % C) + C) % C);
  // the local search's band is the bar an exhaustive search must beat; short corridors finish it and are exact
  return searchOffsets(g, best)?.offsets ?? local;
}
