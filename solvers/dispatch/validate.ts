// Checks a dispatch request at the boundary: the schema (request.ts) for shapes and bounds, then by hand only what a
// schema cannot say (times, lengths per interval, references between fields); every error names the field.
import { inputError } from '../../src/errors.js';
import { fieldErrors } from '../../src/validation/index.js';
import { dispatchProblem } from './resolve.js';
import type { DispatchProblem } from './problem.js';
import {
  DispatchRequestSchema,
  isCityReference,
  type DispatchRequest,
  type DispatchRequestInput,
  type DrResource,
  type TimeWindow,
} from './request.js';

/** The latest instant a JavaScript date can hold (±8.64e15 ms). */
const MAX_DATE_MS = 8.64e15;

function fail(field: string, problem: string): never {
  throw inputError(`${field}: ${problem}`, { field });
}

function instant(v: string, field: string): number {
  const ms = Date.parse(v);
  if (!Number.isFinite(ms))
    fail(field, `must be an ISO 8601 instant such as "2026-07-01T16:00:00Z", got ${JSON.stringify(v)}`);
  return ms;
}

function perInterval(v: number | readonly number[], field: string, n: number): void {
  if (typeof v !== 'number' && v.length !== n) fail(field, `must have one value per interval (${n}), got ${v.length}`);
}

/** Sorted, disjoint, non-empty windows. */
function checkWindows(ws: readonly TimeWindow[], field: string): void {
  let prevEnd = -Infinity;
  ws.forEach((w, i) => {
    const s = instant(w.start, `${field}[${i}].start`);
    const e = instant(w.end, `${field}[${i}].end`);
    if (e <= s) fail(`${field}[${i}]`, 'end must be after start');
    if (s < prevEnd)
      fail(
        `${field}[${i}]`,
        `starts before ${field}[${i - 1}] ends: windows must be sorted by start and must not overlap`,
      );
    prevEnd = e;
  });
}

function intervalCount(r: DispatchRequest): number {
  if (r.event !== undefined && r.intervals !== undefined) fail('intervals', 'give either event or intervals, not both');
  if (r.intervals !== undefined) {
    checkWindows(r.intervals, 'intervals');
    return r.intervals.length;
  }
  if (r.event === undefined) fail('event', 'give event {start, intervalMinutes, count} or intervals [{start, end}]');
  const start = instant(r.event.start, 'event.start');
  const end = start + r.event.count * r.event.intervalMinutes * 60_000;
  if (Math.abs(end) > MAX_DATE_MS)
    fail(
      'event.count',
      `the event would end after the last representable date (${r.event.count} intervals of ${r.event.intervalMinutes} min from ${r.event.start})`,
    );
  return r.event.count;
}

function checkResource(o: DrResource, field: string, n: number, feederIds: readonly string[]): void {
  if (o.feeder !== undefined && !feederIds.includes(o.feeder)) {
    const known = feederIds.length ? feederIds.join(', ') : 'none (the request has no feeders)';
    fail(`${field}.feeder`, `unknown feeder ${JSON.stringify(o.feeder)}; known feeders: ${known}`);
  }
  if (o.availability !== undefined) checkWindows(o.availability, `${field}.availability`);
  switch (o.kind) {
    case 'battery': {
      if (o.minSocKWh !== undefined && o.minSocKWh > o.energyKWh)
        fail(`${field}.minSocKWh`, `must be at most energyKWh (${o.energyKWh}), got ${o.minSocKWh}`);
      const minSoc = o.minSocKWh ?? 0;
      if (o.socKWh < minSoc || o.socKWh > o.energyKWh)
        fail(
          `${field}.socKWh`,
          `must be between minSocKWh (${minSoc}) and energyKWh (${o.energyKWh}), got ${o.socKWh}`,
        );
      return;
    }
    case 'ev':
      instant(o.deadline, `${field}.deadline`);
      perInterval(o.baselineKW, `${field}.baselineKW`, n);
      return;
    case 'industrial':
      if (o.minKW !== undefined && o.minKW > o.maxKW)
        fail(`${field}.minKW`, `must be at most maxKW (${o.maxKW}), got ${o.minKW}`);
      return;
    case 'hvac':
      return;
  }
}

/**
 * The rules of a schema-valid request that no schema states: times that parse and do not overlap, one value per
 * interval, a target or a cap, unique ids, known feeders, state of charge within its bounds. Throws UF_ERR_INPUT
 * with `details.field` at the first broken rule.
 */
export function checkDispatchRules(r: DispatchRequest): void {
  const n = intervalCount(r);
  if (r.issuedAt !== undefined) instant(r.issuedAt, 'issuedAt');
  if (r.targetKW !== undefined) perInterval(r.targetKW, 'targetKW', n);
  const feederIds: string[] = [];
  (r.feeders ?? []).forEach((f, i) => {
    const field = `feeders[${i}]`;
    if (feederIds.includes(f.id)) fail(`${field}.id`, `duplicate feeder id "${f.id}"`);
    feederIds.push(f.id);
    if (f.capKW !== undefined) perInterval(f.capKW, `${field}.capKW`, n);
    if (f.capKW !== undefined && f.forecastKW === undefined)
      fail(`${field}.forecastKW`, 'is required with capKW: the load forecast per interval (kW)');
    if (f.forecastKW !== undefined) perInterval(f.forecastKW, `${field}.forecastKW`, n);
  });
  if (r.targetKW === undefined && !(r.feeders ?? []).some((f) => f.capKW !== undefined)) {
    fail('targetKW', 'give a reduction target per interval, or a feeder with capKW and forecastKW (feeder-cap mode)');
  }
  const ids = new Set<string>();
  r.resources.forEach((o, i) => {
    const field = `resources[${i}]`;
    if (ids.has(o.id)) fail(`${field}.id`, `duplicate resource id "${o.id}"`);
    ids.add(o.id);
    checkResource(o, field, n, feederIds);
  });
}

/** The schema check alone: a typed request (city references allowed), or UF_ERR_INPUT naming the first bad field (others in the message). */
export function checkDispatchInput(raw: unknown): DispatchRequestInput {
  const errors = fieldErrors(DispatchRequestSchema, raw);
  if (errors.length > 0) {
    const [first, ...rest] = errors;
    const more = rest.length ? `; and ${rest.map((e) => `${e.path}: ${e.message}`).join('; ')}` : '';
    throw inputError(`${first.path}: ${first.message}${more}`, { field: first.path });
  }
  return raw as DispatchRequestInput;
}

/** The schema check of a request whose resources are all given in full (no city to resolve references against). */
export function checkDispatchSchema(raw: unknown): DispatchRequest {
  const r = checkDispatchInput(raw);
  const ref = r.resources.findIndex(isCityReference);
  if (ref >= 0)
    fail(
      `resources[${ref}]`,
      'names a DR resource of the city file: only the service (POST /v1/dispatch/plans) or `urbanflow dispatch FILE --city CITY.json` can resolve it',
    );
  return r as DispatchRequest;
}

/** Validates an untrusted request (parsed JSON) and returns the resolved problem, or throws UF_ERR_INPUT naming the field. */
export function validateDispatchRequest(raw: unknown): DispatchProblem {
  const request = checkDispatchSchema(raw);
  checkDispatchRules(request);
  return dispatchProblem(request);
}
