import { afterAll, describe, expect, it } from 'vitest';
import { buildDispatchModel, validateDispatchRequest } from '../../../solvers/dispatch/index.js';
import { syntheticDispatchRequest } from '../../../solvers/dispatch/synthetic.js';
import { raceHighs, solveLp, warmUpHighs } from '../../../solvers/lp/index.js';
import { startSolverResources } from '../../../src/runtime/index.js';

function dispatchLp() {
  return buildDispatchModel(
    validateDispatchRequest(syntheticDispatchRequest({ resources: 24, intervals: 24, seed: 21 })),
  ).lp;
}

const resources = startSolverResources();
afterAll(() => resources.close());

describe('HiGHS on the runtime threads', () => {
  it('races a hinted and an unhinted form of one model to the objective of a plain solve', async () => {
    const lp = dispatchLp();
    const none = new Int32Array(0);
    const plain = await solveLp({ ...lp, basicCols: none, basicRows: none }, { backend: 'highs' });
    const raced = await raceHighs(
      [
        { model: lp, options: {} },
        { model: { ...lp, basicCols: none, basicRows: none }, options: { dualEdgeWeights: 'devex' } },
      ],
      resources.highs,
    );
    expect(plain.status).toBe('optimal');
    expect(raced.status).toBe('optimal');
    expect(Math.abs(raced.objective - plain.objective) / Math.max(1, Math.abs(plain.objective))).toBeLessThan(1e-9);
    expect(raced.rowDuals?.length).toBe(lp.numRows);
  });

  it('keeps the event loop free while a solve runs', async () => {
    await warmUpHighs(resources.highs);
    let ticks = 0;
    const tick = () => {
      ticks++;
      if (!done) setImmediate(tick);
    };
    let done = false;
    setImmediate(tick);
    const r = await solveLp(dispatchLp(), { backend: 'highs', highs: resources.highs });
    done = true;
    expect(r.status).toBe('optimal');
    // On the main thread the solve would be one synchronous call and no callback could run before it returns.
    expect(ticks).toBeGreaterThan(1);
  });

  it('starts fresh threads after being closed', async () => {
    const own = startSolverResources();
    await solveLp(dispatchLp(), { backend: 'highs', highs: own.highs });
    await own.close();
    const r = await solveLp(dispatchLp(), { backend: 'highs', highs: own.highs });
    expect(r.status).toBe('optimal');
    await own.close();
  });
});
