// planCorridor: a common cycle and offsets maximizing two-way through bandwidth (MAXBAND-style MILP on HiGHS).
import { inputError, UrbanflowError } from '../../src/errors.js';
import { bandwidth, greenWindow, type GreenWindow } from './band.js';
import type { CorridorInput, CorridorPlan } from './corridor-types.js';
import { LpBuilder, solveLp, type LpModel, type LpResult } from '../lp/index.js';
import { wholeSecondOffsets } from './whole-offsets.js';
import { DEFAULT_CYCLE_MAX } from './model.js';
import { planIntersection } from './plan.js';
import type { PlannerOptions } from './types.js';

/** Seconds HiGHS may spend on one corridor before returning its best band. */
const MILP_TIME_LIMIT_S = 5;
/** Small reward for the narrower band, so ties between equal totals favour balanced directions. */
const BALANCE_WEIGHT = 0.01;

/**
 * Method (after Little, Kelson and Gartner's MAXBAND, 1981), with the cycle fixed:
 * 1. Each signal is planned alone; the common cycle is the longest of those cycles (the critical
 *    intersection's) capped by the smallest cycle.max, or `input.cycle`. Every signal is re-planned at that
 *    cycle (LP splits).
 * 2. For the arterial lane groups, the green windows are the longest serving phase's display green.
 * 3. With the outbound band leaving signal 0 at time 0 and the inbound band leaving the last signal at D,
 *    x_i / y_i are where the bands sit inside signal i's outbound / inbound green. Eliminating the offset
 *    from both timing identities leaves, per signal, y_i - x_i - D - C m_i = T̄_i - T_i + a_i - ā_i with
 *    integer m_i (whole cycles), x_i + b <= g_i and y_i + b̄ <= ḡ_i. Maximize b + k b̄ (+ a small
 *    reward for the narrower band). Unlike MAXBAND, a binary per direction may drop that direction's
 *    band, so a wide one-way band is chosen when it beats two narrow ones.
 * 4. Offsets follow as (T_i - x_i) mod C, the start of the coordinated (outbound) green relative to signal 0,
 *    rounded to whole seconds and then moved a second or two at a time while the measured bands widen
 *    (whole-offsets.ts); bandwidths are measured on those offsets.
 * Limits: the cycle and splits are not optimized jointly with the offsets; phase sequences (lead/lag)
 * are taken as given; speeds are fixed (no speed-change variables) and queue clearance is ignored; a band
 * uses one phase's green per signal; the objective is bandwidth, not delay or stops.
 */
export async function planCorridor(input: CorridorInput, options: Partial<PlannerOptions> = {}): Promise<CorridorPlan> {
  const { travel, inbound } = validateCorridor(input);
  const alone = input.signals.map((s) => planIntersection(s.intersection, options));
  // The critical intersection's cycle, but no longer than any signal's own cycle.max allows.
  const ceiling = Math.min(...input.signals.map((s) => Math.floor(s.intersection.cycle?.max ?? DEFAULT_CYCLE_MAX)));
  const cycle = input.cycle ?? Math.min(ceiling, Math.max(...alone.map((p) => p.pattern.cycleTime)));
  const plans = input.signals.map((s) => planIntersection(s.intersection, { ...options, cycle }));
  const out = input.signals.map((s, i) => greenWindow(plans[i], s.outboundLaneGroup));
  const back = input.signals.map((s, i) => greenWindow(plans[i], s.inboundLaneGroup));
  const T = cumulative(travel);
  const Tb = cumulative(inbound.slice().reverse()).reverse();

  const { status, x } = await maxband(cycle, out, back, T, Tb, input.inboundWeight ?? 1);
  const mod = (v: number): number => ((v % cycle) + cycle) % cycle;
  const geometry = { cycle, out, back, T, Tb, inboundWeight: input.inboundWeight ?? 1, balanceWeight: BALANCE_WEIGHT };
  const offsets = wholeSecondOffsets(
    geometry,
    T.map((t, i) => mod(t - x[i] + x[0])),
  );
  const coordinated = input.signals.map((s, i) =>
    planIntersection(s.intersection, { ...options, cycle }, { coordPhase: out[i].phase, offset: offsets[i] }),
  );
  const ref = offsets.map((o, i) => o - out[i].start);
  return {
    corridorId: input.id,
    cycleTime: cycle,
    outboundBandwidth: bandwidth(cycle, out, ref, T),
    inboundBandwidth: bandwidth(cycle, back, ref, Tb),
    plans: coordinated,
    method: 'maxband-milp',
    solverStatus: status,
  };
}

