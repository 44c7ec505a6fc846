// Nearest-neighbour lists per customer: they restrict ruin seeds and local-search moves to nearby customers.
import type { CvrpInstance } from './instance.js';

/** neighbours[i*k .. i*k+k) holds the k customers closest to customer i (row 0 unused), nearest first. */
export interface NeighbourLists {
  readonly k: number;
  readonly list: Int32Array;
}

export function nearestNeighbours(inst: CvrpInstance, k: number): NeighbourLists {
  const n = inst.n;
  const size = n + 1;
  const kk = Math.min(k, n - 1);
  const list = new Int32Array(size * Math.max(kk, 0));
  const ids: number[] = [];
  for (let i = 1; i <= n; i++) {
    ids.length = 0;
    for (let j = 1; j <= n; j++) if (j !== i) ids.push(j);
    const row = i * size;
    ids.sort((x, y) => inst.dist[row + x] + inst.dist[x * size + i] - inst.dist[row + y] - inst.dist[y * size + i]);
    for (let t = 0; t < kk; t++) list[i * kk + t] = ids[t];
  }
  return { k: kk, list };
}
