// The timing model: lane groups with flow ratios, phases with their clearances and minimum splits, rings and barriers.
import { inputError } from '../../src/errors.js';
import { movementsConflict, opposite, type Movement } from './geometry.js';
import { pedestrianClearance, redClearance, yellowChange } from './clearance.js';
import { saturationFlow } from './saturation.js';
import type { IntersectionInput, LaneGroupInput, PhaseInput, PlannerOptions, Turn } from './types.js';
import { validateIntersection } from './validate.js';

export const DEFAULT_MIN_GREEN = 5;
export const DEFAULT_CYCLE_MIN = 40;
export const DEFAULT_CYCLE_MAX = 150;
/** NEMA dual-ring default: ring 1 serves 1,2 | 3,4 and ring 2 serves 5,6 | 7,8 around two barriers. */
const NEMA_RINGS = [
  [
    ['1', '2'],
    ['3', '4'],
  ],
  [
    ['5', '6'],
    ['7', '8'],
  ],
];

export interface ModelLaneGroup {
  id: string;
  flowRate: number;
  saturationFlow: number;
  flowRatio: number;
  phases: number[];
}

export interface ModelPhase {
  id: string;
  ring: number;
  barrier: number;
  laneGroups: number[];
  minimumGreen: number;
  walk: number;
  pedestrianClear: number;
  yellowChange: number;
  redClear: number;
  /** HCM lost time l1 + Y + AR - e. */
  lostTime: number;
  /** Smallest whole-second split holding the minimum (or pedestrian) green plus yellow and red clearance. */
  minSplit: number;
}

export interface TimingModel {
  id: string;
  laneGroups: ModelLaneGroup[];
  phases: ModelPhase[];
  /** rings[r][b] = phase indices of ring r in barrier b, in service order (possibly empty). */
  rings: number[][][];
  cycleMin: number;
  cycleMax: number;
}

export function buildModel(input: IntersectionInput, opts: PlannerOptions): TimingModel {
  validateIntersection(input);
  const at = `intersection ${input.id}`;
  const phasesIn: PhaseInput[] = input.phasing.type === 'stage' ? input.phasing.stages : input.phasing.phases;
  const rings = ringLayout(input, phasesIn, at);
  const groupIndex = new Map(input.laneGroups.map((g, i) => [g.id, i]));
  const phf = input.peakHourFactor ?? 1;
  const movements = input.laneGroups.map(movementsOf);

  const phases: ModelPhase[] = phasesIn.map((ph, pi) => {
    const [ring, barrier] = locate(rings, pi);
    const groups = ph.laneGroups.map((g) => groupIndex.get(g)!);
    for (let a = 0; a < groups.length; a++) {
      for (let b = a + 1; b < groups.length; b++) {
        if (groupsConflict(movements[groups[a]], movements[groups[b]])) {
          throw inputError(
            `${at}: phase ${ph.id} serves conflicting movements ${ph.laneGroups[a]} and ${ph.laneGroups[b]}`,
            { phase: ph.id },
          );
        }
      }
    }
    for (const l of ph.pedestrians ?? []) {
      const g = groups.find((gi) => input.laneGroups[gi].from === l);
      if (g !== undefined)
        throw inputError(
          `${at}: phase ${ph.id} walks pedestrians across leg ${l} while lane group ${input.laneGroups[g].id} enters from it`,
        );
    }
    const approaches = [...new Set(groups.map((g) => input.laneGroups[g].from))].map((l) =>
      input.approaches.find((a) => a.leg === l)!,
    );
    const yellow = Math.max(...approaches.map((a) => yellowChange(a.speedKmh, a.gradePercent ?? 0)));
    const red = Math.max(...approaches.map((a) => redClearance(a.speedKmh, a.clearingWidthM)));
    const crosswalks = (ph.pedestrians ?? []).map((l) => input.approaches.find((a) => a.leg === l)!.crosswalkM!);
    const walk = crosswalks.length > 0 ? (ph.walk ?? opts.walkTime) : 0;
    const speed = ph.walkingSpeedMps ?? opts.walkingSpeedMps;
    const pedClear = crosswalks.length > 0 ? Math.max(...crosswalks.map((c) => pedestrianClearance(c, speed))) : 0;
    const minimumGreen = ph.minGreen ?? DEFAULT_MIN_GREEN;
    const green = Math.max(minimumGreen, walk + pedClear);
    return {
      id: ph.id,
      ring,
      barrier,
      laneGroups: groups,
      minimumGreen,
      walk,
      pedestrianClear: pedClear,
      yellowChange: yellow,
      redClear: red,
      lostTime: opts.startupLostTime + yellow + red - opts.greenExtension,
      minSplit: Math.ceil(green + yellow + red - 1e-9),
    };
  });
  checkConcurrency(rings, phases, movements, input, at);

  const laneGroups = input.laneGroups.map((g, i): ModelLaneGroup => {
    const served = phases.flatMap((p, pi) => (p.laneGroups.includes(i) ? [pi] : []));
    if (served.length === 0) throw inputError(`${at}: lane group ${g.id} is served by no phase`, { laneGroup: g.id });
    const flowRate = totalVolume(g) / phf;
    const s = saturationFlow(g, {
      cbd: input.areaType === 'cbd',
      opposingFlow: opposingFlow(input.laneGroups, g) / phf,
    });
    return { id: g.id, flowRate, saturationFlow: s, flowRatio: flowRate / s, phases: served };
  });
  return {
    id: input.id,
    laneGroups,
    phases,
    rings,
    cycleMin: input.cycle?.min ?? DEFAULT_CYCLE_MIN,
    cycleMax: input.cycle?.max ?? DEFAULT_CYCLE_MAX,
  };
}

