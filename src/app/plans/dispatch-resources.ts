// Resolves the DR resources a dispatch request names from the city file ({ ref } by id, { feeder } for all of a
// feeder's) into request resources for the event's intervals: local availability windows and EV deadlines become
// instants in the city's timezone, ramps per minute become ramps per interval.
import type { City, DrResource as CityResource } from '../../city/index.js';
import { inputError } from '../../errors.js';
import {
  isCityReference,
  MAX_KW,
  type CityResourceRef,
  type DispatchRequest,
  type DispatchRequestInput,
  type DrResource,
  type TimeWindow,
} from '../../../solvers/dispatch/request.js';
import { isoWeekday, localInstant, utcOffsetMs } from '../../city/local-time.js';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** A city resource the request took, and how it was named. */
export interface CityResourceTaken {
  id: string;
  feeder: string;
  kind: CityResource['type'];
  via: 'ref' | 'feeder';
}

/** A city resource a feeder selection left out, and why. */
export interface CityResourceLeftOut {
  id: string;
  feeder: string;
  reason: string;
}

export interface ResolvedCityResources {
  request: DispatchRequest;
  taken: CityResourceTaken[];
  leftOut: CityResourceLeftOut[];
}

interface EventSpan {
  startMs: number;
  endMs: number;
  /** The shortest interval, in minutes: a ramp per minute allows this much change per interval at least. */
  shortestMinutes: number;
}

function eventSpan(r: DispatchRequestInput): EventSpan | undefined {
  const spans: [number, number][] = r.intervals
    ? r.intervals.map((w) => [Date.parse(w.start), Date.parse(w.end)])
    : r.event
      ? [[Date.parse(r.event.start), Date.parse(r.event.start) + r.event.count * r.event.intervalMinutes * MINUTE_MS]]
      : [];
  if (spans.length === 0 || spans.some(([s, e]) => !Number.isFinite(s) || !Number.isFinite(e))) return undefined;
  const shortestMinutes = r.event ? r.event.intervalMinutes : Math.min(...spans.map(([s, e]) => (e - s) / MINUTE_MS));
  return { startMs: Math.min(...spans.map((s) => s[0])), endMs: Math.max(...spans.map((s) => s[1])), shortestMinutes };
}

function localDay(timezone: string, ms: number): number {
  return Math.floor((ms + utcOffsetMs(timezone, ms)) / DAY_MS);
}

function minutesOf(clock: string): number {
  return Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));
}

/** The city's weekly local windows as sorted, merged instants covering the event (a day either side for night windows). */
function availabilityWindows(
  windows: NonNullable<CityResource['availability']>,
  timezone: string,
  span: EventSpan,
): TimeWindow[] {
  const raw: [number, number][] = [];
  for (let day = localDay(timezone, span.startMs) - 1; day <= localDay(timezone, span.endMs); day++) {
    for (const w of windows) {
      if (w.days && !w.days.includes(isoWeekday(day))) continue;
      const from = minutesOf(w.start);
      const to = minutesOf(w.end);
      const s = localInstant(timezone, day, from);
      const e = to > from ? localInstant(timezone, day, to) : localInstant(timezone, day + 1, to);
      if (e > span.startMs && s < span.endMs) raw.push([s, e]);
    }
  }
  raw.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const w of raw) {
    const last = merged[merged.length - 1];
    if (last && w[0] <= last[1]) last[1] = Math.max(last[1], w[1]);
    else merged.push([...w]);
  }
  return merged.map(([s, e]) => ({ start: new Date(s).toISOString(), end: new Date(e).toISOString() }));
}

/** The first instant at or after the event start at which the local clock shows `clock`. */
function nextLocal(clock: string, timezone: string, fromMs: number): string {
  const day = localDay(timezone, fromMs);
  const today = localInstant(timezone, day, minutesOf(clock));
  return new Date(today >= fromMs ? today : localInstant(timezone, day + 1, minutesOf(clock))).toISOString();
}

/**
 * One city resource as a request resource. EV fleets need their charging without DR, which the city file does not
 * give: without `baselineKW` the reason comes back instead.
 */
