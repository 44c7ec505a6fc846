import { describe, expect, it } from 'vitest';
import { ConvexPl } from '../../../solvers/dispatch/decomposition/convex-piecewise-linear.js';
import { xorshift32 } from '../../../src/random.js';

/** Plain-array model of the segment list: the first slope not below goes after, an equal slope merges. */
function modelInsert(segs: { len: number; slope: number }[], len: number, slope: number): void {
  if (!(len > 0)) return;
  const k = segs.findIndex((s) => s.slope >= slope);
  if (k >= 0 && segs[k].slope === slope) segs[k].len += len;
  else segs.splice(k < 0 ? segs.length : k, 0, { len, slope });
}

function segmentsOf(f: ConvexPl): { len: number; slope: number }[] {
  const out = [];
  for (let k = f.head; k < f.head + f.count; k++) out.push({ len: f.len[k], slope: f.slope[k] });
  return out;
}

describe('convex piecewise-linear segment insertion', () => {
  it('inserts several segments at once exactly as one at a time, whatever their order', () => {
    const random = xorshift32(11);
    // small capacity: the list compacts and grows while segments go in
    const f = new ConvexPl(8);
    f.setPoint(0);
    const model: { len: number; slope: number }[] = [];
    const lens = new Float64Array(3);
    const slopes = new Float64Array(3);
    for (let step = 0; step < 2000; step++) {
      const n = Math.floor(random() * 4);
      for (let j = 0; j < n; j++) {
        // a few distinct slopes, so that equal slopes merge; some empty segments; mostly increasing, as a hull gives
        lens[j] = random() < 0.1 ? 0 : 1 + Math.floor(random() * 5);
        slopes[j] = Math.floor(random() * 12) - 6 + (random() < 0.8 ? j * 3 : 0);
        modelInsert(model, lens[j], slopes[j]);
      }
      f.insertAll(lens, slopes, n);
      expect(segmentsOf(f)).toEqual(model);
      // take segments off the left now and then, so the list's start moves
      if (random() < 0.3 && f.count > 0) {
        const cut = f.len[f.head];
        expect(f.restrict(f.x0 + cut, Infinity)).toBe(true);
        model.shift();
      }
      expect(f.total).toBe(model.reduce((s, g) => s + g.len, 0));
    }
  });
});
