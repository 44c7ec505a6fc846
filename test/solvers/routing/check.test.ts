import { describe, expect, it } from 'vitest';
import { checkSolution, euclideanMatrix, makeInstance } from '../../../solvers/routing/index.js';

const inst = makeInstance({
  name: 'line',
  n: 3,
  dist: euclideanMatrix([0, 1, 2, 3], [0, 0, 0, 0], true),
  demand: [0, 2, 2, 2],
  capacity: 4,
  maxDuration: 7,
  service: [0, 1, 1, 1],
});

describe('checkSolution', () => {
  it('accepts a feasible solution and recomputes its travel cost', () => {
    const r = checkSolution(inst, [[1, 2], [3]]);
    expect(r.violations).toEqual([]);
    expect(r.cost).toBe(4 + 6);
  });

  it('reports missing and repeated customers, overload, overlong routes and foreign nodes', () => {
    expect(checkSolution(inst, [[1, 2]]).violations).toContain('customer 3 is visited 0 times');
    expect(
      checkSolution(inst, [
        [1, 2],
        [2, 3],
      ]).violations,
    ).toContain('customer 2 is visited 2 times');
    expect(checkSolution(inst, [[1, 2, 3]]).violations).toContain('route 0 carries 6, above capacity 4');
    expect(checkSolution(inst, [[1], [3, 2]]).violations).toContain('route 1 lasts 8, above the limit 7');
    expect(
      checkSolution(inst, [
        [1, 2],
        [3, 9],
      ]).feasible,
    ).toBe(false);
  });
});
