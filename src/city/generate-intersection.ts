// Generates one four-approach signalized intersection: lane groups with detectors, and stage or NEMA phases serving them.
import type { Rng } from '../random.js';
import type { Approach, Direction, Intersection, LaneGroup, Location, Phase } from './schema.js';

export interface IntersectionSpec {
  id: string;
  name: string;
  location: Location;
  northSouthMajor: boolean;
  eastWestMajor: boolean;
}

const DIRECTIONS: Direction[] = ['N', 'E', 'S', 'W'];

function laneGroups(rng: Rng, intersectionId: string, dir: Direction, major: boolean): LaneGroup[] {
  const group = (suffix: string, movements: LaneGroup['movements'], lanes: number): LaneGroup => ({
    id: `${dir}-${suffix}`,
    movements,
    lanes,
    detectors: [`det-${intersectionId}-${dir}-${suffix}`],
  });
  if (major) return [group('L', ['left'], 1), group('T', ['through'], 2), group('R', ['right'], 1)];
  return rng.float() < 0.5
    ? [group('L', ['left'], 1), group('TR', ['through', 'right'], 1)]
    : [group('LT', ['left', 'through'], 1), group('R', ['right'], 1)];
}

/** Lane groups of an approach split into protected-left groups and the rest (shared left-through lanes ride with the through phase). */
function split(a: Approach): { left: string[]; main: string[] } {
  const left = a.laneGroups.filter((g) => g.movements.length === 1 && g.movements[0] === 'left').map((g) => g.id);
  const main = a.laneGroups.filter((g) => !left.includes(g.id)).map((g) => g.id);
  return { left, main };
}

function stagePhases(byDir: Map<Direction, Approach>, majorNs: boolean, majorEw: boolean): Phase[] {
  const phases: Phase[] = [];
  const axis = (name: string, dirs: Direction[], crosswalks: Direction[], major: boolean): void => {
    const parts = dirs.map((d) => split(byDir.get(d)!));
    const lefts = parts.flatMap((p) => p.left);
    if (lefts.length > 0) phases.push({ id: `${name}-L`, laneGroups: lefts, minGreenS: 5 });
    phases.push({
      id: name,
      laneGroups: parts.flatMap((p) => p.main),
      minGreenS: major ? 15 : 8,
      pedestrian: { walkS: 7, walkingSpeedMps: 1.2, crosswalks },
    });
  };
  axis('NS', ['N', 'S'], ['E', 'W'], majorNs);
  axis('EW', ['E', 'W'], ['N', 'S'], majorEw);
  return phases;
}

/** NEMA dual ring: 1+2 / 5+6 on the north-south barrier, 3+4 / 7+8 on the east-west one; 2, 4, 6, 8 are the throughs. */
function nemaPhases(byDir: Map<Direction, Approach>): Phase[] {
  const phases: Phase[] = [];
  const add = (
    nema: number,
    ring: number,
    barrier: number,
    groups: string[],
    minGreenS: number,
    crosswalk?: Direction,
  ): void => {
    if (groups.length === 0) return;
    phases.push({
      id: `P${nema}`,
      nema,
      ring,
      barrier,
      laneGroups: groups,
      minGreenS,
      ...(crosswalk ? { pedestrian: { walkS: 7, walkingSpeedMps: 1.2, crosswalks: [crosswalk] } } : {}),
    });
  };
  const s = split(byDir.get('S')!);
  const n = split(byDir.get('N')!);
  const w = split(byDir.get('W')!);
  const e = split(byDir.get('E')!);
  add(1, 1, 1, n.left, 5);
  add(2, 1, 1, s.main, 15, 'E');
  add(5, 2, 1, s.left, 5);
  add(6, 2, 1, n.main, 15, 'W');
  add(3, 1, 2, e.left, 5);
  add(4, 1, 2, w.main, 10, 'N');
  add(7, 2, 2, w.left, 5);
  add(8, 2, 2, e.main, 10, 'S');
  return phases;
}

export function generateIntersection(rng: Rng, spec: IntersectionSpec): Intersection {
  const approaches: Approach[] = DIRECTIONS.map((dir) => {
    const onNorthSouth = dir === 'N' || dir === 'S';
    const major = onNorthSouth ? spec.northSouthMajor : spec.eastWestMajor;
    const crossMajor = onNorthSouth ? spec.eastWestMajor : spec.northSouthMajor;
    return {
      id: dir,
      direction: dir,
      speedLimitKmh: major ? 50 : rng.pick([30, 40]),
      gradePct: Math.round(rng.range(-3, 3) * 2) / 2,
      intersectionWidthM: Math.round((crossMajor ? 24 : 13) + rng.range(-1, 2)),
      crossingWidthM: Math.round((major ? 22 : 12) + rng.range(-1, 2)),
      laneGroups: laneGroups(rng, spec.id, dir, major),
    };
  });
  const byDir = new Map(approaches.map((a) => [a.direction, a]));
  const nema = spec.northSouthMajor && spec.eastWestMajor ? true : rng.float() < 0.3;
  return {
    id: spec.id,
    name: spec.name,
    location: spec.location,
    controller: nema ? 'nema' : 'stage',
    cycleMinS: nema ? 60 : 50,
    cycleMaxS: nema ? 150 : 120,
    approaches,
    phases: nema ? nemaPhases(byDir) : stagePhases(byDir, spec.northSouthMajor, spec.eastWestMajor),
  };
}
