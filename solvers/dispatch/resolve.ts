// Resolves a checked dispatch request into the problem the model builder works on: times as epoch ms, values per
// interval, which intervals each resource may be called in. No checks here: validate.ts ran them once at the boundary.
import {
  DEFAULT_MIP_GAP,
  DEFAULT_SHORTFALL_PENALTY_PER_KWH,
  DEFAULT_TIME_LIMIT_SECONDS,
  type DispatchProblem,
  type FeederProblem,
  type ResourceProblem,
} from './problem.js';
import type { DispatchRequest, DrResource } from './request.js';

const MINUTE_MS = 60_000;

function spans(r: DispatchRequest): Array<[number, number]> {
  if (r.intervals !== undefined) return r.intervals.map((w) => [Date.parse(w.start), Date.parse(w.end)]);
  const ev = r.event!;
  const start = Date.parse(ev.start);
  const ms = ev.intervalMinutes * MINUTE_MS;
  return Array.from({ length: ev.count }, (_, i) => [start + i * ms, start + (i + 1) * ms]);
}

function perInterval(v: number | readonly number[], n: number): Float64Array {
  return typeof v === 'number' ? new Float64Array(n).fill(v) : Float64Array.from(v);
}

function resource(
  o: DrResource,
  feederIds: readonly string[],
  startMs: Float64Array,
  endMs: Float64Array,
  noticeFromMs: number,
): ResourceProblem {
  const n = startMs.length;
  const available = new Uint8Array(n).fill(1);
  if (o.availability !== undefined) {
    const w = o.availability.map((x) => [Date.parse(x.start), Date.parse(x.end)]);
    for (let t = 0; t < n; t++) available[t] = w.some(([s, e]) => s <= startMs[t] && endMs[t] <= e) ? 1 : 0;
  }
  const notice = o.kind === 'industrial' ? (o.noticeMinutes ?? 0) : 0;
  for (let t = 0; t < n; t++) if (startMs[t] < noticeFromMs + notice * MINUTE_MS) available[t] = 0;
  // The event starts from 0, so a ramp slower than the minimum depth can never reach it, nor can any later
  // interval (each needs the one before at the minimum too): such a load is never callable. Stating it here
  // rather than leaving it to integrality keeps the LP relaxation tight (its bound rose 28 % on the synthetic MIP).
  const minKW = o.kind === 'industrial' ? (o.minKW ?? 0) : 0;
  if (minKW > 0 && o.rampKWPerInterval !== undefined && o.rampKWPerInterval < minKW) available.fill(0);
  const minRun = o.kind === 'industrial' && (o.minRunMinutes ?? 0) > 0;
  const callDecisions = (o.costPerCall ?? 0) > 0 || o.maxEvents !== undefined || minKW > 0 || minRun;
  return { resource: o, feeder: o.feeder === undefined ? -1 : feederIds.indexOf(o.feeder), available, callDecisions };
}

/** The problem of a request that passed `checkDispatchSchema` and `checkDispatchRules`. */
export function dispatchProblem(r: DispatchRequest): DispatchProblem {
  const s = spans(r);
  const n = s.length;
  const startMs = Float64Array.from(s, (x) => x[0]);
  const endMs = Float64Array.from(s, (x) => x[1]);
  const hours = Float64Array.from(s, ([a, b]) => (b - a) / 3_600_000);
  const feeders: FeederProblem[] = (r.feeders ?? []).map((f) => ({
    id: f.id,
    capKW: f.capKW === undefined ? undefined : perInterval(f.capKW, n),
    forecastKW: f.forecastKW === undefined ? undefined : perInterval(f.forecastKW, n),
    maxReductionKW: f.maxReductionKW,
  }));
  const feederIds = feeders.map((f) => f.id);
  const noticeFromMs = r.issuedAt === undefined ? startMs[0] : Date.parse(r.issuedAt);
  return {
    request: r,
    startMs,
    endMs,
    hours,
    targetKW: r.targetKW === undefined ? undefined : perInterval(r.targetKW, n),
    feeders,
    penaltyPerKWh: r.shortfallPenaltyPerKWh ?? DEFAULT_SHORTFALL_PENALTY_PER_KWH,
    mipGap: r.mipGap ?? DEFAULT_MIP_GAP,
    timeLimitSeconds: r.timeLimitSeconds ?? DEFAULT_TIME_LIMIT_SECONDS,
    resources: r.resources.map((o) => resource(o, feederIds, startMs, endMs, noticeFromMs)),
  };
}