/**
 * Rounds a coefficient or bound of the MILP to 12 significant digits. K_i sums travel times (from length / speed
 * or given in seconds) and green starts, whose last bits depend on how they were computed; the band objective has
 * many tied optima, and that noise alone would make HiGHS return another of them (other offsets, bands up to 0.6 s
 * apart after the whole-second search). Rounded, corridors whose data agree to 12 digits get the same offsets.
 */
function settle(v: number): number {
  return Math.abs(v) < 1e-12 ? 0 : Number(v.toPrecision(12));
}

/**
 * The bandwidth MILP of step 3 as an LpModel (minimizing the negated band objective). Columns: b, b̄, z (the
 * narrower band), the direction binaries u, ū, then per signal x_i, y_i, with D after y_0 and m_i after y_i for
 * i > 0; returned with the indices of the x_i.
 */
function maxbandModel(
  C: number,
  out: GreenWindow[],
  back: GreenWindow[],
  T: number[],
  Tb: number[],
  k: number,
): { model: LpModel; x: number[] } {
  const n = out.length;
  const K = out.map((w, i) => Tb[i] - T[i] + w.start - back[i].start);
  const c = settle(C);
  const lp = new LpBuilder();
  const b = lp.addCol(0, Infinity, -1);
  const bb = lp.addCol(0, Infinity, -settle(k));
  const z = lp.addCol(0, Infinity, -BALANCE_WEIGHT);
  // Binaries u / ub switch a direction's band on: with it off, that direction's x_i (y_i) are free in [0, C + g],
  // so one wide one-way band can win over two narrow ones (MAXBAND proper always keeps both).
  const u = lp.addCol(0, 1, 0, true);
  const ub = lp.addCol(0, 1, 0, true);
  lp.addRow([z, b], [1, -1], -Infinity, 0);
  lp.addRow([z, bb], [1, -1], -Infinity, 0);
  lp.addRow([b, u], [1, -c], -Infinity, 0);
  lp.addRow([bb, ub], [1, -c], -Infinity, 0);
  // Where the bands sit in signal i's outbound (x_i) and inbound (y_i) greens.
  const windows = (i: number): [number, number] => {
    const xi = lp.addCol(0, Infinity, 0);
    const yi = lp.addCol(0, Infinity, 0);
    lp.addRow([xi, b, u], [1, 1, c], -Infinity, settle(out[i].length + C));
    lp.addRow([yi, bb, ub], [1, 1, c], -Infinity, settle(back[i].length + C));
    return [xi, yi];
  };
  const [x0, y0] = windows(0);
  const D = lp.addCol(-Infinity, Infinity, 0);
  lp.addRow([y0, x0, D], [1, -1, -1], settle(K[0]), settle(K[0]));
  const x = [x0];
  for (let i = 1; i < n; i++) {
    const [xi, yi] = windows(i);
    x.push(xi);
    // Whole cycles between signal 0's and signal i's bands: any m_i outside these bounds leaves no band.
    const lo = Math.floor((-out[i].length - back[0].length - 2 * C + K[0] - K[i]) / C) - 1;
    const hi = Math.ceil((back[i].length + out[0].length + 2 * C + K[0] - K[i]) / C) + 1;
    const m = lp.addCol(lo, hi, 0, true);
    lp.addRow([yi, xi, D, m], [1, -1, -1, -c], settle(K[i]), settle(K[i]));
  }
  return { model: lp.build(), x };
}

