// The search's price of time warp, adapted to how many candidates keep every window (as HGS and PyVRP do it).

/** How the price moves: the share of window-keeping candidates it aims at, and the steps and bounds it moves by. */
export const PENALTY_PARAMS = {
  /** Candidates between two updates of the price. */
  window: 100,
  /** The price grows by `increase` when fewer than this share of a window's candidates kept every window… */
  targetFeasibleLow: 0.25,
  /** …and shrinks by `decrease` when more than this share did. */
  targetFeasibleHigh: 0.5,
  increase: 1.3,
  decrease: 0.85,
  minWarp: 1e-3,
  maxWarp: 1e6,
} as const;

/**
 * The penalty per unit of time warp: every `window` candidates it grows when too few candidates kept every window and
 * shrinks when nearly all did, so the search crosses infeasible ground without settling there.
 */
export class PenaltyManager {
  /** Cost per unit of time warp. */
  warp = 1;
  private candidates = 0;
  private feasibleCandidates = 0;

  /** Counts one candidate of the search, and whether it kept every window; updates `warp` at the end of a window. */
  register(feasible: boolean): void {
    const p = PENALTY_PARAMS;
    if (feasible) this.feasibleCandidates++;
    if (++this.candidates % p.window !== 0) return;
    const share = this.feasibleCandidates / p.window;
    if (share < p.targetFeasibleLow) this.warp = Math.min(this.warp * p.increase, p.maxWarp);
    else if (share > p.targetFeasibleHigh) this.warp = Math.max(this.warp * p.decrease, p.minWarp);
    this.feasibleCandidates = 0;
  }
}
