import { describe, expect, it } from 'vitest';
import { PENALTY_PARAMS, PenaltyManager } from '../../../solvers/routing/penalty-manager.js';

/** Registers `count` candidates, the first `feasible` of them keeping every window. */
function register(pm: PenaltyManager, count: number, feasible: number): void {
  for (let i = 0; i < count; i++) pm.register(i < feasible);
}

describe('PenaltyManager', () => {
  const { window, increase, decrease } = PENALTY_PARAMS;

  it('keeps the price within a window and raises it when too few candidates kept every window', () => {
    const pm = new PenaltyManager();
    register(pm, window - 1, 0);
    expect(pm.warp).toBe(1);
    pm.register(false);
    expect(pm.warp).toBe(increase);
  });

  it('lowers the price when most candidates kept every window, and leaves it between the targets', () => {
    const pm = new PenaltyManager();
    register(pm, window, window);
    expect(pm.warp).toBe(decrease);
    register(pm, window, Math.round(window * 0.4));
    expect(pm.warp).toBe(decrease);
  });

  it('counts each window afresh', () => {
    const pm = new PenaltyManager();
    register(pm, window, window);
    register(pm, window, 0);
    expect(pm.warp).toBe(decrease * increase);
  });

  it('holds the price within its bounds', () => {
    const high = new PenaltyManager();
    register(high, 200 * window, 0);
    expect(high.warp).toBe(PENALTY_PARAMS.maxWarp);
    const low = new PenaltyManager();
    for (let w = 0; w < 200; w++) register(low, window, window);
    expect(low.warp).toBe(PENALTY_PARAMS.minWarp);
  });
});
