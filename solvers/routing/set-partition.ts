// Set-partitioning recombination: the cheapest exact cover of the customers by routes from a pool of good routes (MIP).
import { LpBuilder, solveLp } from '../lp/index.js';

export interface PooledRoute {
  readonly route: number[];
  readonly cost: number;
  /** Vehicle type driving the route (0 for a homogeneous fleet). */
  readonly type: number;
}

/** The pool keeps the cheapest order found for each customer set and vehicle type; keys are the sorted customer lists. */
export class RoutePool {
  private readonly byKey = new Map<string, PooledRoute>();

  add(route: readonly number[], cost: number, type = 0): void {
    const key =
      route
        .slice()
        .sort((a, b) => a - b)
        .join(',') + `|${type}`;
    const had = this.byKey.get(key);
    if (!had || cost < had.cost - 1e-9) this.byKey.set(key, { route: route.slice(), cost, type });
  }

  get size(): number {
    return this.byKey.size;
  }

  routes(): PooledRoute[] {
    return [...this.byKey.values()];
  }
}

/**
 * Solves min Σ cost·x over binary route columns with every customer 1..n covered exactly once, starting from the
 * incumbent (its routes must be in `pool`), and no more routes of a vehicle type than `typeCounts` allows. Returns the
 * chosen routes with their types, or null when the MIP yields no cover.
 */
export async function recombine(
  pool: readonly PooledRoute[],
  n: number,
  incumbent: readonly (readonly number[])[],
  timeLimitMs: number,
  typeCounts: readonly number[] = [Infinity],
): Promise<{ routes: number[][]; types: number[] } | null> {
  const lp = new LpBuilder();
  const rows: number[][] = Array.from({ length: n + 1 }, () => []);
  for (let j = 0; j < pool.length; j++) {
    lp.addCol(0, 1, pool[j].cost, true);
    for (const c of pool[j].route) rows[c].push(j);
  }
  for (let c = 1; c <= n; c++) lp.addRow(rows[c], new Array<number>(rows[c].length).fill(1), 1, 1);
  typeCounts.forEach((count, k) => {
    if (count === Infinity) return;
    const cols: number[] = [];
    pool.forEach((p, j) => {
      if (p.type === k) cols.push(j);
    });
    if (cols.length > count) lp.addRow(cols, new Array<number>(cols.length).fill(1), 0, count);
  });
  const keyOf = (r: readonly number[]): string =>
    r
      .slice()
      .sort((a, b) => a - b)
      .join(',');
  const incumbentKeys = new Set(incumbent.map(keyOf));
  // A customer set may be pooled with several types; the start takes one column of each incumbent route.
  const start = new Float64Array(pool.length);
  pool.forEach((p, j) => {
    const key = keyOf(p.route);
    if (incumbentKeys.delete(key)) start[j] = 1;
  });
  // HiGHS: javascript-lp-solver's branch and bound cannot close set-partitioning MIPs of this size and may stall in its simplex.
  const result = await solveLp(lp.build(start), { backend: 'highs', timeLimitSeconds: timeLimitMs / 1000 });
  if (result.status !== 'optimal' && result.status !== 'feasible') return null;
  const chosen: number[][] = [];
  const types: number[] = [];
  const covered = new Uint8Array(n + 1);
  for (let j = 0; j < pool.length; j++) {
    if (result.x[j] > 0.5) {
      chosen.push(pool[j].route.slice());
      types.push(pool[j].type);
      for (const c of pool[j].route) covered[c]++;
    }
  }
  for (let c = 1; c <= n; c++) if (covered[c] !== 1) return null;
  return { routes: chosen, types };
}
