// Independent plan checker: re-derives every constraint of a timing plan from the input, sharing no planner code.
import type { IntersectionInput, IntersectionPlan, Leg } from './types.js';

const ORDER = 'NESW';
/**
 * Conflicts by turn and by the other leg's clockwise distance d (1 = next leg clockwise), tabulated by hand
 * for right-hand traffic: e.g. a through conflicts with the left and through of both cross streets and with
 * the opposing left.
 */
const CONFLICTS: Record<string, Record<number, string>> = {
  T: { 1: 'TL', 2: 'L', 3: 'TLR' },
  L: { 1: 'TL', 2: 'TR', 3: 'TL' },
  R: { 1: 'T', 2: 'L', 3: '' },
};

interface Mv {
  leg: Leg;
  turn: string;
  permitted: boolean;
}

function conflict(a: Mv, b: Mv): boolean {
  const d = (ORDER.indexOf(b.leg) - ORDER.indexOf(a.leg) + 4) % 4;
  if (d === 0 || !CONFLICTS[a.turn][d].includes(b.turn)) return false;
  const yieldingLeft = (l: Mv, o: Mv, dist: number): boolean =>
    l.turn === 'L' && l.permitted && dist === 2 && o.turn !== 'L';
  return !(yieldingLeft(a, b, d) || yieldingLeft(b, a, d));
}

const DEFAULT_MIN_GREEN = 5;
const WALKING_SPEED = 1.07;
const DEFAULT_WALK = 7;
const TOL = 1e-6;

