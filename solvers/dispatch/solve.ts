// Solves a validated dispatch problem and reads the solution back into a plan with OpenADR events.
import { UrbanflowError } from '../../src/errors.js';
import { solveLp, type LpResult, type LpSolveOptions } from '../lp/index.js';
import { buildDispatchModel, type DispatchModel, type NetTerms } from './build.js';
import { solveDispatchMip } from './mip.js';
import { openAdrEvent } from './openadr.js';
import type { DispatchPlan, FeederPlan, ResourcePlan } from './plan.js';
import type { DispatchProblem } from './problem.js';

export type DispatchSolveOptions = LpSolveOptions;

/** Below this a value is solver noise, not a dispatch. */
const EPS = 1e-6;

function clean(v: number): number {
  const r = Math.round(v * 1e6) / 1e6;
  return Math.abs(r) < EPS ? 0 : r;
}

function evalNet(term: NetTerms, x: Float64Array): number {
  let s = 0;
  for (let k = 0; k < term.cols.length; k++) s += term.coefs[k] * x[term.cols[k]];
  return s;
}

/** Value of column c, where -1 stands for a column that was not needed (fixed at 0). */
function at(x: Float64Array, c: number): number {
  return c < 0 ? 0 : x[c];
}

function duals(rows: Int32Array | undefined, lp: LpResult, hours: Float64Array): number[] | null {
  if (!rows || !lp.rowDuals) return null;
  const d = lp.rowDuals;
  return Array.from(rows, (row, t) => (row < 0 ? 0 : clean(d[row] / hours[t])));
}

function resourcePlans(p: DispatchProblem, m: DispatchModel, x: Float64Array): ResourcePlan[] {
  const n = p.hours.length;
  return p.resources.map((rp, i) => {
    const cols = m.columns[i];
    const r = rp.resource;
    const setpointKW: number[] = [];
    const netReductionKW: number[] = [];
    const called: boolean[] = [];
    let energy = 0;
    let calls = 0;
    for (let t = 0; t < n; t++) {
      const primary = x[cols.primary[t]];
      setpointKW.push(clean(primary - (cols.secondary ? x[cols.secondary[t]] : 0)));
      netReductionKW.push(clean(evalNet(m.net[i][t], x)));
      called.push(cols.on ? x[cols.on[t]] > 0.5 : primary > EPS);
      if (called[t] && (t === 0 || !called[t - 1])) calls++;
      energy += primary * p.hours[t];
    }
    const cost = (r.costPerKWh ?? 0) * energy + (cols.on ? (r.costPerCall ?? 0) * calls : 0);
    const feeder = rp.feeder >= 0 ? p.feeders[rp.feeder].id : undefined;
    const state = cols.state ? Array.from(cols.state, (c) => clean(x[c])) : undefined;
    return { id: r.id, kind: r.kind, ...(feeder ? { feeder } : {}), setpointKW, netReductionKW, ...(state ? { stateKWh: state } : {}), called, calls, cost };
  });
}

/** Solves the problem to optimality (LP) or to the MIP gap; throws UF_ERR_INTERNAL if the backend fails. */
export async function solveDispatch(p: DispatchProblem, options: DispatchSolveOptions = {}): Promise<DispatchPlan> {
  const m = buildDispatchModel(p);
  const lp = m.lp.numIntegers > 0 ? await solveDispatchMip(p, m, options) : await solveLp(m.lp, options);
  if (lp.status !== 'optimal' && lp.status !== 'feasible') {
    // Every request has the all-zero dispatch with shortfall as a feasible plan, so this is a solver failure.
    throw new UrbanflowError('UF_ERR_INTERNAL', `dispatch solve failed: ${lp.backend} reported ${lp.status}${lp.message ? ` (${lp.message})` : ''}`, { backend: lp.backend, status: lp.status });
  }
  const x = lp.x;
  const n = p.hours.length;
  const resources = resourcePlans(p, m, x);
  const deliveredKW = Array.from({ length: n }, (_, t) => clean(resources.reduce((s, r) => s + r.netReductionKW[t], 0)));
  const shortfallKW = m.shortfall ? Array.from(m.shortfall, (c) => clean(at(x, c))) : new Array<number>(n).fill(0);
  const feeders: FeederPlan[] = p.feeders.map((f, fi) => {
    const members = resources.filter((_, i) => p.resources[i].feeder === fi);
    const s = m.feederShortfall[fi];
    return {
      id: f.id,
      netReductionKW: Array.from({ length: n }, (_, t) => clean(members.reduce((acc, r) => acc + r.netReductionKW[t], 0))),
      shortfallKW: s ? Array.from(s, (c) => clean(x[c])) : null,
      marginalCostPerKWh: duals(m.feederCapRows[fi], lp, p.hours),
    };
  });
  let shortfallPenalty = 0;
  for (let t = 0; t < n; t++) {
    shortfallPenalty += p.penaltyPerKWh * p.hours[t] * (m.shortfall ? at(x, m.shortfall[t]) : 0);
    for (const s of m.feederShortfall) if (s) shortfallPenalty += p.penaltyPerKWh * p.hours[t] * x[s[t]];
  }
  const energy = resources.reduce((s, r, i) => s + r.cost - (m.columns[i].on ? (p.resources[i].resource.costPerCall ?? 0) * r.calls : 0), 0);
  const total = resources.reduce((s, r) => s + r.cost, 0);
  const programId = p.request.programId ?? 'urbanflow-dr';
  const events = resources.filter((r) => r.setpointKW.some((v) => v !== 0)).map((r) => openAdrEvent(programId, r.id, p.startMs, p.endMs, r.setpointKW));
  return {
    status: lp.status,
    backend: lp.backend,
    mip: m.lp.numIntegers > 0,
    ...(lp.mipGap !== undefined ? { mipGap: lp.mipGap } : {}),
    intervals: Array.from(p.startMs, (s, t) => ({ start: new Date(s).toISOString(), end: new Date(p.endMs[t]).toISOString() })),
    objective: lp.objective,
    cost: { total, energy, calls: total - energy },
    shortfallPenalty,
    deliveredKW,
    shortfallKW,
    marginalCostPerKWh: duals(m.targetRows, lp, p.hours),
    feeders,
    resources,
    events,
  };
}
