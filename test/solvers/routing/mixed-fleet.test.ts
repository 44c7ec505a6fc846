// Mixed fleets: vehicle types with their own capacity, count, fixed and per-distance cost, in the solver, the
// independent checker and the VRPLIB reader.
import { describe, expect, it } from 'vitest';
import {
  checkSolution,
  euclideanMatrix,
  makeInstance,
  parseSolomon,
  parseVrplib,
  solveCvrp,
  type CvrpInstance,
  type VehicleType,
} from '../../../solvers/routing/index.js';
import { randomVrplib } from './generate.js';
import { randomSolomon } from './generate-vrptw.js';

const now = (): number => performance.now();

/**
 * Two far clusters (about 100 from the depot) and two near ones (about 5), each with two customers of demand 5. Every
 * truck carries 10, so a cluster is a route. An electric truck costs 50 to use but half per distance: it pays on the
 * far clusters only. The cheapest plan drives the far clusters electric and the near ones diesel.
 */
function clusters(fleet: VehicleType[]): CvrpInstance {
  const xs = [0, 100, 100.5, -100, -100.5, 5, 5.5, -5, -5.5];
  const ys = [0, 0, 0.5, 0, 0.5, 0, 0.5, 0, 0.5];
  return makeInstance({
    name: 'clusters',
    n: 8,
    dist: euclideanMatrix(xs, ys, false),
    demand: [0, 5, 5, 5, 5, 5, 5, 5, 5],
    capacity: 10,
    vehicleTypes: fleet,
  });
}

const electric = (count: number): VehicleType => ({
  name: 'electric',
  capacity: 10,
  count,
  fixedCost: 50,
  unitDistanceCost: 0.5,
});
const diesel = (count: number): VehicleType => ({
  name: 'diesel',
  capacity: 10,
  count,
  fixedCost: 10,
  unitDistanceCost: 1,
});

const typeOfCustomer = (routes: number[][], types: number[], c: number): number =>
  types[routes.findIndex((r) => r.includes(c))];

describe('solveCvrp with a mixed fleet', () => {
  it('chooses the cheaper mix: electric trucks on the far clusters, diesel on the near ones', async () => {
    const inst = clusters([electric(4), diesel(4)]);
    const result = await solveCvrp(inst, { timeLimitMs: 5000, maxIterations: 3000, seed: 3, now });
    const check = checkSolution(inst, result.routes, result.vehicleTypes);
    expect(check.violations).toEqual([]);
    expect(check.cost).toBeCloseTo(result.cost, 6);
    const byHand = checkSolution(
      inst,
      [
        [1, 2],
        [3, 4],
        [5, 6],
        [7, 8],
      ],
      [0, 0, 1, 1],
    );
    expect(byHand.violations).toEqual([]);
    expect(result.cost).toBeLessThanOrEqual(byHand.cost + 1e-6);
    for (const far of [1, 2, 3, 4]) expect(typeOfCustomer(result.routes, result.vehicleTypes, far)).toBe(0);
    for (const near of [5, 6, 7, 8]) expect(typeOfCustomer(result.routes, result.vehicleTypes, near)).toBe(1);
  });

  it('never drives more trucks of a type than there are: with one electric truck the other far cluster goes diesel', async () => {
    const inst = clusters([electric(1), diesel(4)]);
    const result = await solveCvrp(inst, { timeLimitMs: 5000, maxIterations: 3000, seed: 5, now });
    const check = checkSolution(inst, result.routes, result.vehicleTypes);
    expect(check.violations).toEqual([]);
    expect(result.feasible).toBe(true);
    expect(result.vehicleTypes.filter((k) => k === 0)).toHaveLength(1);
  });

  it('a large truck of limited count takes what the small ones cannot, and the counts hold on random instances', async () => {
    for (const seed of [1, 2, 3]) {
      const base = parseVrplib(randomVrplib({ name: `mix-${seed}`, n: 40, seed, capacity: 100 })).instance;
      let demand = 0;
      for (let c = 1; c <= base.n; c++) demand += base.demand[c];
      const fleet: VehicleType[] = [
        { name: 'small', capacity: 60, count: Math.ceil(demand / 60 / 2), fixedCost: 100, unitDistanceCost: 1 },
        { name: 'large', capacity: 150, count: 20, fixedCost: 400, unitDistanceCost: 1.2 },
      ];
      const inst = makeInstance({ ...base, vehicleTypes: fleet });
      const result = await solveCvrp(inst, { timeLimitMs: 8000, maxIterations: 1500, seed, now });
      const check = checkSolution(inst, result.routes, result.vehicleTypes);
      expect(check.violations).toEqual([]);
      expect(result.feasible).toBe(true);
      expect(check.cost).toBeCloseTo(result.cost, 6);
      fleet.forEach((t, k) => expect(result.vehicleTypes.filter((x) => x === k).length).toBeLessThanOrEqual(t.count));
    }
  });

  it('keeps every time window and every type count together', async () => {
    for (const seed of [4, 6]) {
      const gen = randomSolomon({ name: `tw-mix-${seed}`, n: 30, seed, routes: 4, vehicles: 8, windowWidth: 300 });
      const base = parseSolomon(gen.text);
      const fleet: VehicleType[] = [
        { name: 'van', capacity: base.capacity / 2, count: 4, fixedCost: 200, unitDistanceCost: 0.8 },
        { name: 'truck', capacity: base.capacity, count: 4, fixedCost: 600, unitDistanceCost: 1 },
      ];
      const inst = makeInstance({ ...base, vehicleTypes: fleet });
      const result = await solveCvrp(inst, { timeLimitMs: 8000, maxIterations: 1500, seed, now });
      const check = checkSolution(inst, result.routes, result.vehicleTypes);
      expect(check.violations).toEqual([]);
      expect(result.feasible).toBe(true);
      expect(check.cost).toBeCloseTo(result.cost, 6);
    }
  });

  it('keeps one plain vehicle type as before: the cost is the distance', async () => {
    const inst = parseVrplib(randomVrplib({ name: 'plain', n: 20, seed: 9, capacity: 100 })).instance;
    expect(inst.mixedFleet).toBe(false);
    const result = await solveCvrp(inst, { timeLimitMs: 5000, maxIterations: 500, seed: 1, now });
    expect(result.cost).toBeCloseTo(result.distance, 9);
    expect(result.vehicleTypes.every((k) => k === 0)).toBe(true);
  });
});

