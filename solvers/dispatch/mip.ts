// Relax-and-fix for dispatch MIPs: the LP relaxation gives a bound and a call pattern; the repaired pattern, fixed, gives a plan.
import { chooseBackend, raceHighs, solveLp, type LpModel, type LpResult, type LpSolveOptions } from '../lp/index.js';
import type { DispatchModel } from './build.js';
import { repairCalls } from './call-pattern.js';
import type { DispatchProblem } from './problem.js';

/** The repaired call pattern of resource i from the relaxation's on values. */
function callPattern(p: DispatchProblem, m: DispatchModel, relaxed: Float64Array, i: number): Uint8Array | undefined {
  const on = m.columns[i].on;
  return on
    ? repairCalls(
        p,
        i,
        Float64Array.from(on, (c) => relaxed[c]),
      )
    : undefined;
}

function withCalls(lp: LpModel, m: DispatchModel, patterns: readonly (Uint8Array | undefined)[]): LpModel {
  const colLower = lp.colLower.slice();
  const colUpper = lp.colUpper.slice();
  patterns.forEach((pattern, i) => {
    const on = m.columns[i].on;
    if (!pattern || !on) return;
    for (let t = 0; t < on.length; t++) colLower[on[t]] = colUpper[on[t]] = pattern[t];
  });
  return { ...lp, colLower, colUpper, integer: new Uint8Array(lp.numCols), numIntegers: 0 };
}

/**
 * Solves a dispatch MIP. The relax-and-fix plan often proves itself within the requested gap against the LP
 * relaxation's bound (a valid lower bound on the MIP optimum); only when it does not does the branch and bound run,
 * seeded with that plan. The reported mipGap is the better of the two proofs.
 */
export async function solveDispatchMip(
  p: DispatchProblem,
  m: DispatchModel,
  options: LpSolveOptions,
): Promise<LpResult> {
  const lp = m.lp;
  // The time limit bounds the whole solve: each stage gets what the ones before it left.
  const deadline =
    options.timeLimitSeconds !== undefined ? performance.now() + options.timeLimitSeconds * 1000 : undefined;
  const left = () => (deadline === undefined ? Infinity : deadline - performance.now());
  const within = <T extends LpSolveOptions>(o: T): T =>
    deadline === undefined ? o : { ...o, timeLimitSeconds: Math.max(0.001, left() / 1000) };
  const backend = !options.backend || options.backend === 'auto' ? chooseBackend(lp) : options.backend;
  if (backend !== 'highs') return solveLp(lp, within({ ...options, backend }));
  // The relaxation's call rows make it degenerate. Devex pricing beats steepest edge on it (200x96: 31k iterations
  // from the basis hint, 37.6k with presolve, which a hint bypasses, against 44.6k and 65k), and whether the hint or
  // presolve finishes first varies, so both run, one per thread.
  const noHint = new Int32Array(0);
  const relaxation = { ...lp, integer: new Uint8Array(lp.numCols), numIntegers: 0 };
  const devex = within({ ...options, dualEdgeWeights: 'devex' as const });
  const relaxed = await raceHighs(
    [
      { model: relaxation, options: devex },
      { model: { ...relaxation, basicCols: noHint, basicRows: noHint }, options: devex },
    ],
    options.highs,
  );
  if (relaxed.status !== 'optimal')
    return relaxed.timeLimitReached || left() <= 0
      ? { ...relaxed, status: 'error', x: new Float64Array(lp.numCols), timeLimitReached: true }
      : solveLp(lp, within({ ...options, backend }));
  const bound = relaxed.objective;
  const patterns = p.resources.map((_, i) => callPattern(p, m, relaxed.x, i));
  // Fixed calls leave presolve whole blocks of columns and rows to remove, so it races the hint here too.
  const pinned = withCalls(lp, m, patterns);
  const fixedOptions = within(options);
  const fixed = await raceHighs(
    [
      { model: pinned, options: fixedOptions },
      { model: { ...pinned, basicCols: noHint, basicRows: noHint }, options: fixedOptions },
    ],
    options.highs,
  );
  const gapOf = (obj: number) => Math.max(0, (obj - bound) / Math.max(Math.abs(obj), 1e-9));
  const wanted = options.mipRelGap ?? 1e-4;
  if (fixed.status === 'optimal' && (gapOf(fixed.objective) <= wanted || left() <= 0)) {
    // within the gap, or the best plan when the time is up (the branch and bound would get none)
    return {
      ...fixed,
      status: 'feasible',
      rowDuals: undefined,
      mipGap: gapOf(fixed.objective),
      ...(gapOf(fixed.objective) > wanted ? { timeLimitReached: true } : {}),
    };
  }
  if (left() <= 0)
    return { ...fixed, status: 'error', x: new Float64Array(lp.numCols), timeLimitReached: true, mipGap: 1 };
  const seeded = fixed.status === 'optimal' ? { ...lp, start: fixed.x } : lp;
  const mip = await solveLp(seeded, within({ ...options, backend }));
  const better =
    fixed.status === 'optimal' && !(mip.objective <= fixed.objective)
      ? { ...fixed, status: 'feasible' as const, rowDuals: undefined }
      : mip;
  return {
    ...better,
    mipGap: Math.min(mip.mipGap ?? 1, gapOf(better.objective)),
    ...(mip.timeLimitReached ? { timeLimitReached: true } : {}),
  };
}
