import { describe, expect, it, vi } from 'vitest';
import { generateCollectionDay, planCollection } from '../../../../solvers/routing/index.js';

// The checker is replaced by one that rejects everything: the planner must refuse to return the plan.
vi.mock('../../../../solvers/routing/collection/check-collection-plan.js', () => ({
  checkCollectionPlan: () => ['truck-1: over capacity after bin bin-1 (injected)'],
}));

describe('planCollection', () => {
  it('refuses a plan its independent checker rejects', async () => {
    const req = generateCollectionDay({ bins: 20, trucks: 2, seed: 3 });
    await expect(planCollection(req, { timeLimitMs: 60_000, now: () => 0, maxIterations: 200 })).rejects.toMatchObject({
      code: 'UF_ERR_INTERNAL',
      message: expect.stringContaining('injected'),
    });
  });
});