/** Returns the violated constraints of `plan` for `input` (empty when the plan is valid). */
export function checkPlan(input: IntersectionInput, plan: IntersectionPlan, lostTimeOffset = 0): string[] {
  const bad: string[] = [];
  const C = plan.pattern.cycleTime;
  if (!Number.isInteger(C) || C <= 0) bad.push(`cycle ${C} is not a positive whole number of seconds`);
  const cmin = input.cycle?.min ?? 40;
  const cmax = input.cycle?.max ?? 150;
  if (plan.cycleSource !== 'fixed' && (C < cmin - TOL || C > cmax + TOL))
    bad.push(`cycle ${C} outside [${cmin}, ${cmax}]`);
  if (plan.pattern.offsetTime < 0 || plan.pattern.offsetTime >= C)
    bad.push(`offset ${plan.pattern.offsetTime} outside [0, ${C})`);

  const phasesIn = input.phasing.type === 'stage' ? input.phasing.stages : input.phasing.phases;
  const byId = new Map(plan.phases.map((p) => [p.phase, p]));
  for (const ph of phasesIn) {
    const p = byId.get(ph.id);
    if (!p) {
      bad.push(`phase ${ph.id} missing from the plan`);
      continue;
    }
    if (!Number.isInteger(p.splitTime)) bad.push(`phase ${ph.id}: split ${p.splitTime} is not whole seconds`);
    const approaches = ph.laneGroups.map((g) =>
      input.approaches.find((a) => a.leg === input.laneGroups.find((l) => l.id === g)!.from)!,
    );
    for (const a of approaches) {
      const v = a.speedKmh / 3.6;
      const ite = 1 + v / (2 * 3.05 + 2 * 9.81 * ((a.gradePercent ?? 0) / 100));
      if (p.yellowChange < Math.min(6, Math.max(3, ite)) - 0.05 || p.yellowChange > 6)
        bad.push(`phase ${ph.id}: yellow ${p.yellowChange} s short of ITE ${ite.toFixed(2)} s for leg ${a.leg}`);
      const allRed = (a.clearingWidthM + 6.1) / v;
      if (p.redClear < allRed - 0.05)
        bad.push(`phase ${ph.id}: red clearance ${p.redClear} s short of ${allRed.toFixed(2)} s for leg ${a.leg}`);
    }
    const green = p.splitTime - p.yellowChange - p.redClear;
    if (green < (ph.minGreen ?? DEFAULT_MIN_GREEN) - TOL)
      bad.push(`phase ${ph.id}: green ${green} below minimum ${ph.minGreen ?? DEFAULT_MIN_GREEN}`);
    for (const l of ph.pedestrians ?? []) {
      const cross = input.approaches.find((a) => a.leg === l)!.crosswalkM!;
      if (p.pedestrianClear < cross / (ph.walkingSpeedMps ?? WALKING_SPEED) - TOL)
        bad.push(`phase ${ph.id}: pedestrian clearance ${p.pedestrianClear} s too short for ${cross} m`);
      if (p.walk < (ph.walk ?? DEFAULT_WALK) || green < p.walk + p.pedestrianClear - TOL)
        bad.push(`phase ${ph.id}: walk ${p.walk} + clearance ${p.pedestrianClear} do not fit in green ${green}`);
      if (ph.laneGroups.some((g) => input.laneGroups.find((x) => x.id === g)!.from === l))
        bad.push(`phase ${ph.id}: pedestrians cross leg ${l} against entering traffic`);
    }
    const mvs = ph.laneGroups.map((g) => movesOf(input, g));
    for (let i = 0; i < mvs.length; i++) {
      for (let j = i + 1; j < mvs.length; j++) {
        if (mvs[i].some((a) => mvs[j].some((b) => conflict(a, b))))
          bad.push(`phase ${ph.id}: ${ph.laneGroups[i]} conflicts with ${ph.laneGroups[j]}`);
      }
    }
  }

  // Ring and barrier arithmetic, and concurrency inside each barrier group.
  const seq = plan.pattern.sequence;
  const barriers = seq[0]?.length ?? 0;
  const split = (id: string): number => byId.get(id)?.splitTime ?? NaN;
  for (const ring of seq) {
    const total = ring.flat().reduce((s, id) => s + split(id), 0);
    if (Math.abs(total - C) > TOL && ring.flat().length > 0) {
      const idleBarriers = ring.some((b) => b.length === 0);
      if (!idleBarriers) bad.push(`ring ${ring.flat().join(',')}: splits sum to ${total}, not the cycle ${C}`);
    }
  }
  let barrierStart = 0;
  for (let b = 0; b < barriers; b++) {
    const sums = seq.filter((r) => r[b].length > 0).map((r) => r[b].reduce((s, id) => s + split(id), 0));
    if (sums.some((s) => Math.abs(s - sums[0]) > TOL)) bad.push(`barrier ${b + 1}: rings sum to ${sums.join(' vs ')}`);
    for (const ring of seq) {
      let t = barrierStart;
      for (const id of ring[b]) {
        if (Math.abs((byId.get(id)?.start ?? NaN) - t) > TOL)
          bad.push(`phase ${id}: starts at ${byId.get(id)?.start}, expected ${t}`);
        t += split(id);
      }
    }
    barrierStart += sums[0] ?? 0;
    for (let r1 = 0; r1 < seq.length; r1++) {
      for (let r2 = r1 + 1; r2 < seq.length; r2++) {
        for (const p of seq[r1][b]) {
          for (const q of seq[r2][b]) {
            const gp = phasesIn.find((x) => x.id === p)!.laneGroups;
            const gq = phasesIn.find((x) => x.id === q)!.laneGroups;
            for (const a of gp)
              for (const c of gq)
                if (a !== c && movesOf(input, a).some((m) => movesOf(input, c).some((n) => conflict(m, n))))
                  bad.push(`concurrent phases ${p} and ${q}: ${a} conflicts with ${c}`);
          }
        }
      }
    }
  }
  if (Math.abs(barrierStart - C) > TOL) bad.push(`barrier times sum to ${barrierStart}, not the cycle ${C}`);

  // Performance: v/c and HCM delay recomputed from the splits and the reported saturation flows.
  const phf = input.peakHourFactor ?? 1;
  let maxX = 0;
  for (const g of input.laneGroups) {
    const lg = plan.performance.laneGroups.find((x) => x.id === g.id);
    if (!lg) {
      bad.push(`lane group ${g.id} missing from performance`);
      continue;
    }
    const serving = phasesIn.filter((p) => p.laneGroups.includes(g.id));
    if (serving.length === 0) bad.push(`lane group ${g.id} is never served`);
    const eff = serving.reduce((s, p) => {
      const pp = byId.get(p.id)!;
      return s + pp.splitTime - pp.yellowChange - pp.redClear + lostTimeOffset;
    }, 0);
    const v = ((g.volume.L ?? 0) + (g.volume.T ?? 0) + (g.volume.R ?? 0)) / phf;
    const cap = (lg.saturationFlow * eff) / C;
    const x = v / cap;
    maxX = Math.max(maxX, x);
    if (Math.abs(lg.vc - x) > 1e-6 * Math.max(1, x)) bad.push(`lane group ${g.id}: v/c ${lg.vc} but splits give ${x}`);
    const d1 = (0.5 * C * (1 - eff / C) ** 2) / (1 - Math.min(1, x) * (eff / C));
    const d2 = x === 0 ? 0 : 900 * 0.25 * (x - 1 + Math.sqrt((x - 1) ** 2 + (8 * 0.5 * x) / (cap * 0.25)));
    if (Math.abs(lg.controlDelay - d1 - d2) > 1e-6 * Math.max(1, d1 + d2))
      bad.push(`lane group ${g.id}: delay ${lg.controlDelay} but HCM gives ${d1 + d2}`);
    const d = d1 + d2;
    const los = x > 1 ? 'F' : d <= 10 ? 'A' : d <= 20 ? 'B' : d <= 35 ? 'C' : d <= 55 ? 'D' : d <= 80 ? 'E' : 'F';
    if (lg.los !== los) bad.push(`lane group ${g.id}: LOS ${lg.los}, expected ${los}`);
  }
  if (Math.abs(plan.performance.maxDegreeOfSaturation - maxX) > 1e-6 * Math.max(1, maxX))
    bad.push(`max degree of saturation ${plan.performance.maxDegreeOfSaturation}, expected ${maxX}`);
  if (plan.oversaturated !== (plan.cycleSource === 'oversaturated' || maxX > 1))
    bad.push(`oversaturated flag ${plan.oversaturated} with max v/c ${maxX}`);
  const coord = plan.phases.filter((p) => p.splitMode === 'coordinated').map((p) => p.phase);
  if (coord.join() !== (plan.pattern.coordPhase ?? ''))
    bad.push(`coordinated phase ${plan.pattern.coordPhase} but split modes mark ${coord.join()}`);
  return bad;
}

function movesOf(input: IntersectionInput, id: string): Mv[] {
  const g = input.laneGroups.find((l) => l.id === id)!;
  return [...g.movements].map((t) => ({ leg: g.from, turn: t, permitted: g.leftTurn === 'permitted' }));
}