/** Solves the bandwidth MILP built by maxbandModel from the same arguments; the x_i of its best solution. */
async function maxband(...args: Parameters<typeof maxbandModel>): Promise<{ status: string; x: number[] }> {
  const { model, x } = maxbandModel(...args);
  // HiGHS on the calling thread: a few dozen columns solve in milliseconds, no thread hop is worth it. Forced, as
  // by size alone solveLp would give short corridors to javascript-lp-solver, whose branch and bound is not fit for
  // this MILP (and whose columns cannot go negative, as D and the m_i do).
  const result = await solveLp(model, { backend: 'highs', timeLimitSeconds: MILP_TIME_LIMIT_S });
  const status = highsStatusName(result);
  if (result.status !== 'optimal' && result.status !== 'feasible') {
    throw new UrbanflowError('UF_ERR_INFEASIBLE', `corridor bandwidth MILP ended with status ${status}`, { status });
  }
  return { status, x: x.map((j) => result.x[j]) };
}

/** HiGHS's own name for how the solve ended ('Optimal', 'Time limit reached', …), as plans have always reported it. */
function highsStatusName(result: LpResult): string {
  if (result.status === 'optimal') return 'Optimal';
  if (result.timeLimitReached) return 'Time limit reached';
  const names: Record<Exclude<LpResult['status'], 'optimal'>, string> = {
    feasible: 'Feasible',
    infeasible: 'Infeasible',
    unbounded: 'Unbounded',
    error: result.message ?? 'Solve error',
  };
  return names[result.status];
}

function cumulative(times: number[]): number[] {
  const out = [0];
  for (const t of times) out.push(out[out.length - 1] + t);
  return out;
}

function validateCorridor(input: CorridorInput): { travel: number[]; inbound: number[] } {
  if (typeof input !== 'object' || input === null || typeof input.id !== 'string' || input.id === '') {
    throw inputError('corridor.id must be a non-empty string', { field: 'id' });
  }
  const at = `corridor ${input.id}`;
  if (!Array.isArray(input.signals) || input.signals.length < 2)
    throw inputError(`${at}: signals must list at least two intersections`);
  if (!Array.isArray(input.links) || input.links.length !== input.signals.length - 1) {
    throw inputError(`${at}: links must have one entry per pair of consecutive signals (${input.signals.length - 1})`);
  }
  input.signals.forEach((s, i) => {
    for (const key of ['outboundLaneGroup', 'inboundLaneGroup'] as const) {
      if (!s.intersection?.laneGroups?.some((g) => g.id === s[key])) {
        throw inputError(
          `${at}: signals[${i}].${key} ${JSON.stringify(s[key])} is not a lane group of that intersection`,
        );
      }
    }
  });
  if (input.cycle !== undefined && (!Number.isInteger(input.cycle) || input.cycle < 20 || input.cycle > 300)) {
    throw inputError(`${at}: cycle must be a whole number of seconds in [20, 300]`);
  }
  if (input.inboundWeight !== undefined && !(input.inboundWeight >= 0 && input.inboundWeight <= 10)) {
    throw inputError(`${at}: inboundWeight must be in [0, 10]`);
  }
  const travel = input.links.map((l, i) => {
    const t = l.travelTimeS ?? (l.lengthM !== undefined && l.speedKmh ? l.lengthM / (l.speedKmh / 3.6) : undefined);
    if (t === undefined || !Number.isFinite(t) || t < 0) {
      throw inputError(`${at}: links[${i}] needs travelTimeS >= 0, or lengthM and speedKmh > 0`);
    }
    return t;
  });
  const inbound = input.links.map((l, i) => {
    const t = l.inboundTravelTimeS ?? travel[i];
    if (!Number.isFinite(t) || t < 0) throw inputError(`${at}: links[${i}].inboundTravelTimeS must be >= 0`);
    return t;
  });
  return { travel, inbound };
}
