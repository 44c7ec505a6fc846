import { describe, expect, it } from 'vitest';
import { validateDispatchRequest } from '../../../solvers/dispatch/index.js';
import { blockOf, type Block } from '../../../solvers/dispatch/decomposition/block.js';
import { splitBlocks } from '../../../solvers/dispatch/decomposition/pricer.js';
import { syntheticFeederRequest } from '../../../solvers/dispatch/synthetic-feeders.js';

const weight = (b: Block) => (b.storage ? 3 : 1) * (b.ramp !== undefined ? 4 : 1);

describe('pricing blocks split between two threads', () => {
  const p = validateDispatchRequest(syntheticFeederRequest({ resources: 300, intervals: 24, seed: 3, feeders: 8 }));
  const blocks = p.resources.map((_, i) => blockOf(p, i));
  const total = blocks.reduce((s, b) => s + weight(b), 0);
  const heaviest = Math.max(...blocks.map(weight));

  for (const share of [0.5, 0.45, 0.3]) {
    it(`gives the second thread ${share} of the weight, within one block, each block once and in order`, () => {
      const [first, second] = splitBlocks(blocks, weight, share);
      expect([...first, ...second].sort((x, y) => x - y)).toEqual(blocks.map((_, k) => k));
      for (const half of [first, second]) expect(half).toEqual([...half].sort((x, y) => x - y));
      const load = second.reduce((s, k) => s + weight(blocks[k]), 0);
      expect(Math.abs(load - share * total)).toBeLessThanOrEqual(heaviest);
    });
  }

  it('splits evenly by default', () => {
    expect(splitBlocks(blocks, weight)).toEqual(splitBlocks(blocks, weight, 0.5));
    const [first, second] = splitBlocks(blocks, weight);
    const load = (ids: number[]) => ids.reduce((s, k) => s + weight(blocks[k]), 0);
    expect(Math.abs(load(first) - load(second))).toBeLessThanOrEqual(heaviest);
  });
});
