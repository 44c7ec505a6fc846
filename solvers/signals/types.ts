// Plain-data shapes of the signal planner: the JSON input (geometry, demand, phasing) and the controller-ready plan.

/** Legs of a four-leg intersection, clockwise. A lane group's `from` is the leg its vehicles approach on. */
export type Leg = 'N' | 'E' | 'S' | 'W';
export type Turn = 'L' | 'T' | 'R';

export interface LaneGroupInput {
  id: string;
  from: Leg;
  /** Turns the lane group's lanes carry, e.g. "T", "LT", "TR", "LTR". */
  movements: string;
  lanes: number;
  /** Demand per turn in veh/h (forecast for the plan period); turns not listed are 0. */
  volume: Partial<Record<Turn, number>>;
  /** A permitted left yields to the opposing through and right; default protected. */
  leftTurn?: 'protected' | 'permitted';
  heavyVehiclePercent?: number;
  gradePercent?: number;
  laneWidthM?: number;
  parkingManeuversPerHour?: number;
  busesStoppingPerHour?: number;
  /** Base saturation flow per lane before adjustments (veh/h/lane); 1900 (HCM) when absent. */
  baseSaturationFlowPerLane?: number;
  /** Measured saturation flow of the whole lane group (veh/h); replaces the HCM estimate. */
  saturationFlow?: number;
}

export interface ApproachInput {
  leg: Leg;
  /** Approach speed (85th percentile or limit) for the ITE change interval. */
  speedKmh: number;
  gradePercent?: number;
  /** Distance from the stop line to the far side of the last conflicting lane (ITE W). */
  clearingWidthM: number;
  /** Length of the crosswalk across this leg, if pedestrians cross it. */
  crosswalkM?: number;
}

export interface PhaseInput {
  /** Stage or phase name; NEMA phases without explicit `rings` must be named "1".."8". */
  id: string;
  laneGroups: string[];
  minGreen?: number;
  /** Legs whose crosswalks this phase serves (walk plus pedestrian clearance must fit in its green). */
  pedestrians?: Leg[];
  /** Walk interval and design walking speed for this phase's crosswalks; planner options when absent. */
  walk?: number;
  walkingSpeedMps?: number;
}

export type PhasingInput =
  | { type: 'stage'; stages: PhaseInput[] }
  | {
      type: 'nema';
      phases: PhaseInput[];
      /** rings[r][b] = phase ids of ring r in barrier group b, in service order (lead first). */
      rings?: string[][][];
    };

export interface IntersectionInput {
  id: string;
  areaType?: 'cbd' | 'other';
  peakHourFactor?: number;
  cycle?: { min?: number; max?: number };
  approaches: ApproachInput[];
  laneGroups: LaneGroupInput[];
  phasing: PhasingInput;
}

export interface PlannerOptions {
  /** Start-up lost time l1 and effective-green extension e (HCM), seconds. */
  startupLostTime: number;
  greenExtension: number;
  /** Flow-ratio sum at or above which demand is treated as oversaturated. */
  oversaturationY: number;
  /** Degree of saturation the reserve capacity is measured against (Allsop's practical limit). */
  practicalDegreeOfSaturation: number;
  walkTime: number;
  /** Pedestrian walking speed for the clearance interval (MUTCD 3.5 ft/s). */
  walkingSpeedMps: number;
  /** HCM analysis period T in hours. */
  analysisPeriodH: number;
  /** Fixed cycle (used by corridor coordination); skips Webster. */
  cycle?: number;
}

export type Los = 'A' | 'B' | 'C' | 'D' | 'E' | 'F';

/** One phase of a pattern, in NTCIP 1202 terms (seconds; yellow and red clearance carry 0.1 s precision). */
export interface PhasePlan {
  phase: string;
  ring: number;
  barrier: number;
  /** Start of the phase within the cycle, from the pattern's reference point. */
  start: number;
  splitTime: number;
  green: number;
  minimumGreen: number;
  walk: number;
  pedestrianClear: number;
  yellowChange: number;
  redClear: number;
  effectiveGreen: number;
  lostTime: number;
  laneGroups: string[];
  splitMode: 'coordinated' | 'none';
}

export interface LaneGroupPerformance {
  id: string;
  phases: string[];
  flowRate: number;
  saturationFlow: number;
  flowRatio: number;
  effectiveGreen: number;
  capacity: number;
  vc: number;
  uniformDelay: number;
  incrementalDelay: number;
  controlDelay: number;
  los: Los;
}

export interface IntersectionPlan {
  intersectionId: string;
  pattern: {
    cycleTime: number;
    offsetTime: number;
    coordPhase: string | null;
    /** Service order: sequence[r][b] = phase ids of ring r in barrier group b. */
    sequence: string[][][];
  };
  phases: PhasePlan[];
  performance: {
    criticalFlowRatio: number;
    lostTime: number;
    websterCycle: number | null;
    maxDegreeOfSaturation: number;
    reserveCapacityPercent: number | null;
    controlDelay: number;
    los: Los;
    laneGroups: LaneGroupPerformance[];
  };
  /** Why the cycle has its length. */
  cycleSource: 'webster' | 'cmin' | 'cmax' | 'minimum-greens' | 'oversaturated' | 'fixed';
  oversaturated: boolean;
}
