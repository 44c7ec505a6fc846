// Window results compared with the single-threaded reference: the same windows and revisions, equal values
// (quantiles within the sketch's relative error).
import { expect } from 'vitest';
import { DEFAULT_SKETCH_ALPHA, type WindowResult } from '../../src/stream/index.js';

const order = (a: WindowResult, b: WindowResult) =>
  a.operator.localeCompare(b.operator) ||
  a.key.localeCompare(b.key) ||
  a.start - b.start ||
  a.end - b.end ||
  a.revision - b.revision;

export function expectSameResults(actual: WindowResult[], expected: WindowResult[]): void {
  const a = [...actual].sort(order);
  const e = [...expected].sort(order);
  expect(a.map((x) => [x.operator, x.key, x.start, x.end, x.revision])).toEqual(
    e.map((x) => [x.operator, x.key, x.start, x.end, x.revision]),
  );
  for (let i = 0; i < a.length; i++) {
    for (const [agg, want] of Object.entries(e[i].values)) {
      const got = a[i].values[agg];
      const where = `${a[i].operator} ${a[i].key} [${a[i].start}, ${a[i].end}) rev ${a[i].revision} ${agg}`;
      if (want === null) {
        expect(got, where).toBeNull();
        continue;
      }
      expect(got, where).not.toBeNull();
      // Quantiles come from the sketch: within its relative error of the exact order statistic.
      const tol = agg.startsWith('p')
        ? DEFAULT_SKETCH_ALPHA * Math.abs(want) + 1e-9
        : 1e-9 * Math.max(1, Math.abs(want));
      expect(Math.abs(got! - want), `${where}: got ${got}, want ${want}`).toBeLessThanOrEqual(tol);
    }
  }
}
