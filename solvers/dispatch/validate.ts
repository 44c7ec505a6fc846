// Validates a dispatch request once, at the boundary, and resolves its times; every error names the bad field.
import { inputError } from '../../src/errors.js';
import { DEFAULT_MIP_GAP, DEFAULT_SHORTFALL_PENALTY_PER_KWH, DEFAULT_TIME_LIMIT_SECONDS, type DispatchProblem, type FeederProblem, type ResourceProblem } from './problem.js';
import type { DispatchRequest, DrResource } from './request.js';

const MAX_INTERVALS = 10_000;
const MINUTE_MS = 60_000;

type Obj = Record<string, unknown>;

function fail(field: string, problem: string): never {
  throw inputError(`${field}: ${problem}`, { field });
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: unknown, field: string): Obj {
  if (!isObj(v)) fail(field, 'must be an object');
  return v;
}

function instant(v: unknown, field: string): number {
  const ms = typeof v === 'string' ? Date.parse(v) : Number.NaN;
  if (!Number.isFinite(ms)) fail(field, `must be an ISO 8601 instant such as "2026-07-01T16:00:00Z", got ${JSON.stringify(v)}`);
  return ms;
}

function num(v: unknown, field: string, opts: { min?: number; max?: number; integer?: boolean; positive?: boolean } = {}): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(field, `must be a finite number, got ${JSON.stringify(v)}`);
  if (opts.positive && v <= 0) fail(field, `must be greater than 0, got ${v}`);
  if (opts.min !== undefined && v < opts.min) fail(field, `must be at least ${opts.min}, got ${v}`);
  if (opts.max !== undefined && v > opts.max) fail(field, `must be at most ${opts.max}, got ${v}`);
  if (opts.integer && !Number.isInteger(v)) fail(field, `must be an integer, got ${v}`);
  return v;
}

function optNum(o: Obj, key: string, field: string, opts: Parameters<typeof num>[2] = {}): number | undefined {
  return o[key] === undefined ? undefined : num(o[key], `${field}.${key}`, opts);
}

/** A scalar or one non-negative value per interval, as an array. */
function perInterval(v: unknown, field: string, n: number): Float64Array {
  if (typeof v === 'number') return new Float64Array(n).fill(num(v, field, { min: 0 }));
  if (!Array.isArray(v)) fail(field, `must be a number or an array of ${n} numbers (one per interval)`);
  if (v.length !== n) fail(field, `must have one value per interval (${n}), got ${v.length}`);
  return Float64Array.from(v, (x, i) => num(x, `${field}[${i}]`, { min: 0 }));
}

/** Sorted, disjoint, non-empty windows, as [startMs, endMs] pairs. */
function windows(v: unknown, field: string): Array<[number, number]> {
  if (!Array.isArray(v)) fail(field, 'must be an array of {start, end} windows');
  const out: Array<[number, number]> = [];
  v.forEach((w: unknown, i) => {
    const o = obj(w, `${field}[${i}]`);
    const s = instant(o.start, `${field}[${i}].start`);
    const e = instant(o.end, `${field}[${i}].end`);
    if (e <= s) fail(`${field}[${i}]`, 'end must be after start');
    if (i > 0 && s < out[i - 1][1]) {
      fail(`${field}[${i}]`, `starts before ${field}[${i - 1}] ends: windows must be sorted by start and must not overlap`);
    }
    out.push([s, e]);
  });
  return out;
}

function resolveIntervals(r: Obj): Array<[number, number]> {
  if (r.event !== undefined && r.intervals !== undefined) fail('intervals', 'give either event or intervals, not both');
  if (r.intervals !== undefined) {
    const w = windows(r.intervals, 'intervals');
    if (w.length === 0) fail('intervals', 'must hold at least one interval');
    if (w.length > MAX_INTERVALS) fail('intervals', `at most ${MAX_INTERVALS} intervals`);
    return w;
  }
  if (r.event === undefined) fail('event', 'give event {start, intervalMinutes, count} or intervals [{start, end}]');
  const ev = obj(r.event, 'event');
  const start = instant(ev.start, 'event.start');
  const minutes = num(ev.intervalMinutes, 'event.intervalMinutes', { positive: true });
  const count = num(ev.count, 'event.count', { min: 1, max: MAX_INTERVALS, integer: true });
  return Array.from({ length: count }, (_, i) => [start + i * minutes * MINUTE_MS, start + (i + 1) * minutes * MINUTE_MS]);
}

