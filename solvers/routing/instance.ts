// The routing instance the solver works on: a dense distance matrix over depot (node 0) and customers, with
// capacity, an optional route-length limit, optional time windows and a fleet of vehicle types (one type of unlimited
// count, no fixed cost and unit distance cost unless the instance says otherwise).

/** A kind of truck: how much it carries, how many there are, what using one costs and what it costs per unit distance. */
export interface VehicleType {
  readonly name: string;
  readonly capacity: number;
  /** How many vehicles of this type there are; Infinity when unlimited. */
  readonly count: number;
  /** Paid once per route driven by a vehicle of this type. */
  readonly fixedCost: number;
  /** Paid per unit of distance (the matrix's unit) driven by a vehicle of this type. */
  readonly unitDistanceCost: number;
}

/** Immutable problem data. Node 0 is the depot; customers are 1..n. */
export interface CvrpInstance {
  readonly name: string;
  /** Number of customers (the matrix has n + 1 rows). */
  readonly n: number;
  /** Row-major (n+1)×(n+1) travel costs; also the travel durations used by the route-length limit. */
  readonly dist: Float64Array;
  /** demand[i] for node i; demand[0] is 0. */
  readonly demand: Float64Array;
  /** The largest capacity of any vehicle type (the only one for a homogeneous fleet). */
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
  /** Most routes a solution may use (the sum of the types' counts); Infinity when the fleet is unlimited. */
  readonly maxVehicles: number;
  /** The fleet; every route is driven by a vehicle of one of these types. Never empty. */
  readonly vehicleTypes: readonly VehicleType[];
  /**
   * True when the fleet is more than one type, or its type has a fixed or non-unit distance cost: the objective is
   * then Σ (fixed cost + unit distance cost × distance) over the routes, and each route carries its type.
   */
  readonly mixedFleet: boolean;
}

export function makeInstance(fields: {
  name: string;
  n: number;
  dist: Float64Array;
  demand: ArrayLike<number>;
  /** Ignored when `vehicleTypes` is given (the largest type capacity is used). */
  capacity: number;
  maxDuration?: number;
  service?: ArrayLike<number>;
  readyTime?: ArrayLike<number>;
  dueTime?: ArrayLike<number>;
  /** Ignored when `vehicleTypes` is given (the sum of their counts is used). */
  maxVehicles?: number;
  vehicleTypes?: readonly VehicleType[];
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
  const vehicleTypes: VehicleType[] =
    fields.vehicleTypes && fields.vehicleTypes.length > 0
      ? fields.vehicleTypes.map((t) => ({ ...t }))
      : [
          {
            name: 'vehicle',
            capacity: fields.capacity,
            count: fields.maxVehicles ?? Infinity,
            fixedCost: 0,
            unitDistanceCost: 1,
          },
        ];
  const mixedFleet =
    vehicleTypes.length > 1 || vehicleTypes[0].fixedCost !== 0 || vehicleTypes[0].unitDistanceCost !== 1;
  return {
    name: fields.name,
    n: fields.n,
    dist: fields.dist,
    demand,
    capacity: Math.max(...vehicleTypes.map((t) => t.capacity)),
    maxDuration: fields.maxDuration ?? Infinity,
    service,
    readyTime,
    dueTime,
    hasTimeWindows,
    maxVehicles: vehicleTypes.reduce((sum, t) => sum + t.count, 0),
    vehicleTypes,
    mixedFleet,
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
