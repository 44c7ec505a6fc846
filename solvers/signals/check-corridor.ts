// Independent corridor checker: common cycle, valid per-signal plans, offsets, and bandwidths re-measured by sampling.
import { checkPlan } from './check.js';
import type { CorridorInput, CorridorPlan } from './corridor-types.js';

const STEP = 0.01;

/** Returns violated constraints of a corridor plan (empty when valid); bands are sampled every 0.01 s. */
export function checkCorridor(input: CorridorInput, plan: CorridorPlan): string[] {
  const bad: string[] = [];
  const C = plan.cycleTime;
  if (plan.plans.length !== input.signals.length)
    return [`${plan.plans.length} plans for ${input.signals.length} signals`];
  plan.plans.forEach((p, i) => {
    if (p.pattern.cycleTime !== C) bad.push(`signal ${i}: cycle ${p.pattern.cycleTime}, not the common ${C}`);
    const cmax = input.signals[i].intersection.cycle?.max ?? 150;
    if (input.cycle === undefined && C > cmax) bad.push(`signal ${i}: common cycle ${C} exceeds its cycle.max ${cmax}`);
    for (const v of checkPlan(input.signals[i].intersection, p)) bad.push(`signal ${i}: ${v}`);
    const coord = p.phases.find((ph) => ph.phase === p.pattern.coordPhase);
    if (!coord || !coord.laneGroups.includes(input.signals[i].outboundLaneGroup))
      bad.push(`signal ${i}: coordinated phase does not serve the outbound lane group`);
  });
  if (plan.plans[0]?.pattern.offsetTime !== 0) bad.push('the first signal is the reference and must have offset 0');
  const legs = input.links.map((l) => l.travelTimeS ?? l.lengthM! / (l.speedKmh! / 3.6));
  const back = input.links.map((l, i) => l.inboundTravelTimeS ?? legs[i]);
  const arriveOut = input.signals.map((_, i) => legs.slice(0, i).reduce((s, t) => s + t, 0));
  const arriveIn = input.signals.map((_, i) => back.slice(i).reduce((s, t) => s + t, 0));
  const out = sampledBand(plan, input, 'outboundLaneGroup', arriveOut);
  const inn = sampledBand(plan, input, 'inboundLaneGroup', arriveIn);
  if (Math.abs(out - plan.outboundBandwidth) > 3 * STEP)
    bad.push(`outbound band ${plan.outboundBandwidth} s, sampling finds ${out.toFixed(2)} s`);
  if (Math.abs(inn - plan.inboundBandwidth) > 3 * STEP)
    bad.push(`inbound band ${plan.inboundBandwidth} s, sampling finds ${inn.toFixed(2)} s`);
  return bad;
}

/** Longest run of departure times (circular) whose vehicles meet green at every signal. */
export function sampledBand(
  plan: CorridorPlan,
  input: CorridorInput,
  key: 'outboundLaneGroup' | 'inboundLaneGroup',
  arrive: number[],
): number {
  const C = plan.cycleTime;
  const greens = plan.plans.map((p, i) => {
    const lg = input.signals[i][key];
    const serving = p.phases.filter((ph) => ph.laneGroups.includes(lg));
    const coord = p.phases.find((ph) => ph.phase === p.pattern.coordPhase)!;
    // Master time of this signal's cycle start: the offset marks the coordinated phase's start of green.
    const cycleStart = p.pattern.offsetTime - coord.start;
    const longest = serving.reduce((a, b) => (b.green > a.green ? b : a));
    return { from: cycleStart + longest.start, len: longest.green };
  });
  const n = Math.round(C / STEP);
  const ok = new Array<boolean>(n);
  for (let k = 0; k < n; k++) {
    const t = k * STEP;
    ok[k] = greens.every((g, i) => {
      const u = (((t + arrive[i] - g.from) % C) + C) % C;
      return u <= g.len + 1e-9 || C - u < 1e-9;
    });
  }
  if (ok.every(Boolean)) return C;
  let best = 0;
  let run = 0;
  for (let k = 0; k < 2 * n; k++) {
    run = ok[k % n] ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return Math.max(0, (best - 1) * STEP);
}
