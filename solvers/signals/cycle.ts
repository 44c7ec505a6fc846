// Critical flow ratios, lost time, Webster's optimal cycle and the cycle a plan runs, within [Cmin, Cmax].
import { UrbanflowError } from '../../src/errors.js';
import type { TimingModel } from './model.js';
import type { IntersectionPlan, PlannerOptions } from './types.js';

export interface CriticalPath {
  /** Per phase: the flow ratio it must serve (a lane group served by k phases counts y/k in each). */
  phaseRatio: number[];
  /** Per barrier: the ring with the largest flow-ratio sum (ties: the larger lost time). */
  criticalRing: number[];
  flowRatio: number;
  lostTime: number;
}

export function criticalPath(model: TimingModel): CriticalPath {
  const phaseRatio = model.phases.map((p) =>
    Math.max(0, ...p.laneGroups.map((g) => model.laneGroups[g].flowRatio / model.laneGroups[g].phases.length)),
  );
  const barriers = model.rings[0].length;
  const criticalRing: number[] = [];
  let flowRatio = 0;
  let lostTime = 0;
  for (let b = 0; b < barriers; b++) {
    let best = -1;
    let bestY = -1;
    let bestL = -1;
    model.rings.forEach((ring, r) => {
      if (ring[b].length === 0) return;
      const y = ring[b].reduce((s, p) => s + phaseRatio[p], 0);
      const l = ring[b].reduce((s, p) => s + model.phases[p].lostTime, 0);
      if (y > bestY + 1e-12 || (Math.abs(y - bestY) <= 1e-12 && l > bestL)) [best, bestY, bestL] = [r, y, l];
    });
    criticalRing.push(best);
    flowRatio += bestY;
    lostTime += bestL;
  }
  return { phaseRatio, criticalRing, flowRatio, lostTime };
}

/** Shortest cycle holding every phase's minimum split: per barrier, the ring whose minimum splits add up most. */
export function minimumCycle(model: TimingModel): number {
  let total = 0;
  for (let b = 0; b < model.rings[0].length; b++) {
    total += Math.max(...model.rings.map((ring) => ring[b].reduce((s, p) => s + model.phases[p].minSplit, 0)));
  }
  return total;
}

/** Webster's delay-minimizing cycle C0 = (1.5 L + 5) / (1 - Y), seconds; undefined at Y >= 1. */
export function websterCycle(lostTime: number, flowRatio: number): number {
  return (1.5 * lostTime + 5) / (1 - flowRatio);
}

export interface CycleChoice {
  cycle: number;
  source: IntersectionPlan['cycleSource'];
  webster: number | null;
}

/**
 * Webster's cycle rounded up to a whole second and clamped to [Cmin, Cmax], never below what the
 * minimum splits need. Demand at or above `oversaturationY` takes Cmax, the most capacity the plan can give.
 */
export function chooseCycle(model: TimingModel, path: CriticalPath, opts: PlannerOptions): CycleChoice {
  const needed = minimumCycle(model);
  const at = `intersection ${model.id}`;
  if (opts.cycle !== undefined) {
    if (needed > opts.cycle) {
      throw new UrbanflowError(
        'UF_ERR_INFEASIBLE',
        `${at}: minimum splits need a ${needed} s cycle, more than the fixed cycle ${opts.cycle} s`,
        { needed, cycle: opts.cycle },
      );
    }
    return { cycle: opts.cycle, source: 'fixed', webster: null };
  }
  if (needed > model.cycleMax) {
    throw new UrbanflowError(
      'UF_ERR_INFEASIBLE',
      `${at}: minimum greens, pedestrian times and clearances need a ${needed} s cycle, more than cycle.max ${model.cycleMax} s; lower minGreen or raise cycle.max`,
      { needed, cycleMax: model.cycleMax },
    );
  }
  if (path.flowRatio >= opts.oversaturationY) return { cycle: model.cycleMax, source: 'oversaturated', webster: null };
  const webster = websterCycle(path.lostTime, path.flowRatio);
  let cycle = Math.ceil(webster - 1e-9);
  let source: CycleChoice['source'] = 'webster';
  if (cycle < model.cycleMin) [cycle, source] = [Math.ceil(model.cycleMin - 1e-9), 'cmin'];
  if (cycle > model.cycleMax) [cycle, source] = [Math.floor(model.cycleMax + 1e-9), 'cmax'];
  if (cycle < needed) [cycle, source] = [needed, 'minimum-greens'];
  return { cycle, source, webster };
}
