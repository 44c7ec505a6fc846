// Adapters from the city file's intersections and corridors (src/city schema) to planner inputs, given lane-group demand.
import type { Corridor, Intersection, Location } from '../../src/city/index.js';
import { inputError } from '../../src/errors.js';
import type { CorridorInput } from './corridor-types.js';
import { opposite } from './geometry.js';
import type { IntersectionInput, LaneGroupInput, Leg, PhaseInput, Turn } from './types.js';

/** Demand of a lane group in veh/h: a total, or per turn. */
export type LaneGroupDemand = number | Partial<Record<Turn, number>>;
/** Demand per lane group id. */
export type IntersectionDemand = Record<string, LaneGroupDemand>;

/** Share of a shared lane group's total demand given to each turning movement when only the total is known. */
export const SHARED_TURN_SHARE = 0.1;

const TURN_OF = { left: 'L', through: 'T', right: 'R' } as const;
const LEG_DIRECTIONS = new Set(['N', 'E', 'S', 'W']);

export function intersectionFromCity(x: Intersection, demand: IntersectionDemand): IntersectionInput {
  const at = `intersection ${x.id}`;
  const legOf = new Map<string, Leg>();
  for (const a of x.approaches) {
    if (!LEG_DIRECTIONS.has(a.direction))
      throw inputError(`${at}: approach ${a.id} faces ${a.direction}; the signal planner handles N, E, S, W legs only`);
    legOf.set(a.id, a.direction as Leg);
  }
  const laneGroups: LaneGroupInput[] = x.approaches.flatMap((a) =>
    a.laneGroups.map((g) => {
      const turns = (['left', 'through', 'right'] as const)
        .filter((m) => g.movements.includes(m))
        .map((m) => TURN_OF[m]);
      const d = demand[g.id];
      if (d === undefined) throw inputError(`${at}: no demand given for lane group ${g.id}`, { laneGroup: g.id });
      return {
        id: g.id,
        from: legOf.get(a.id)!,
        movements: turns.join(''),
        lanes: g.lanes,
        volume: typeof d === 'number' ? splitTotal(d, turns) : d,
        ...(g.saturationFlowPerLane !== undefined ? { baseSaturationFlowPerLane: g.saturationFlowPerLane } : {}),
        ...(g.laneWidthM !== undefined ? { laneWidthM: g.laneWidthM } : {}),
        ...(g.heavyVehiclePct !== undefined ? { heavyVehiclePercent: g.heavyVehiclePct } : {}),
      };
    }),
  );
  const phases: PhaseInput[] = x.phases.map((p) => ({
    id: p.id,
    laneGroups: p.laneGroups,
    minGreen: p.minGreenS,
    ...(p.pedestrian
      ? {
          pedestrians: p.pedestrian.crosswalks.map((c) => {
            const leg = legOf.get(c);
            if (!leg) throw inputError(`${at}: phase ${p.id} serves crosswalk ${c}, which is not an approach`);
            return leg;
          }),
          walk: p.pedestrian.walkS,
          walkingSpeedMps: p.pedestrian.walkingSpeedMps,
        }
      : {}),
  }));
  const rings = x.controller === 'nema' ? nemaRings(x, at) : undefined;
  markPermittedLefts(laneGroups, phases, rings);
  return {
    id: x.id,
    cycle: { min: x.cycleMinS, max: x.cycleMaxS },
    approaches: x.approaches.map((a) => ({
      leg: legOf.get(a.id)!,
      speedKmh: a.speedLimitKmh,
      gradePercent: a.gradePct,
      clearingWidthM: a.intersectionWidthM,
      ...(a.crossingWidthM > 0 ? { crosswalkM: a.crossingWidthM } : {}),
    })),
    laneGroups,
    phasing: rings ? { type: 'nema', phases, rings } : { type: 'stage', stages: phases },
  };
}