describe('checkSolution with a mixed fleet', () => {
  const inst = clusters([electric(1), diesel(4)]);
  const routes = [
    [1, 2],
    [3, 4],
    [5, 6],
    [7, 8],
  ];

  it('rejects more routes of a type than its count', () => {
    const r = checkSolution(inst, routes, [0, 0, 1, 1]);
    expect(r.feasible).toBe(false);
    expect(r.violations).toContain('2 routes driven by electric, more than its 1 vehicles');
    expect(r.fleetViolations).toHaveLength(1);
  });

  it("rejects a route above its type's capacity even when another type could carry it", () => {
    const small = clusters([{ ...electric(4), capacity: 5 }, diesel(4)]);
    const r = checkSolution(small, routes, [0, 1, 1, 1]);
    expect(r.violations).toContain('route 0 carries 10, above capacity 5 of its vehicle type electric');
  });

  it('rejects routes without types on a fleet of several types, and unknown types', () => {
    expect(checkSolution(inst, routes).violations).toContain(
      'the fleet has several vehicle types but no route names its type',
    );
    expect(checkSolution(inst, routes, [0, 1, 1, 7]).violations).toContain(
      'route 3 names vehicle type 7, which is not a type 0..1',
    );
  });

  it('prices each route at its fixed cost plus its unit cost per distance', () => {
    const r = checkSolution(inst, routes, [0, 1, 1, 1]);
    expect(r.violations).toEqual([]);
    const d = (route: number[]): number => checkSolution(clusters([diesel(9)]), [route], [0]).distance;
    const expected = 50 + 0.5 * d(routes[0]) + 3 * 10 + d(routes[1]) + d(routes[2]) + d(routes[3]);
    expect(r.cost).toBeCloseTo(expected, 9);
  });
});

describe('parseVrplib vehicle types (PyVRP fields)', () => {
  const header = (extra: string[]): string =>
    [
      'NAME : fleet',
      'DIMENSION : 3',
      'EDGE_WEIGHT_TYPE : EUC_2D',
      ...extra,
      'NODE_COORD_SECTION',
      '1 0 0',
      '2 3 4',
      '3 6 8',
      'DEMAND_SECTION',
      '1 0',
      '2 4',
      '3 5',
      'DEPOT_SECTION',
      '1',
      '-1',
      'EOF',
    ].join('\n');

  it('groups vehicles with equal capacity and costs into types named by their indices', () => {
    const { instance } = parseVrplib(
      header([
        'VEHICLES : 3',
        'CAPACITY_SECTION',
        '1 10',
        '2 20',
        '3 10',
        'VEHICLES_FIXED_COST_SECTION',
        '1 5',
        '2 30',
        '3 5',
        'VEHICLES_UNIT_DISTANCE_COST : 2',
      ]),
    );
    expect(instance.mixedFleet).toBe(true);
    expect(instance.capacity).toBe(20);
    expect(instance.maxVehicles).toBe(3);
    expect(instance.vehicleTypes).toEqual([
      { name: '0,2', capacity: 10, count: 2, fixedCost: 5, unitDistanceCost: 2 },
      { name: '1', capacity: 20, count: 1, fixedCost: 30, unitDistanceCost: 2 },
    ]);
  });

  it('reads a uniform fixed cost from the header as one priced type', () => {
    const { instance } = parseVrplib(header(['CAPACITY : 10', 'VEHICLES : 2', 'VEHICLES_FIXED_COST : 7']));
    expect(instance.vehicleTypes).toEqual([
      { name: 'vehicle', capacity: 10, count: 2, fixedCost: 7, unitDistanceCost: 1 },
    ]);
    expect(instance.mixedFleet).toBe(true);
  });

  it('names the section and line of a bad per-vehicle row', () => {
    expect(() => parseVrplib(header(['VEHICLES : 2', 'CAPACITY_SECTION', '1 10']))).toThrow(/CAPACITY_SECTION/);
    expect(() => parseVrplib(header(['CAPACITY_SECTION', '1 10']))).toThrow(/needs VEHICLES/);
    expect(() => parseVrplib(header(['VEHICLES : 1', 'CAPACITY_SECTION', '1 0']))).toThrow(/must be positive/);
    expect(() => parseVrplib(header(['VEHICLES : 1']))).toThrow(/missing CAPACITY/);
  });
});
