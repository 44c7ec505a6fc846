// The capacitated routing instance the solver works on: a dense distance matrix over depot (node 0) and customers.

/** Immutable problem data. Node 0 is the depot; customers are 1..n. */
export interface CvrpInstance {
  readonly name: string;
  /** Number of customers (the matrix has n + 1 rows). */
  readonly n: number;
  /** Row-major (n+1)×(n+1) travel costs; also the travel durations used by the route-length limit. */
  readonly dist: Float64Array;
  /** demand[i] for node i; demand[0] is 0. */
  readonly demand: Float64Array;
  readonly capacity: number;
  /** Maximum route duration (travel plus service); Infinity when unlimited. */
  readonly maxDuration: number;
  /** Service duration per node; service[0] is 0. */
  readonly service: Float64Array;
}

/** A solution as routes of customer node ids (1..n), depot left out. */
export interface CvrpSolution {
  readonly routes: number[][];
  readonly cost: number;
}

export function makeInstance(fields: {
  name: string;
  n: number;
  dist: Float64Array;
  demand: ArrayLike<number>;
  capacity: number;
  maxDuration?: number;
  service?: ArrayLike<number>;
}): CvrpInstance {
  const size = fields.n + 1;
  const demand = Float64Array.from(fields.demand);
  demand[0] = 0;
  const service = fields.service ? Float64Array.from(fields.service) : new Float64Array(size);
  service[0] = 0;
  return {
    name: fields.name,
    n: fields.n,
    dist: fields.dist,
    demand,
    capacity: fields.capacity,
    maxDuration: fields.maxDuration ?? Infinity,
    service,
  };
}

/** Euclidean matrix from coordinates; `round` applies TSPLIB nint to every edge. */
export function euclideanMatrix(xs: ArrayLike<number>, ys: ArrayLike<number>, round: boolean): Float64Array {
  const size = xs.length;
  const dist = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = i + 1; j < size; j++) {
      const dx = xs[i] - xs[j];
      const dy = ys[i] - ys[j];
      const d = Math.sqrt(dx * dx + dy * dy);
      const v = round ? Math.floor(d + 0.5) : d;
      dist[i * size + j] = v;
      dist[j * size + i] = v;
    }
  }
  return dist;
}

export function routeCost(inst: CvrpInstance, route: readonly number[]): number {
  const size = inst.n + 1;
  let prev = 0;
  let cost = 0;
  for (const c of route) {
    cost += inst.dist[prev * size + c];
    prev = c;
  }
  return cost + inst.dist[prev * size];
}

export function solutionCost(inst: CvrpInstance, routes: readonly (readonly number[])[]): number {
  let cost = 0;
  for (const r of routes) cost += routeCost(inst, r);
  return cost;
}
