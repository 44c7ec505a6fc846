// The solver runtime: one envelope in, the result or the solver's typed error out, the same on a thread and inline.
import { afterAll, describe, expect, it } from 'vitest';
import { solveDispatch, validateDispatchRequest } from '../../solvers/dispatch/index.js';
import { syntheticDispatchRequest } from '../../solvers/dispatch/synthetic.js';
import { randomIntersection } from '../../solvers/signals/generate.js';
import { UrbanflowError } from '../../src/errors.js';
import { SolverRuntime } from '../../src/runtime/index.js';

const threaded = new SolverRuntime({ threads: 1 });
const inline = new SolverRuntime({ threads: 0 });
afterAll(async () => {
  await threaded.close();
  await inline.close();
});

async function rejection(p: Promise<unknown>): Promise<UrbanflowError> {
  try {
    await p;
  } catch (err) {
    return err as UrbanflowError;
  }
  throw new Error('expected a rejection');
}

describe.each([
  ['on a solver thread', threaded],
  ['on the calling thread', inline],
])('solver runtime %s', (_name, solvers) => {
  it('solves a dispatch request to the objective of a direct solve', async () => {
    const request = syntheticDispatchRequest({ resources: 30, intervals: 16, seed: 4 });
    const plan = await solvers.run({ kind: 'dispatch', input: request });
    const direct = await solveDispatch(validateDispatchRequest(request));
    expect(plan.status).toBe('optimal');
    expect(Math.abs(plan.objective - direct.objective) / Math.max(1, Math.abs(direct.objective))).toBeLessThan(1e-7);
  }, 120_000);

  it("rebuilds a solver's typed error as the same class with its code, message and details", async () => {
    const intersection = randomIntersection(3);
    const err = await rejection(
      solvers.run({
        kind: 'signals',
        input: {
          intersections: [intersection],
          corridors: [
            {
              id: 'c1',
              links: [],
              signals: [{ intersection: 'nowhere', outboundLaneGroup: 'a', inboundLaneGroup: 'b' }],
            },
          ] as never,
        },
      }),
    );
    expect(err).toBeInstanceOf(UrbanflowError);
    expect(err.code).toBe('UF_ERR_INPUT');
    expect(err.message).toContain('"nowhere" is not in "intersections"');
    expect(err.details).toEqual({ field: 'corridors[0].signals[0].intersection' });
  }, 60_000);

  it('returns per-item errors of the live signal plans in the one error shape, beside the good plans', async () => {
    const good = randomIntersection(5);
    const reply = await solvers.run({
      kind: 'signal-plans',
      input: {
        intersections: [
          { id: good.id, input: good },
          { id: 'bad', input: { ...good, id: 'bad', laneGroups: [] } },
        ],
        corridors: [],
        planner: {},
      },
    });
    expect(reply.intersections[0].plan).toBeDefined();
    expect(reply.intersections[1].plan).toBeUndefined();
    expect(reply.intersections[1].error).toMatchObject({
      code: expect.stringMatching(/^UF_ERR_/),
      message: expect.any(String),
      details: expect.any(Object),
    });
  }, 60_000);

  it('reports an error that is not typed as UF_ERR_INTERNAL, never as a crash', async () => {
    const outcome = await solvers.outcome({ kind: 'route', input: null as never });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.code).toBe('UF_ERR_INTERNAL');
  }, 60_000);
});