/** A corridor of the city file, its arterial lane groups found from where each neighbouring signal lies. */
export function corridorFromCity(
  c: Corridor,
  intersections: Intersection[],
  demand: Record<string, IntersectionDemand>,
): CorridorInput {
  const at = `corridor ${c.id}`;
  const chain = c.intersections.map((id) => {
    const x = intersections.find((i) => i.id === id);
    if (!x) throw inputError(`${at}: intersection ${id} is not in the city`);
    return x;
  });
  const n = chain.length;
  const signals = chain.map((x, i) => {
    const back =
      i > 0 ? legToward(x.location, chain[i - 1].location) : opposite(legToward(x.location, chain[1].location));
    const ahead =
      i < n - 1 ? legToward(x.location, chain[i + 1].location) : opposite(legToward(x.location, chain[n - 2].location));
    return {
      intersection: intersectionFromCity(x, demand[x.id] ?? {}),
      outboundLaneGroup: throughGroup(x, back, at),
      inboundLaneGroup: throughGroup(x, ahead, at),
    };
  });
  return {
    id: c.id,
    signals,
    links: c.linkTravelTimesS.map((t, i) => ({ travelTimeS: t, inboundTravelTimeS: c.linkTravelTimesBackS?.[i] ?? t })),
  };
}

function splitTotal(total: number, turns: Turn[]): Partial<Record<Turn, number>> {
  if (turns.length === 1) return { [turns[0]]: total };
  if (!turns.includes('T')) return Object.fromEntries(turns.map((t) => [t, total / turns.length]));
  const turning = turns.filter((t) => t !== 'T');
  const out: Partial<Record<Turn, number>> = { T: total * (1 - SHARED_TURN_SHARE * turning.length) };
  for (const t of turning) out[t] = total * SHARED_TURN_SHARE;
  return out;
}

/** Rings from the phases' ring and barrier numbers; within a ring and barrier, lower NEMA numbers lead. */
function nemaRings(x: Intersection, at: string): string[][][] {
  const rings = Math.max(...x.phases.map((p) => p.ring ?? 0));
  const barriers = Math.max(...x.phases.map((p) => p.barrier ?? 0));
  const missing = x.phases.find((p) => p.ring === undefined || p.barrier === undefined || p.nema === undefined);
  if (missing) throw inputError(`${at}: NEMA phase ${missing.id} needs nema, ring and barrier`);
  return Array.from({ length: rings }, (_, r) =>
    Array.from({ length: barriers }, (_, b) =>
      x.phases
        .filter((p) => p.ring === r + 1 && p.barrier === b + 1)
        .sort((p, q) => p.nema! - q.nema!)
        .map((p) => p.id),
    ),
  );
}

/**
 * The city file has no protected/permitted flag: a left runs permitted exactly when its phase, or a phase
 * running beside it in the same barrier, also serves the opposing through or right.
 */
function markPermittedLefts(groups: LaneGroupInput[], phases: PhaseInput[], rings: string[][][] | undefined): void {
  const together = (p: PhaseInput, q: PhaseInput): boolean => {
    if (p === q) return true;
    if (!rings) return false;
    return rings.some((r1, i) =>
      rings.some((r2, j) => i !== j && r1.some((b, k) => b.includes(p.id) && r2[k].includes(q.id))),
    );
  };
  for (const g of groups) {
    if (!g.movements.includes('L')) continue;
    const opposing = groups.filter((o) => o.from === opposite(g.from) && /[TR]/.test(o.movements)).map((o) => o.id);
    const mine = phases.filter((p) => p.laneGroups.includes(g.id));
    const theirs = phases.filter((p) => p.laneGroups.some((id) => opposing.includes(id)));
    if (mine.some((p) => theirs.some((q) => together(p, q)))) g.leftTurn = 'permitted';
  }
}

function legToward(from: Location, to: Location): Leg {
  const north = to.lat - from.lat;
  const east = (to.lon - from.lon) * Math.cos((from.lat * Math.PI) / 180);
  if (Math.abs(east) > Math.abs(north)) return east > 0 ? 'E' : 'W';
  return north > 0 ? 'N' : 'S';
}

/** The through lane group on the approach from `leg`: the one with most lanes, through-only first. */
function throughGroup(x: Intersection, leg: Leg, at: string): string {
  const approach = x.approaches.find((a) => a.direction === leg);
  const groups = (approach?.laneGroups ?? []).filter((g) => g.movements.includes('through'));
  if (groups.length === 0)
    throw inputError(`${at}: intersection ${x.id} has no through lane group arriving from ${leg}`);
  groups.sort((a, b) => b.lanes - a.lanes || a.movements.length - b.movements.length);
  return groups[0].id;
}
