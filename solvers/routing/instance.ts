// The routing instance the solver works on: a dense distance matrix over depot (node 0) and customers, with
// capacity, an optional route-length limit, optional time windows and an optional limit on the number of vehicles.

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
  /** Earliest start of service per node (node 0: the depot opens); 0 when there are no windows. */
  readonly readyTime: Float64Array;
  /** Latest start of service per node (node 0: the latest return to the depot); Infinity when unlimited. */
  readonly dueTime: Float64Array;
  /** True when some window is binding, so the search tracks arrival times. */
  readonly hasTimeWindows: boolean;
  /** Most routes a solution may use; Infinity when the fleet is unlimited. */
  readonly maxVehicles: number;
}

export function makeInstance(fields: {
  name: string;
  n: number;
  dist: Float64Array;
  demand: ArrayLike<number>;
  capacity: number;
  maxDuration?: number;
  service?: ArrayLike<number>;
  readyTime?: ArrayLike<number>;
  dueTime?: ArrayLike<number>;
  maxVehicles?: number;
}): CvrpInstance {
  const size = fields.n + 1;
  const demand = Float64Array.from(fields.demand);
  demand[0] = 0;
  const service = fields.service ? Float64Array.from(fields.service) : new Float64Array(size);
  service[0] = 0;
  const readyTime = fields.readyTime ? Float64Array.from(fields.readyTime) : new Float64Array(size);
  const dueTime = fields.dueTime ? Float64Array.from(fields.dueTime) : new Float64Array(size).fill(Infinity);
  let hasTimeWindows = false;
  for (let i = 0; i < size; i++) if (readyTime[i] > readyTime[0] || dueTime[i] < Infinity) hasTimeWindows = true;
  return {
    name: fields.name,
    n: fields.n,
    dist: fields.dist,
    demand,
    capacity: fields.capacity,
    maxDuration: fields.maxDuration ?? Infinity,
    service,
    readyTime,
    dueTime,
    hasTimeWindows,
    maxVehicles: fields.maxVehicles ?? Infinity,
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
