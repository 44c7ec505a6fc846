// Set-partitioning recombination: picks the cheapest exact cover of the customers from a pool of good routes (MIP via javascript-lp-solver).
import lpImport, { type SolverAPI } from 'javascript-lp-solver';

// The package types describe a CommonJS default while Node loads its ESM build; accept both shapes.
const lp: SolverAPI = (lpImport as unknown as { default?: SolverAPI }).default ?? (lpImport as unknown as SolverAPI);

export interface PooledRoute {
  readonly route: number[];
  readonly cost: number;
}

/** The pool keeps the cheapest order found for each customer set; keys are the sorted customer lists. */
export class RoutePool {
  private readonly byKey = new Map<string, PooledRoute>();

  add(route: readonly number[], cost: number): void {
    const key = route.slice().sort((a, b) => a - b).join(',');
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
 * Solves min Σ cost·x over routes with every customer 1..n covered exactly once. Returns the chosen routes,
 * or null when the MIP finds nothing within `timeoutMs` (the pool must contain a full solution for that not to happen).
 */
export function recombine(pool: readonly PooledRoute[], n: number, timeoutMs: number): number[][] | null {
  const constraints: Record<string, { equal: number }> = {};
  for (let c = 1; c <= n; c++) constraints[`c${c}`] = { equal: 1 };
  const variables: Record<string, Record<string, number>> = {};
  const binaries: Record<string, 1> = {};
  pool.forEach((p, i) => {
    const v: Record<string, number> = { cost: p.cost };
    for (const c of p.route) v[`c${c}`] = 1;
    variables[`r${i}`] = v;
    binaries[`r${i}`] = 1;
  });
  const result = lp.Solve({ optimize: 'cost', opType: 'min', constraints, variables, binaries, options: { timeout: timeoutMs } }) as { feasible: boolean } & Record<string, unknown>;
  if (!result.feasible) return null;
  const chosen: number[][] = [];
  const covered = new Uint8Array(n + 1);
  for (let i = 0; i < pool.length; i++) {
    const x = result[`r${i}`];
    if (typeof x === 'number' && x > 0.5) {
      chosen.push(pool[i].route.slice());
      for (const c of pool[i].route) covered[c]++;
    }
  }
  for (let c = 1; c <= n; c++) if (covered[c] !== 1) return null;
  return chosen;
}
