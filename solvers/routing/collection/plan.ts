// Plans a contractor's collection day: selects bins, routes trips with the VRP solver (time windows, vehicle types),
// packs trips into truck shifts within the depot's opening hours, and lists every bin it leaves with the reason.
import { inputError, UrbanflowError } from '../../../src/errors.js';
import { makeInstance, type VehicleType } from '../instance.js';
import { solveCvrp } from '../solve.js';
import { checkCollectionPlan } from './check-collection-plan.js';
import { checkFleetRules, hasCosts, truckCost } from './fleet.js';
import { binLoad, simulateDay, type Nodes } from './schedule.js';
import { selectBins } from './select.js';
import { geoTravel, matrixTravel, type Travel } from './travel.js';
import type {
  CollectionTruck,
  CollectionBin,
  CollectionPlan,
  CollectionRequest,
  TruckPlan,
  UnassignedBin,
  UnassignedReason,
} from './types.js';

export interface PlanOptions {
  readonly timeLimitMs: number;
  readonly seed?: number;
  readonly now: () => number;
  readonly maxIterations?: number;
}

/** Travel time standing in for "no road": large enough that the solver never uses it when it has a choice. */
const NO_ROAD = 1e7;

export async function planCollection(req: CollectionRequest, opts: PlanOptions): Promise<CollectionPlan> {
  const fleet = checkFleetRules(req);
  if (req.disposalSites.length === 0)
    throw inputError('disposalSites: at least one disposal site is needed', { field: 'disposalSites' });
  fleet.forEach((t, i) => {
    if (!(t.capacityM3 > 0 && t.capacityKg > 0 && t.shiftMinutes > 0))
      throw inputError(`trucks[${i}] (${t.id}): capacities and shiftMinutes must be positive`, {
        field: `trucks[${i}]`,
      });
  });
  const hours = req.depot.openingHours;
  // The day starts at the shift start, or when the depot opens if that is later; trucks are back before it closes.
  const dayStart = Math.max(req.shiftStart, hours?.start ?? -Infinity);
  const closing = hours?.end ?? Infinity;
  const selection = selectBins(req.bins, req.optionalLevel ?? 0.5);
  const urgency = new Map<string, number>(selection.optional.map((o) => [o.bin.id, o.urgency]));
  const bins: CollectionBin[] = [...selection.must, ...selection.optional.map((o) => o.bin)];
  const isMust = (b: CollectionBin): boolean => !urgency.has(b.id);
  const S = req.disposalSites.length;
  const ids = [req.depot.id, ...req.disposalSites.map((s) => s.id), ...bins.map((b) => b.id)];
  const travel: Travel = req.matrix
    ? matrixTravel(req.matrix, ids)
    : geoTravel(
        [req.depot.location, ...req.disposalSites.map((s) => s.location), ...bins.map((b) => b.location)],
        req.detourFactor ?? 1.3,
        req.speedKmh ?? 25,
      );
  const size = travel.size;
  const tm = (a: number, b: number): number => travel.minutes[a * size + b];
  const binNode = (i: number): number => 1 + S + i;

  const unassigned: UnassignedBin[] = [];
  const drop = (i: number, reason: UnassignedReason, detail?: string): void => {
    unassigned.push({ bin: bins[i].id, mustCollect: isMust(bins[i]), reason, ...(detail ? { detail } : {}) });
  };
  const capM3 = Math.max(...fleet.map((t) => t.capacityM3));
  const capKg = Math.max(...fleet.map((t) => t.capacityKg));
  const maxShift = Math.max(...fleet.map((t) => Math.min(t.shiftMinutes, closing - dayStart)));

  // The disposal site closest on average to the bins serves every trip.
  let siteIdx = 0;
  let siteScore = Infinity;
  for (let s = 0; s < S; s++) {
    let score = 0;
    for (let i = 0; i < bins.length; i++) score += Math.min(tm(1 + s, binNode(i)) + tm(binNode(i), 1 + s), NO_ROAD);
    score += tm(0, 1 + s) + tm(1 + s, 0);
    if (score < siteScore) {
      siteScore = score;
      siteIdx = s;
    }
  }
  const site = req.disposalSites[siteIdx];
  const siteNode = 1 + siteIdx;
  const nodes: Nodes = { depot: req.depot, site, siteNode, bins, binNode, travel };
  const overhead = tm(0, siteNode) + tm(siteNode, 0) + site.unloadMinutes;

  const classes = truckClasses(fleet, capM3, capKg);
  const largestClass = Math.max(...classes.map((c) => c.capacity));
  const routable: number[] = [];
  bins.forEach((b, i) => {
    const load = binLoad(b);
    const k = binNode(i);
    const alone = tm(siteNode, k) + tm(k, siteNode) + b.serviceSeconds / 60;
    const earliest = dayStart + tm(0, k);
    // The trip solver's demand (see truckClasses) must fit a class, which implies a truck carries the bin.
    if (Math.max(load.m3 / capM3, load.kg / capKg) > largestClass + 1e-12) drop(i, 'exceeds truck capacity');
    else if (!Number.isFinite(tm(0, k)) || !Number.isFinite(tm(k, siteNode)) || !Number.isFinite(tm(siteNode, k)))
      drop(i, 'unreachable');
    else if (b.timeWindow && earliest > b.timeWindow.end)
      drop(
        i,
        'time window cannot be met',
        `the earliest arrival from the depot is ${clockOf(earliest)}, after the window ${clockOf(b.timeWindow.start)}-${clockOf(b.timeWindow.end)} closes`,
      );
    else if (alone + overhead > maxShift) drop(i, 'no truck time left');
    // A windowed bin is routed on a trip from the depot to the disposal site (see routeGroup), which must fit too.
    else if (b.timeWindow && tm(0, k) + tm(k, siteNode) + b.serviceSeconds / 60 > maxShift - overhead)
      drop(i, 'no truck time left');
    else routable.push(i);
  });
  if (!Number.isFinite(overhead))
    throw inputError(`disposal site ${site.id} cannot be reached from depot ${req.depot.id} and back`, {
      field: 'disposalSites',
    });

  // Bins with a time window are routed first, as time-windowed trips from the depot at the start of the day (each
  // the first trip of a truck); the other bins in trips from the disposal site, packed in around them.
  const windowed = routable.filter((i) => bins[i].timeWindow);
  const open = routable.filter((i) => !bins[i].timeWindow);
  const trips: number[][] = [];
  const groups: { group: number[]; timed: boolean }[] = [
    { group: windowed, timed: true },
    { group: open, timed: false },
  ];
  for (const { group, timed } of groups) {
    if (group.length === 0) continue;
    const share = (opts.timeLimitMs * group.length) / routable.length;
    const routed = await routeGroup(
      group,
      nodes,
      classes,
      {
        capM3,
        capKg,
        maxTrip: maxShift - overhead,
        ...(timed ? { dayStart, trucks: fleet } : {}),
      },
      { ...opts, timeLimitMs: share },
    );
    for (const trip of routed) trips.push(pruneOptional(trip, nodes, urgency, req.optionalValueMinutes ?? 10, drop));
  }

  const costed = hasCosts(fleet);
  const truckTrips = packTrips(
    trips.filter((t) => t.length > 0),
    nodes,
    fleet,
    { dayStart, closing, costed },
    (i) => isMust(bins[i]),
    (i) => drop(i, 'no truck time left'),
  );
  const plans: TruckPlan[] = [];
  let totalKm = 0;
  let totalCost = 0;
  fleet.forEach((truck, ti) => {
    let tripsOf = truckTrips[ti];
    if (tripsOf.length === 0) return;
    let day = simulateDay(nodes, truck, tripsOf, dayStart);
    while (day.late.length > 0) {
      const late = new Set(day.late);
      for (const i of late) {
        const stop = day.stops.find((s) => s.kind === 'bin' && s.id === bins[i].id)!;
        const w = bins[i].timeWindow!;
        drop(
          i,
          'time window cannot be met',
          `the truck ${truck.id} would arrive at ${clockOf(stop.arrival)}, after the window ${clockOf(w.start)}-${clockOf(w.end)} closes`,
        );
      }
      tripsOf = tripsOf.map((t) => t.filter((i) => !late.has(i))).filter((t) => t.length > 0);
      day = simulateDay(nodes, truck, tripsOf, dayStart);
    }
    if (tripsOf.length === 0) return;
    const cost = truckCost(truck, day.distanceKm);
    totalKm += day.distanceKm;
    totalCost += cost;
    plans.push({
      truck: truck.id,
      ...(truck.vehicleType !== undefined ? { vehicleType: truck.vehicleType } : {}),
      cost,
      stops: day.stops,
      trips: tripsOf.length,
      distanceKm: day.distanceKm,
      durationMinutes: day.durationMinutes,
    });
  });
  const plan: CollectionPlan = {
    trucks: plans,
    unassigned,
    mustCollect: selection.must.map((b) => b.id),
    optional: selection.optional.map((o) => o.bin.id),
    distanceKm: totalKm,
    cost: totalCost,
  };
  // The plan leaves only after the independent checker accepts it: a rejected plan is a bug, never an answer.
  const violations = checkCollectionPlan(req, plan);
  if (violations.length > 0) {
    throw new UrbanflowError(
      'UF_ERR_INTERNAL',
      `the collection plan failed its independent check: ${violations.slice(0, 3).join('; ')}`,
      { violations },
    );
  }
  return plan;
}