function ringLayout(input: IntersectionInput, phasesIn: PhaseInput[], at: string): number[][][] {
  const index = new Map(phasesIn.map((p, i) => [p.id, i]));
  if (input.phasing.type === 'stage') return [[phasesIn.map((_, i) => i)]];
  const layout = input.phasing.rings ?? NEMA_RINGS.map((r) => r.map((b) => b.filter((id) => index.has(id))));
  if (
    !Array.isArray(layout) ||
    layout.length === 0 ||
    layout.some((r) => !Array.isArray(r) || r.length !== layout[0].length)
  ) {
    throw inputError(`${at}: phasing.rings must list, for each ring, the same number of barrier groups`);
  }
  const seen = new Set<string>();
  const rings = layout.map((r) =>
    r.map((b) =>
      b.map((id) => {
        const i = index.get(id);
        if (i === undefined) throw inputError(`${at}: phasing.rings names phase ${id}, which is not defined`);
        if (seen.has(id)) throw inputError(`${at}: phasing.rings lists phase ${id} twice`);
        seen.add(id);
        return i;
      }),
    ),
  );
  const missing = phasesIn.find((p) => !seen.has(p.id));
  if (missing) {
    const hint = input.phasing.rings ? 'add it to phasing.rings' : 'name NEMA phases "1".."8" or give phasing.rings';
    throw inputError(`${at}: phase ${missing.id} is in no ring; ${hint}`);
  }
  rings[0].forEach((_, bi) => {
    if (rings.every((r) => r[bi].length === 0)) throw inputError(`${at}: barrier group ${bi + 1} has no phases`);
  });
  return rings.filter((r) => r.some((b) => b.length > 0));
}

function locate(rings: number[][][], phase: number): [number, number] {
  for (let r = 0; r < rings.length; r++) {
    for (let b = 0; b < rings[r].length; b++) if (rings[r][b].includes(phase)) return [r, b];
  }
  throw new Error(`phase index ${phase} is in no ring`);
}

function movementsOf(g: LaneGroupInput): Movement[] {
  return [...g.movements].map((t) => ({ from: g.from, turn: t as Turn, permittedLeft: g.leftTurn === 'permitted' }));
}

function groupsConflict(a: Movement[], b: Movement[]): boolean {
  return a.some((ma) => b.some((mb) => movementsConflict(ma, mb)));
}

/** Phases of different rings in one barrier group may run at the same time, so their movements must not conflict. */
function checkConcurrency(
  rings: number[][][],
  phases: ModelPhase[],
  movements: Movement[][],
  input: IntersectionInput,
  at: string,
): void {
  for (let r1 = 0; r1 < rings.length; r1++) {
    for (let r2 = r1 + 1; r2 < rings.length; r2++) {
      for (let b = 0; b < rings[r1].length; b++) {
        for (const p of rings[r1][b]) {
          for (const q of rings[r2][b]) {
            for (const gp of phases[p].laneGroups) {
              for (const gq of phases[q].laneGroups) {
                if (gp === gq) {
                  // Its green would count twice where the two phases overlap; serve it from one of them.
                  throw inputError(
                    `${at}: lane group ${input.laneGroups[gp].id} is served by concurrent phases ${phases[p].id} and ${phases[q].id}; list it in one of them`,
                  );
                }
                if (groupsConflict(movements[gp], movements[gq])) {
                  throw inputError(
                    `${at}: phases ${phases[p].id} and ${phases[q].id} run concurrently (same barrier group, different rings) but serve conflicting movements ${input.laneGroups[gp].id} and ${input.laneGroups[gq].id}`,
                  );
                }
              }
            }
          }
        }
      }
    }
  }
}

function totalVolume(g: LaneGroupInput): number {
  return (g.volume.L ?? 0) + (g.volume.T ?? 0) + (g.volume.R ?? 0);
}

/** Flow a permitted left from `g`'s leg filters through: the opposing leg's through and right demand. */
function opposingFlow(groups: LaneGroupInput[], g: LaneGroupInput): number {
  const opp = opposite(g.from);
  return groups.filter((o) => o.from === opp).reduce((sum, o) => sum + (o.volume.T ?? 0) + (o.volume.R ?? 0), 0);
}