function fromCity(
  c: CityResource,
  ref: CityResourceRef | undefined,
  feeder: string | undefined,
  city: City,
  span: EventSpan | undefined,
): DrResource | string {
  const common = {
    id: c.id,
    ...(feeder !== undefined ? { feeder } : {}),
    costPerKWh: c.costPerKWh,
    ...(c.costPerCall !== undefined ? { costPerCall: c.costPerCall } : {}),
    ...(c.rampKWPerMinute !== undefined && span
      ? { rampKWPerInterval: Math.min(MAX_KW, c.rampKWPerMinute * span.shortestMinutes) }
      : {}),
    ...(c.availability !== undefined && span
      ? { availability: availabilityWindows(c.availability, city.timezone, span) }
      : {}),
    // The city states calls allowed per day; the service does not count calls already made today.
    ...(c.maxEventsPerDay !== undefined ? { maxEvents: c.maxEventsPerDay } : {}),
  };
  switch (c.type) {
    case 'battery': {
      const energyKWh = c.energyKWh * (c.socMax ?? 1);
      const minSocKWh = c.energyKWh * (c.socMin ?? 0);
      const socKWh = ref?.socKWh ?? Math.min(energyKWh, Math.max(minSocKWh, c.energyKWh * c.soc));
      return {
        ...common,
        kind: 'battery',
        powerKW: c.powerKW,
        energyKWh,
        socKWh,
        minSocKWh,
        roundTripEfficiency: c.roundTripEfficiency,
      };
    }
    case 'hvac':
      return {
        ...common,
        kind: 'hvac',
        shedKW: c.shedKW,
        maxDurationMinutes: c.maxDurationMinutes,
        reboundFraction: c.reboundFraction,
        reboundMinutes: c.reboundMinutes,
      };
    case 'industrial':
      return {
        ...common,
        kind: 'industrial',
        minKW: c.minKW,
        maxKW: c.maxKW,
        noticeMinutes: c.noticeMinutes,
        minRunMinutes: c.minRunMinutes,
      };
    case 'ev':
      if (ref?.baselineKW === undefined)
        return 'an EV fleet needs baselineKW (its charging without DR), which the city file does not give; name it as { "ref": id, "baselineKW": … }';
      return {
        ...common,
        kind: 'ev',
        baselineKW: ref.baselineKW,
        maxChargeKW: c.maxChargeKW,
        shiftableKWh: c.shiftableKWh,
        deadline: span ? nextLocal(c.deadline, city.timezone, span.startMs) : c.deadline,
      };
  }
}

/**
 * The request with every `{ ref }` and `{ feeder }` replaced by the city's DR resources. A resource is attached to its
 * city feeder when the request lists that feeder (its cap or reduction limit then applies), else only to the system
 * target. Unknown ids and feeders are refused naming every one; a resource named twice is taken once (a ref wins, as
 * it may carry a state of charge or a baseline).
 */
export function resolveCityResources(request: DispatchRequestInput, city: City): ResolvedCityResources {
  if (!request.resources.some(isCityReference)) return { request: request as DispatchRequest, taken: [], leftOut: [] };
  const byId = new Map<string, { resource: CityResource; feeder: string }>();
  for (const f of city.feeders) for (const r of f.resources) byId.set(r.id, { resource: r, feeder: f.id });
  const unknown: { field: string; id: string }[] = [];
  request.resources.forEach((r, i) => {
    if ('ref' in r && !byId.has(r.ref)) unknown.push({ field: `resources[${i}].ref`, id: r.ref });
    if (!('kind' in r) && !('ref' in r) && !city.feeders.some((f) => f.id === r.feeder))
      unknown.push({ field: `resources[${i}].feeder`, id: r.feeder });
  });
  if (unknown.length > 0) {
    const list = unknown.map((u) => `${u.field} "${u.id}"`).join(', ');
    throw inputError(
      `${unknown[0].field}: not in city ${city.id}: ${list}; GET /v1/city/feeders lists its feeders and DR resources`,
      { field: unknown[0].field, unknown: unknown.map((u) => u.id) },
    );
  }
  const span = eventSpan(request);
  const requestFeeders = new Set((request.feeders ?? []).map((f) => f.id));
  const refs = new Map(request.resources.filter((r): r is CityResourceRef => 'ref' in r).map((r) => [r.ref, r]));
  const taken: CityResourceTaken[] = [];
  const leftOut: CityResourceLeftOut[] = [];
  const seen = new Set<string>();
  const resources: DrResource[] = [];
  const take = (id: string, via: 'ref' | 'feeder', field: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    const { resource, feeder } = byId.get(id)!;
    const ref = refs.get(id);
    const r = fromCity(resource, ref, requestFeeders.has(feeder) ? feeder : undefined, city, span);
    if (typeof r === 'string') {
      if (ref) throw inputError(`${field}.baselineKW: ${r}`, { field: `${field}.baselineKW` });
      leftOut.push({ id, feeder, reason: r });
      return;
    }
    resources.push(r);
    taken.push({ id, feeder, kind: resource.type, via: ref ? 'ref' : via });
  };
  request.resources.forEach((r, i) => {
    if ('kind' in r) resources.push(r);
    else if ('ref' in r) take(r.ref, 'ref', `resources[${i}]`);
  });
  request.resources.forEach((r, i) => {
    if ('kind' in r || 'ref' in r) return;
    for (const c of city.feeders.find((f) => f.id === r.feeder)!.resources) take(c.id, 'feeder', `resources[${i}]`);
  });
  if (resources.length === 0) {
    throw inputError(
      `resources: the city resources named leave nothing to dispatch (${leftOut.map((l) => `${l.id}: ${l.reason}`).join('; ')})`,
      { field: 'resources' },
    );
  }
  return { request: { ...request, resources }, taken, leftOut };
}