/** "HH:MM" of minutes after midnight, for the reasons given to dispatchers. */
function clockOf(minutes: number): string {
  const m = Math.round(minutes);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/**
 * Trucks grouped by what a trip can carry and what it costs per km: one vehicle type of the trip solver each. A bin's
 * demand is the larger of its volume and weight shares of the largest truck, so a trip within a class's capacity
 * fits every truck of that class in both volume and weight.
 */
interface TruckClass {
  readonly capacity: number;
  readonly costPerKm: number;
  readonly trucks: number;
}

function truckClasses(fleet: readonly CollectionTruck[], capM3: number, capKg: number): TruckClass[] {
  const byKey = new Map<string, { capacity: number; costPerKm: number; trucks: number }>();
  for (const t of fleet) {
    const capacity = Math.min(t.capacityM3 / capM3, t.capacityKg / capKg);
    const costPerKm = t.costPerKm ?? 1;
    const key = `${capacity}|${costPerKm}`;
    const had = byKey.get(key);
    if (had) had.trucks++;
    else byKey.set(key, { capacity, costPerKm, trucks: 1 });
  }
  return [...byKey.values()];
}

/**
 * Solves the trips of one group. Open bins: a CVRP from the disposal site and back. Windowed bins (`dayStart` set): a
 * VRPTW whose trips leave the depot at the start of the day and end at the disposal site, one per truck at most.
 * With trucks of several classes each class is a vehicle type, priced by its cost per km relative to the cheapest.
 */
async function routeGroup(
  group: number[],
  nodes: Nodes,
  classes: readonly TruckClass[],
  limits: { capM3: number; capKg: number; maxTrip: number; dayStart?: number; trucks?: readonly CollectionTruck[] },
  opts: PlanOptions,
): Promise<number[][]> {
  const size = nodes.travel.size;
  const n = group.length;
  const side = n + 1;
  const timed = limits.dayStart !== undefined;
  const node = (k: number): number => (k === 0 ? nodes.siteNode : nodes.binNode(group[k - 1]));
  const dist = new Float64Array(side * side);
  for (let a = 0; a < side; a++) {
    for (let b = 0; b < side; b++) {
      // A windowed trip starts at the depot: node 0 is the depot going out and the disposal site coming back.
      const from = timed && a === 0 ? 0 : node(a);
      const v = nodes.travel.minutes[from * size + node(b)];
      dist[a * side + b] = a === b ? 0 : Number.isFinite(v) ? v : NO_ROAD;
    }
  }
  const demand = [
    0,
    ...group.map((i) => {
      const load = binLoad(nodes.bins[i]);
      return Math.max(load.m3 / limits.capM3, load.kg / limits.capKg);
    }),
  ];
  const service = [0, ...group.map((i) => nodes.bins[i].serviceSeconds / 60)];
  const cheapest = Math.min(...classes.map((c) => c.costPerKm));
  const vehicleTypes: VehicleType[] | undefined =
    classes.length > 1
      ? classes.map((c, k) => ({
          name: `class-${k}`,
          capacity: c.capacity,
          count: timed ? c.trucks : Infinity,
          fixedCost: 0,
          unitDistanceCost: cheapest > 0 ? c.costPerKm / cheapest : 1,
        }))
      : undefined;
  const capacity = Math.min(...classes.map((c) => c.capacity));
  const inst = makeInstance({
    name: 'collection',
    n,
    dist,
    demand,
    capacity: classes.length > 1 ? capacity : classes[0].capacity,
    maxDuration: limits.maxTrip,
    service,
    ...(timed
      ? {
          readyTime: [limits.dayStart!, ...group.map((i) => nodes.bins[i].timeWindow!.start)],
          dueTime: [Infinity, ...group.map((i) => nodes.bins[i].timeWindow!.end)],
          maxVehicles: limits.trucks!.length,
        }
      : {}),
    ...(vehicleTypes ? { vehicleTypes } : {}),
  });
  const result = await solveCvrp(inst, opts);
  return result.routes.map((r) => r.map((k) => group[k - 1]));
}

/** Drops optional bins whose detour costs more minutes than their urgency is worth. */
function pruneOptional(
  trip: number[],
  nodes: Nodes,
  urgency: Map<string, number>,
  valueMinutes: number,
  drop: (i: number, reason: UnassignedReason, detail?: string) => void,
): number[] {
  const size = nodes.travel.size;
  const tm = (a: number, b: number): number => nodes.travel.minutes[a * size + b];
  const kept = trip.slice();
  for (let p = kept.length - 1; p >= 0; p--) {
    const bin = nodes.bins[kept[p]];
    const u = urgency.get(bin.id);
    if (u === undefined) continue;
    const prev = p > 0 ? nodes.binNode(kept[p - 1]) : nodes.siteNode;
    const next = p + 1 < kept.length ? nodes.binNode(kept[p + 1]) : nodes.siteNode;
    const here = nodes.binNode(kept[p]);
    const saving = tm(prev, here) + tm(here, next) - tm(prev, next) + bin.serviceSeconds / 60;
    if (saving > u * valueMinutes) {
      drop(kept[p], 'optional bin not worth the detour');
      kept.splice(p, 1);
    }
  }
  return kept;
}

/**
 * Assigns trips to trucks, windowed trips first, each to the truck and the place in its day (before, between or
 * after its other trips) that keeps every window, the shift and the depot's hours: the cheapest in added cost when
 * the trucks have costs, else the one finishing earliest. A trip that fits nowhere is retried with its must-collect
 * bins only. A trip goes only on a truck that carries its volume and weight.
 */
function packTrips(
  trips: number[][],
  nodes: Nodes,
  fleet: readonly CollectionTruck[],
  day: { dayStart: number; closing: number; costed: boolean },
  must: (i: number) => boolean,
  unplaced: (i: number) => void,
): number[][][] {
  const out: number[][][] = fleet.map(() => []);
  const kmOf = fleet.map(() => 0);
  const windowEnd = (t: number[]): number => Math.min(...t.map((i) => nodes.bins[i].timeWindow?.end ?? Infinity));
  const order = trips
    .map((t) => ({ t, end: windowEnd(t), demand: t.length }))
    .sort((a, b) => a.end - b.end || b.demand - a.demand);
  const place = (t: number[]): boolean => {
    const { m3, kg } = tripLoad(nodes, t);
    let best: { ti: number; at: number; km: number } | null = null;
    let bestScore = Infinity;
    fleet.forEach((truck, ti) => {
      if (m3 > truck.capacityM3 + 1e-9 || kg > truck.capacityKg + 1e-6) return;
      for (let at = 0; at <= out[ti].length; at++) {
        const trial = [...out[ti].slice(0, at), t, ...out[ti].slice(at)];
        const sim = simulateDay(nodes, truck, trial, day.dayStart);
        if (sim.durationMinutes > truck.shiftMinutes || day.dayStart + sim.durationMinutes > day.closing) continue;
        const added = day.costed
          ? truckCost(truck, sim.distanceKm) - (out[ti].length > 0 ? truckCost(truck, kmOf[ti]) : 0)
          : sim.durationMinutes;
        const score = added + 1e9 * sim.late.length;
        if (score < bestScore - 1e-9) {
          bestScore = score;
          best = { ti, at, km: sim.distanceKm };
        }
      }
    });
    if (!best) return false;
    const { ti, at, km } = best;
    out[ti].splice(at, 0, t);
    kmOf[ti] = km;
    return true;
  };
  for (const { t } of order) {
    if (place(t)) continue;
    const core = t.filter(must);
    const placed = core.length > 0 && core.length < t.length && place(core);
    for (const i of t) if (!placed || !must(i)) unplaced(i);
  }
  if (day.costed) exchangeDays(out, nodes, fleet, day);
  return out;
}

/**
 * Trips were placed one at a time, so a day may sit on a dearer truck than it needs (a diesel truck driving what an
 * electric one of higher fixed but lower per-km cost would do cheaper). Exchanges whole days between two trucks of
 * different kinds while that lowers the cost and keeps capacities, shifts, the depot's hours and every window.
 */
function exchangeDays(
  out: number[][][],
  nodes: Nodes,
  fleet: readonly CollectionTruck[],
  day: { dayStart: number; closing: number },
): void {
  const kindOf = fleet.map((t) => `${t.capacityM3}|${t.capacityKg}|${t.shiftMinutes}|${t.fixedCost}|${t.costPerKm}`);
  const costOf = (ti: number, trips: number[][]): number => {
    if (trips.length === 0) return 0;
    const truck = fleet[ti];
    for (const t of trips) {
      const { m3, kg } = tripLoad(nodes, t);
      if (m3 > truck.capacityM3 + 1e-9 || kg > truck.capacityKg + 1e-6) return Infinity;
    }
    const sim = simulateDay(nodes, truck, trips, day.dayStart);
    if (
      sim.late.length > 0 ||
      sim.durationMinutes > truck.shiftMinutes ||
      day.dayStart + sim.durationMinutes > day.closing
    )
      return Infinity;
    return truckCost(truck, sim.distanceKm);
  };
  for (let pass = 0, improved = true; improved && pass < 5; pass++) {
    improved = false;
    for (let a = 0; a < fleet.length; a++) {
      if (out[a].length === 0) continue;
      const tried = new Set<string>();
      for (let b = 0; b < fleet.length; b++) {
        if (kindOf[a] === kindOf[b]) continue;
        // Idle trucks of one kind are alike: trying one of them is enough.
        if (out[b].length === 0) {
          if (tried.has(kindOf[b])) continue;
          tried.add(kindOf[b]);
        }
        const before = costOf(a, out[a]) + costOf(b, out[b]);
        const after = costOf(a, out[b]) + costOf(b, out[a]);
        if (after < before - 1e-9) {
          [out[a], out[b]] = [out[b], out[a]];
          improved = true;
          if (out[a].length === 0) break;
        }
      }
    }
  }
}

/** The volume and weight a trip's bins load onto the truck. */
function tripLoad(nodes: Nodes, trip: readonly number[]): { m3: number; kg: number } {
  let m3 = 0;
  let kg = 0;
  for (const i of trip) {
    const load = binLoad(nodes.bins[i]);
    m3 += load.m3;
    kg += load.kg;
  }
  return { m3, kg };
}
