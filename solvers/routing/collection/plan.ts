// Plans a contractor's collection day: selects bins, routes trips with the CVRP solver, packs trips into truck shifts.
import { inputError, UrbanflowError } from '../../../src/errors.js';
import { makeInstance } from '../instance.js';
import { solveCvrp } from '../solve.js';
import { checkCollectionPlan } from './check-collection-plan.js';
import { binLoad, simulateDay, type Nodes } from './schedule.js';
import { selectBins } from './select.js';
import { geoTravel, matrixTravel, type Travel } from './travel.js';
import type {
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
  if (req.trucks.length === 0)
    throw inputError('trucks: at least one truck is needed to plan collection', { field: 'trucks' });
  if (req.disposalSites.length === 0)
    throw inputError('disposalSites: at least one disposal site is needed', { field: 'disposalSites' });
  req.trucks.forEach((t, i) => {
    if (!(t.capacityM3 > 0 && t.capacityKg > 0 && t.shiftMinutes > 0))
      throw inputError(`trucks[${i}] (${t.id}): capacities and shiftMinutes must be positive`, {
        field: `trucks[${i}]`,
      });
  });
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
  const drop = (i: number, reason: UnassignedReason): void => {
    unassigned.push({ bin: bins[i].id, mustCollect: isMust(bins[i]), reason });
  };
  const capM3 = Math.min(...req.trucks.map((t) => t.capacityM3));
  const capKg = Math.min(...req.trucks.map((t) => t.capacityKg));
  const maxShift = Math.max(...req.trucks.map((t) => t.shiftMinutes));

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

  const routable: number[] = [];
  bins.forEach((b, i) => {
    const load = binLoad(b);
    const k = binNode(i);
    const alone = tm(siteNode, k) + tm(k, siteNode) + b.serviceSeconds / 60;
    if (load.m3 > capM3 || load.kg > capKg) drop(i, 'exceeds truck capacity');
    else if (!Number.isFinite(tm(0, k)) || !Number.isFinite(tm(k, siteNode)) || !Number.isFinite(tm(siteNode, k)))
      drop(i, 'unreachable');
    else if (b.timeWindow && req.shiftStart + tm(0, k) > b.timeWindow.end) drop(i, 'time window cannot be met');
    else if (alone + overhead > maxShift) drop(i, 'no truck time left');
    else routable.push(i);
  });
  if (!Number.isFinite(overhead))
    throw inputError(`disposal site ${site.id} cannot be reached from depot ${req.depot.id} and back`, {
      field: 'disposalSites',
    });

  // Bins with a time window get their own trips, driven first in the day.
  const windowed = routable.filter((i) => bins[i].timeWindow);
  const open = routable.filter((i) => !bins[i].timeWindow);
  const groups = [windowed, open].filter((g) => g.length > 0);
  const trips: number[][] = [];
  for (const group of groups) {
    const share = (opts.timeLimitMs * group.length) / routable.length;
    for (const trip of await routeGroup(
      group,
      nodes,
      { capM3, capKg, maxTrip: maxShift - overhead },
      { ...opts, timeLimitMs: share },
    )) {
      trips.push(pruneOptional(trip, nodes, urgency, req.optionalValueMinutes ?? 10, drop));
    }
  }

  const truckTrips = packTrips(
    trips.filter((t) => t.length > 0),
    nodes,
    req,
    (i) => isMust(bins[i]),
    (i) => drop(i, 'no truck time left'),
  );
  const plans: TruckPlan[] = [];
  let totalKm = 0;
  req.trucks.forEach((truck, ti) => {
    let tripsOf = truckTrips[ti];
    if (tripsOf.length === 0) return;
    let day = simulateDay(nodes, truck, tripsOf, req.shiftStart);
    while (day.late.length > 0) {
      const late = new Set(day.late);
      for (const i of late) drop(i, 'time window cannot be met');
      tripsOf = tripsOf.map((t) => t.filter((i) => !late.has(i))).filter((t) => t.length > 0);
      day = simulateDay(nodes, truck, tripsOf, req.shiftStart);
    }
    if (tripsOf.length === 0) return;
    totalKm += day.distanceKm;
    plans.push({
      truck: truck.id,
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

/** Solves the trips of one group as a CVRP from the disposal site; demand is the larger of the volume and weight shares. */
async function routeGroup(
  group: number[],
  nodes: Nodes,
  limits: { capM3: number; capKg: number; maxTrip: number },
  opts: PlanOptions,
): Promise<number[][]> {
  const size = nodes.travel.size;
  const n = group.length;
  const side = n + 1;
  const node = (k: number): number => (k === 0 ? nodes.siteNode : nodes.binNode(group[k - 1]));
  const dist = new Float64Array(side * side);
  for (let a = 0; a < side; a++) {
    for (let b = 0; b < side; b++) {
      const v = nodes.travel.minutes[node(a) * size + node(b)];
      dist[a * side + b] = Number.isFinite(v) ? v : NO_ROAD;
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
  const inst = makeInstance({ name: 'collection', n, dist, demand, capacity: 1, maxDuration: limits.maxTrip, service });
  const result = await solveCvrp(inst, opts);
  return result.routes.map((r) => r.map((k) => group[k - 1]));
}

/** Drops optional bins whose detour costs more minutes than their urgency is worth. */
function pruneOptional(
  trip: number[],
  nodes: Nodes,
  urgency: Map<string, number>,
  valueMinutes: number,
  drop: (i: number, reason: UnassignedReason) => void,
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
 * Assigns trips to trucks, windowed trips first, each to the truck that finishes earliest while within its shift;
 * a trip that fits nowhere is retried with its must-collect bins only.
 */
function packTrips(
  trips: number[][],
  nodes: Nodes,
  req: CollectionRequest,
  must: (i: number) => boolean,
  unplaced: (i: number) => void,
): number[][][] {
  const out: number[][][] = req.trucks.map(() => []);
  const windowEnd = (t: number[]): number => Math.min(...t.map((i) => nodes.bins[i].timeWindow?.end ?? Infinity));
  const order = trips
    .map((t) => ({ t, end: windowEnd(t), demand: t.length }))
    .sort((a, b) => a.end - b.end || b.demand - a.demand);
  const place = (t: number[]): boolean => {
    let best = -1;
    let bestEnd = Infinity;
    req.trucks.forEach((truck, ti) => {
      const day = simulateDay(nodes, truck, [...out[ti], t], req.shiftStart);
      if (day.durationMinutes > truck.shiftMinutes) return;
      const score = day.durationMinutes + 1e4 * day.late.length;
      if (score < bestEnd) {
        bestEnd = score;
        best = ti;
      }
    });
    if (best >= 0) out[best].push(t);
    return best >= 0;
  };
  for (const { t } of order) {
    if (place(t)) continue;
    const core = t.filter(must);
    const placed = core.length > 0 && core.length < t.length && place(core);
    for (const i of t) if (!placed || !must(i)) unplaced(i);
  }
  return out;
}