function feeders(r: Obj, n: number): FeederProblem[] {
  if (r.feeders === undefined) return [];
  if (!Array.isArray(r.feeders)) fail('feeders', 'must be an array');
  const seen = new Set<string>();
  return r.feeders.map((f: unknown, i) => {
    const field = `feeders[${i}]`;
    const o = obj(f, field);
    if (typeof o.id !== 'string' || o.id === '') fail(`${field}.id`, 'must be a non-empty string');
    if (seen.has(o.id)) fail(`${field}.id`, `duplicate feeder id "${o.id}"`);
    seen.add(o.id);
    const capKW = o.capKW === undefined ? undefined : perInterval(o.capKW, `${field}.capKW`, n);
    if (capKW && o.forecastKW === undefined) fail(`${field}.forecastKW`, 'is required with capKW: the load forecast per interval (kW)');
    const forecastKW = o.forecastKW === undefined ? undefined : perInterval(o.forecastKW, `${field}.forecastKW`, n);
    const maxReductionKW = optNum(o, 'maxReductionKW', field, { min: 0 });
    return { id: o.id, capKW, forecastKW, maxReductionKW };
  });
}

const KINDS = ['battery', 'hvac', 'ev', 'industrial'];

/** Checks the kind-specific fields; capacities must be non-negative. */
function checkKind(o: Obj, field: string): void {
  const cap = { min: 0 };
  switch (o.kind) {
    case 'battery': {
      num(o.powerKW, `${field}.powerKW`, cap);
      const energy = num(o.energyKWh, `${field}.energyKWh`, cap);
      const minSoc = optNum(o, 'minSocKWh', field, { min: 0, max: energy }) ?? 0;
      num(o.socKWh, `${field}.socKWh`, { min: minSoc, max: energy });
      optNum(o, 'roundTripEfficiency', field, { positive: true, max: 1 });
      return;
    }
    case 'hvac':
      num(o.shedKW, `${field}.shedKW`, cap);
      num(o.maxDurationMinutes, `${field}.maxDurationMinutes`, { positive: true });
      optNum(o, 'reboundFraction', field, { min: 0, max: 2 });
      optNum(o, 'reboundMinutes', field, { positive: true });
      return;
    case 'ev':
      num(o.maxChargeKW, `${field}.maxChargeKW`, cap);
      num(o.shiftableKWh, `${field}.shiftableKWh`, cap);
      instant(o.deadline, `${field}.deadline`);
      if (o.baselineKW === undefined) fail(`${field}.baselineKW`, 'is required: the charging power without DR (kW)');
      return;
    case 'industrial': {
      const max = num(o.maxKW, `${field}.maxKW`, cap);
      optNum(o, 'minKW', field, { min: 0, max });
      optNum(o, 'noticeMinutes', field, { min: 0 });
      optNum(o, 'minRunMinutes', field, { min: 0 });
      return;
    }
    default:
      fail(`${field}.kind`, `must be one of ${KINDS.join(', ')}, got ${JSON.stringify(o.kind)}`);
  }
}

