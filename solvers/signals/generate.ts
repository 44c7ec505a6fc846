// Deterministic random intersections (seeded) for property tests and benchmarks: stage and NEMA layouts, scaled demand.
import { mulberry32 } from '../../src/random.js';
import type { CorridorInput } from './corridor-types.js';
import type { IntersectionInput, LaneGroupInput, Leg, PhaseInput } from './types.js';

const LEGS: Leg[] = ['N', 'E', 'S', 'W'];

/**
 * One random four-leg intersection. `demand` scales volumes (1 gives flow-ratio sums roughly 0.3..0.9);
 * layouts: two permitted-left stages, three stages with protected east-west lefts, or NEMA eight-phase.
 */
export function randomIntersection(seed: number, demand = 1): IntersectionInput {
  const r = mulberry32(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const vol = (base: number): number => Math.round(base * demand * (0.4 + 1.2 * r()));
  const approaches = LEGS.map((leg) => ({
    leg,
    speedKmh: pick([40, 50, 60, 70]),
    gradePercent: Math.round((r() * 6 - 3) * 10) / 10,
    clearingWidthM: 12 + Math.round(r() * 20),
    crosswalkM: 10 + Math.round(r() * 12),
  }));
  const layout = pick(['two-stage', 'three-stage', 'nema'] as const);
  const g = (
    id: string,
    from: Leg,
    movements: string,
    lanes: number,
    volume: LaneGroupInput['volume'],
    permitted = false,
  ): LaneGroupInput => ({
    id,
    from,
    movements,
    lanes,
    volume,
    heavyVehiclePercent: Math.round(r() * 8),
    ...(permitted ? { leftTurn: 'permitted' as const } : {}),
  });
  const minGreen = (): number => pick([4, 5, 6, 8]);
  const ped = (legs: Leg[]): Leg[] => legs.filter(() => r() < 0.5);
  let laneGroups: LaneGroupInput[];
  let phasing: IntersectionInput['phasing'];
  if (layout === 'two-stage') {
    laneGroups = LEGS.map((l) => g(l, l, 'LTR', 2, { L: vol(60), T: vol(500), R: vol(60) }, true));
    const stages: PhaseInput[] = [
      { id: 'A', laneGroups: ['N', 'S'], minGreen: minGreen(), pedestrians: ped(['E', 'W']) },
      { id: 'B', laneGroups: ['E', 'W'], minGreen: minGreen(), pedestrians: ped(['N', 'S']) },
    ];
    phasing = { type: 'stage', stages };
  } else if (layout === 'three-stage') {
    laneGroups = [
      g('EL', 'E', 'L', 1, { L: vol(150) }),
      g('WL', 'W', 'L', 1, { L: vol(150) }),
      g('ETR', 'E', 'TR', 2, { T: vol(800), R: vol(80) }),
      g('WTR', 'W', 'TR', 2, { T: vol(800), R: vol(80) }),
      g('N', 'N', 'LTR', 1, { L: vol(40), T: vol(250), R: vol(40) }, true),
      g('S', 'S', 'LTR', 1, { L: vol(40), T: vol(250), R: vol(40) }, true),
    ];
    phasing = {
      type: 'stage',
      stages: [
        { id: 'A', laneGroups: ['EL', 'WL'], minGreen: minGreen() },
        { id: 'B', laneGroups: ['ETR', 'WTR'], minGreen: minGreen(), pedestrians: ped(['N', 'S']) },
        { id: 'C', laneGroups: ['N', 'S'], minGreen: minGreen(), pedestrians: ped(['E', 'W']) },
      ],
    };
  } else {
    laneGroups = [
      g('WL', 'W', 'L', 1, { L: vol(160) }),
      g('WTR', 'W', 'TR', 2, { T: vol(800), R: vol(90) }),
      g('EL', 'E', 'L', 1, { L: vol(160) }),
      g('ETR', 'E', 'TR', 2, { T: vol(800), R: vol(90) }),
      g('SL', 'S', 'L', 1, { L: vol(90) }),
      g('STR', 'S', 'TR', 1, { T: vol(350), R: vol(60) }),
      g('NL', 'N', 'L', 1, { L: vol(90) }),
      g('NTR', 'N', 'TR', 1, { T: vol(350), R: vol(60) }),
    ];
    phasing = {
      type: 'nema',
      phases: [
        { id: '1', laneGroups: ['EL'], minGreen: minGreen() },
        { id: '2', laneGroups: ['WTR'], minGreen: minGreen(), pedestrians: ped(['N']) },
        { id: '5', laneGroups: ['WL'], minGreen: minGreen() },
        { id: '6', laneGroups: ['ETR'], minGreen: minGreen(), pedestrians: ped(['S']) },
        { id: '3', laneGroups: ['NL'], minGreen: minGreen() },
        { id: '4', laneGroups: ['STR'], minGreen: minGreen(), pedestrians: ped(['E']) },
        { id: '7', laneGroups: ['SL'], minGreen: minGreen() },
        { id: '8', laneGroups: ['NTR'], minGreen: minGreen(), pedestrians: ped(['W']) },
      ],
    };
  }
  return { id: `gen-${seed}`, cycle: { min: 40, max: 180 }, approaches, laneGroups, phasing };
}

/** A chain of `n` generated intersections along an east-west arterial, 15..60 s apart. */
export function randomCorridor(seed: number, n: number, demand = 1): CorridorInput {
  const r = mulberry32(seed);
  const signals = Array.from({ length: n }, (_, i) => {
    const intersection = randomIntersection(seed * 1000 + i, demand);
    const layout = intersection.laneGroups.some((g) => g.id === 'WTR');
    return {
      intersection,
      outboundLaneGroup: layout ? 'WTR' : 'W',
      inboundLaneGroup: layout ? 'ETR' : 'E',
    };
  });
  const links = Array.from({ length: n - 1 }, () => ({ travelTimeS: Math.round((15 + 45 * r()) * 10) / 10 }));
  return { id: `corridor-${seed}`, signals, links };
}
