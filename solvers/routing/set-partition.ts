// Set-partitioning recombination: the cheapest exact cover of the customers by routes from a pool of good routes (MIP).
import { LpBuilder, solveLp } from '../lp/index.js';

export interface PooledRoute {
  readonly route: number[];
  readonly cost: number;
}

/** The pool keeps the cheapest order found for each customer set; keys are the sorted customer lists. */
export class RoutePool {
  private readonly byKey = new Map<string, PooledRoute>();

  add(route: readonly number[], cost: number): void {
    const key = route
      .slice()
      .sort((a, b) => a - b)
      .join(',');
    const had = this.byKey.get(key);
    if (!had || cost < had.cost - 1e-9) this.byKey.set(key, { route: route.slice(), cost });
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
 * incumbent (its routes must be in `pool`). Returns the chosen routes, or null when the MIP yields no cover.
 */
export async function recombine(
  pool: readonly PooledRoute[],
  n: number,
  incumbent: readonly (readonly number[])[],
  timeLimitMs: number,
): Promise<number[][] | null> {
  const lp = new LpBuilder();
  const rows: number[][] = Array.from({ length: n + 1 }, () => []);
  for (let j = 0; j < pool.length; j++) {
    lp.addCol(0, 1, pool[j].cost, true);
    for (const c of pool[j].route) rows[c].push(j);
  }
  for (let c = 1; c <= n; c++) lp.addRow(rows[c], new Array<number>(rows[c].length).fill(1), 1, 1);
  const keyOf = (r: readonly number[]): string =>
    r
      .slice()
      .sort((a, b) => a - b)
      .join(',');
  const incumbentKeys = new Set(incumbent.map(keyOf));
  const start = new Float64Array(pool.length);
  pool.forEach((p, j) => (start[j] = incumbentKeys.has(keyOf(p.route)) ? 1 : 0));
  // HiGHS: javascript-lp-solver's branch and bound cannot close set-partitioning MIPs of this size and may stall in its simplex.
  const result = await solveLp(lp.build(start), { backend: 'highs', timeLimitSeconds: timeLimitMs / 1000 });
  if (result.status !== 'optimal' && result.status !== 'feasible') return null;
  const chosen: number[][] = [];
  const covered = new Uint8Array(n + 1);
  for (let j = 0; j < pool.length; j++) {
    if (result.x[j] > 0.5) {
      chosen.push(pool[j].route.slice());
      for (const c of pool[j].route) covered[c]++;
    }
  }
  for (let c = 1; c <= n; c++) if (covered[c] !== 1) return null;
  return chosen;
}