function resource(v: unknown, i: number, ctx: { ids: Set<string>; feederIds: string[]; startMs: Float64Array; endMs: Float64Array; noticeFromMs: number }): ResourceProblem {
  const field = `resources[${i}]`;
  const o = obj(v, field);
  if (typeof o.id !== 'string' || o.id === '') fail(`${field}.id`, 'must be a non-empty string');
  if (ctx.ids.has(o.id)) fail(`${field}.id`, `duplicate resource id "${o.id}"`);
  ctx.ids.add(o.id);
  checkKind(o, field);
  let feeder = -1;
  if (o.feeder !== undefined) {
    feeder = typeof o.feeder === 'string' ? ctx.feederIds.indexOf(o.feeder) : -1;
    if (feeder < 0) {
      const known = ctx.feederIds.length ? ctx.feederIds.join(', ') : 'none (the request has no feeders)';
      fail(`${field}.feeder`, `unknown feeder ${JSON.stringify(o.feeder)}; known feeders: ${known}`);
    }
  }
  optNum(o, 'costPerKWh', field, { min: 0 });
  const costPerCall = optNum(o, 'costPerCall', field, { min: 0 }) ?? 0;
  optNum(o, 'rampKWPerInterval', field, { min: 0 });
  const maxEvents = optNum(o, 'maxEvents', field, { min: 0, integer: true });
  const n = ctx.startMs.length;
  const available = new Uint8Array(n).fill(1);
  if (o.availability !== undefined) {
    const w = windows(o.availability, `${field}.availability`);
    for (let t = 0; t < n; t++) available[t] = w.some(([s, e]) => s <= ctx.startMs[t] && ctx.endMs[t] <= e) ? 1 : 0;
  }
  const notice = typeof o.noticeMinutes === 'number' ? o.noticeMinutes : 0;
  for (let t = 0; t < n; t++) if (ctx.startMs[t] < ctx.noticeFromMs + notice * MINUTE_MS) available[t] = 0;
  // The event starts from 0, so a ramp slower than the minimum depth can never reach it, nor can any later
  // interval (each needs the one before at the minimum too): such a load is never callable. Stating it here
  // rather than leaving it to integrality keeps the LP relaxation tight (its bound rose 28 % on the synthetic MIP).
  const minKW = o.kind === 'industrial' && typeof o.minKW === 'number' ? o.minKW : 0;
  if (minKW > 0 && typeof o.rampKWPerInterval === 'number' && o.rampKWPerInterval < minKW) available.fill(0);
  if (o.kind === 'ev') perInterval(o.baselineKW, `${field}.baselineKW`, n);
  const industrialInteger = o.kind === 'industrial' && ((o.minKW as number | undefined) ?? 0) > 0;
  const minRun = o.kind === 'industrial' && ((o.minRunMinutes as number | undefined) ?? 0) > 0;
  const callDecisions = costPerCall > 0 || maxEvents !== undefined || industrialInteger || minRun;
  return { resource: o as unknown as DrResource, feeder, available, callDecisions };
}

/** Validates an untrusted request (parsed JSON) and returns the resolved problem, or throws UF_ERR_INPUT naming the field. */
export function validateDispatchRequest(raw: unknown): DispatchProblem {
  const r = obj(raw, 'request');
  const spans = resolveIntervals(r);
  const n = spans.length;
  const startMs = Float64Array.from(spans, (s) => s[0]);
  const endMs = Float64Array.from(spans, (s) => s[1]);
  const hours = Float64Array.from(spans, ([s, e]) => (e - s) / 3_600_000);
  const targetKW = r.targetKW === undefined ? undefined : perInterval(r.targetKW, 'targetKW', n);
  const fs = feeders(r, n);
  if (!targetKW && !fs.some((f) => f.capKW)) {
    fail('targetKW', 'give a reduction target per interval, or a feeder with capKW and forecastKW (feeder-cap mode)');
  }
  const penaltyPerKWh = r.shortfallPenaltyPerKWh === undefined ? DEFAULT_SHORTFALL_PENALTY_PER_KWH : num(r.shortfallPenaltyPerKWh, 'shortfallPenaltyPerKWh', { positive: true });
  const mipGap = r.mipGap === undefined ? DEFAULT_MIP_GAP : num(r.mipGap, 'mipGap', { min: 0, max: 0.5 });
  const timeLimitSeconds = r.timeLimitSeconds === undefined ? DEFAULT_TIME_LIMIT_SECONDS : num(r.timeLimitSeconds, 'timeLimitSeconds', { positive: true, max: 3600 });
  const noticeFromMs = r.issuedAt === undefined ? startMs[0] : instant(r.issuedAt, 'issuedAt');
  if (r.programId !== undefined && typeof r.programId !== 'string') fail('programId', 'must be a string');
  if (!Array.isArray(r.resources)) fail('resources', 'must be an array of DR resources');
  const ctx = { ids: new Set<string>(), feederIds: fs.map((f) => f.id), startMs, endMs, noticeFromMs };
  const resources = r.resources.map((v: unknown, i: number) => resource(v, i, ctx));
  return { request: r as unknown as DispatchRequest, startMs, endMs, hours, targetKW, feeders: fs, penaltyPerKWh, mipGap, timeLimitSeconds, resources };
}
