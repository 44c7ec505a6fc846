// planIntersection: from geometry and demand to a controller-ready timing plan with its expected HCM performance.
import { chooseCycle, criticalPath } from './cycle.js';
import { buildModel, type TimingModel } from './model.js';
import { controlDelay, levelOfService } from './performance.js';
import { laneGroupGreens, lpSplits, maxDegreeOfSaturation } from './splits.js';
import { wholeSecondSplits } from './whole-seconds.js';
import type { IntersectionInput, IntersectionPlan, LaneGroupPerformance, PhasePlan, PlannerOptions } from './types.js';

export const DEFAULT_PLANNER_OPTIONS: PlannerOptions = {
  startupLostTime: 2,
  greenExtension: 2,
  oversaturationY: 0.95,
  practicalDegreeOfSaturation: 0.9,
  walkTime: 7,
  walkingSpeedMps: 1.07,
  analysisPeriodH: 0.25,
};

export interface PlanExtras {
  coordPhase?: string;
  offset?: number;
}

/** Plans one intersection; throws a UF_ERR_INPUT / UF_ERR_INFEASIBLE error naming the problem instead of a plan. */
export function planIntersection(
  input: IntersectionInput,
  options: Partial<PlannerOptions> = {},
  extras: PlanExtras = {},
): IntersectionPlan {
  const opts = { ...DEFAULT_PLANNER_OPTIONS, ...options };
  const model = buildModel(input, opts);
  const path = criticalPath(model);
  let choice = chooseCycle(model, path, opts);
  let splits = wholeSecondSplits(model, choice.cycle, lpSplits(model, choice.cycle));
  let maxX = maxDegreeOfSaturation(model, choice.cycle, splits);
  // Minimum greens or shared service can leave a lane group over capacity below Cmax even with Y < 1: same fallback.
  const cmax = Math.floor(model.cycleMax + 1e-9);
  if (maxX > 1 && choice.source !== 'fixed' && choice.cycle < cmax) {
    choice = { cycle: cmax, source: 'oversaturated', webster: choice.webster };
    splits = wholeSecondSplits(model, cmax, lpSplits(model, cmax));
    maxX = maxDegreeOfSaturation(model, cmax, splits);
  }
  const cycle = choice.cycle;
  const laneGroups = performanceOf(model, cycle, splits, opts);
  const totalFlow = laneGroups.reduce((s, g) => s + g.flowRate, 0);
  const delay = totalFlow > 0 ? laneGroups.reduce((s, g) => s + g.controlDelay * g.flowRate, 0) / totalFlow : 0;
  return {
    intersectionId: model.id,
    pattern: {
      cycleTime: cycle,
      offsetTime: extras.offset ?? 0,
      coordPhase: extras.coordPhase ?? null,
      sequence: model.rings.map((ring) => ring.map((b) => b.map((p) => model.phases[p].id))),
    },
    phases: phasePlans(model, splits, extras.coordPhase),
    performance: {
      criticalFlowRatio: path.flowRatio,
      lostTime: path.lostTime,
      websterCycle: choice.webster,
      maxDegreeOfSaturation: maxX,
      reserveCapacityPercent: maxX > 0 ? 100 * (opts.practicalDegreeOfSaturation / maxX - 1) : null,
      controlDelay: delay,
      los: levelOfService(delay),
      laneGroups,
    },
    cycleSource: choice.source,
    oversaturated: choice.source === 'oversaturated' || maxX > 1,
  };
}

function phasePlans(model: TimingModel, splits: number[], coordPhase: string | undefined): PhasePlan[] {
  const start = new Array<number>(splits.length).fill(0);
  for (const ring of model.rings) {
    let t = 0;
    ring.forEach((phases, b) => {
      const barrierStart = t;
      for (const p of phases) {
        start[p] = t;
        t += splits[p];
      }
      // The barrier time is the same in every ring; an empty ring segment idles through it.
      const firstRing = model.rings.find((r) => r[b].length > 0)!;
      t = barrierStart + firstRing[b].reduce((s, p) => s + splits[p], 0);
    });
  }
  return model.phases.map((p, i) => ({
    phase: p.id,
    ring: p.ring + 1,
    barrier: p.barrier + 1,
    start: start[i],
    splitTime: splits[i],
    green: round1(splits[i] - p.yellowChange - p.redClear),
    minimumGreen: p.minimumGreen,
    walk: p.walk,
    pedestrianClear: p.pedestrianClear,
    yellowChange: p.yellowChange,
    redClear: p.redClear,
    effectiveGreen: round1(splits[i] - p.lostTime),
    lostTime: round1(p.lostTime),
    laneGroups: p.laneGroups.map((g) => model.laneGroups[g].id),
    splitMode: p.id === coordPhase ? 'coordinated' : 'none',
  }));
}

function performanceOf(
  model: TimingModel,
  cycle: number,
  splits: number[],
  opts: PlannerOptions,
): LaneGroupPerformance[] {
  const greens = laneGroupGreens(model, splits);
  return model.laneGroups.map((g, i) => {
    const d = controlDelay(g.flowRate, g.saturationFlow, greens[i], cycle, opts.analysisPeriodH);
    const total = d.uniform + d.incremental;
    return {
      id: g.id,
      phases: g.phases.map((p) => model.phases[p].id),
      flowRate: g.flowRate,
      saturationFlow: g.saturationFlow,
      flowRatio: g.flowRatio,
      effectiveGreen: greens[i],
      capacity: d.capacity,
      vc: d.vc,
      uniformDelay: d.uniform,
      incrementalDelay: d.incremental,
      controlDelay: total,
      los: levelOfService(total, d.vc),
    };
  });
}

const round1 = (v: number): number => Math.round(v * 10) / 10;
