// Turns a dispatch solution into the plan callers get: setpoints, costs, shortfall, marginal costs and OpenADR events.
import { blockOf, netOf, stateOf } from './decomposition/block.js';
import { openAdrEvent } from './openadr.js';
import type { DispatchPlan, FeederPlan, ResourcePlan } from './plan.js';
import type { DispatchProblem } from './problem.js';
import type { DispatchSolution } from './solution.js';

/** Below this a value is solver noise, not a dispatch. */
const EPS = 1e-6;

function clean(v: number): number {
  const r = Math.round(v * 1e6) / 1e6;
  return Math.abs(r) < EPS ? 0 : r;
}

function perKWh(dual: Float64Array | undefined | null, hours: Float64Array): number[] | null {
  return dual ? Array.from(dual, (d, t) => clean(d / hours[t])) : null;
}

function resourcePlans(p: DispatchProblem, s: DispatchSolution): ResourcePlan[] {
  const n = p.hours.length;
  return p.resources.map((rp, i) => {
    const r = rp.resource;
    const primary = s.primary[i];
    const secondary = s.secondary[i];
    const on = s.on[i];
    const blk = s.net && s.state ? undefined : blockOf(p, i);
    const net = s.net?.[i] ?? netOf(blk!, primary, secondary, new Float64Array(n));
    const setpointKW: number[] = [];
    const called: boolean[] = [];
    let energy = 0;
    let calls = 0;
    for (let t = 0; t < n; t++) {
      setpointKW.push(clean(primary[t] - (secondary ? secondary[t] : 0)));
      called.push(on ? on[t] === 1 : primary[t] > EPS);
      if (called[t] && (t === 0 || !called[t - 1])) calls++;
      energy += primary[t] * p.hours[t];
    }
    const cost = (r.costPerKWh ?? 0) * energy + (on ? (r.costPerCall ?? 0) * calls : 0);
    const feeder = rp.feeder >= 0 ? p.feeders[rp.feeder].id : undefined;
    const stateKWh = s.state
      ? s.state[i]
      : blk!.storage && secondary
        ? stateOf(blk!.storage, primary, secondary, new Float64Array(n))
        : undefined;
    const state = stateKWh ? Array.from(stateKWh, clean) : undefined;
    return {
      id: r.id,
      kind: r.kind,
      ...(feeder ? { feeder } : {}),
      setpointKW,
      netReductionKW: Array.from(net, clean),
      ...(state ? { stateKWh: state } : {}),
      called,
      calls,
      cost,
    };
  });
}

export function readPlan(p: DispatchProblem, s: DispatchSolution): DispatchPlan {
  const n = p.hours.length;
  const resources = resourcePlans(p, s);
  const deliveredKW = Array.from({ length: n }, (_, t) =>
    clean(resources.reduce((acc, r) => acc + r.netReductionKW[t], 0)),
  );
  const feeders: FeederPlan[] = p.feeders.map((f, fi) => {
    const members = resources.filter((_, i) => p.resources[i].feeder === fi);
    const short = s.feederShortfall[fi];
    return {
      id: f.id,
      netReductionKW: Array.from({ length: n }, (_, t) =>
        clean(members.reduce((acc, r) => acc + r.netReductionKW[t], 0)),
      ),
      shortfallKW: short ? Array.from(short, clean) : null,
      marginalCostPerKWh: s.feederCapDual ? perKWh(s.feederCapDual[fi], p.hours) : null,
    };
  });
  let shortfallPenalty = 0;
  for (let t = 0; t < n; t++) {
    shortfallPenalty += p.penaltyPerKWh * p.hours[t] * s.shortfall[t];
    for (const fs of s.feederShortfall) if (fs) shortfallPenalty += p.penaltyPerKWh * p.hours[t] * fs[t];
  }
  const energy = resources.reduce(
    (acc, r, i) => acc + r.cost - (s.on[i] ? (p.resources[i].resource.costPerCall ?? 0) * r.calls : 0),
    0,
  );
  const total = resources.reduce((acc, r) => acc + r.cost, 0);
  const programId = p.request.programId ?? 'urbanflow-dr';
  const events = resources
    .filter((r) => r.setpointKW.some((v) => v !== 0))
    .map((r) => openAdrEvent(programId, r.id, p.startMs, p.endMs, r.setpointKW));
  return {
    status: s.status,
    backend: s.backend,
    method: s.method,
    mip: s.mip,
    ...(s.mipGap !== undefined ? { mipGap: s.mipGap } : {}),
    ...(s.decomposition ? { decomposition: s.decomposition } : {}),
    ...(s.timeLimit
      ? {
          timeLimit: {
            ...s.timeLimit,
            gap:
              s.timeLimit.lowerBound === null
                ? null
                : Math.max(0, (s.objective - s.timeLimit.lowerBound) / Math.max(Math.abs(s.objective), 1e-9)),
          },
        }
      : {}),
    intervals: Array.from(p.startMs, (st, t) => ({
      start: new Date(st).toISOString(),
      end: new Date(p.endMs[t]).toISOString(),
    })),
    objective: s.objective,
    cost: { total, energy, calls: total - energy },
    shortfallPenalty,
    deliveredKW,
    shortfallKW: Array.from(s.shortfall, clean),
    marginalCostPerKWh: p.targetKW && s.targetDual ? perKWh(s.targetDual, p.hours) : null,
    feeders,
    resources,
    events,
  };
}
