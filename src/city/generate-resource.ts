// Generates one DR resource: a type drawn from the city's mix, then its fields from that type's recipe.
import type { Rng } from '../random.js';
import type { Availability, Battery, DrResource, EvCharging, HvacGroup, IndustrialLoad } from './schema.js';

function round(x: number, step: number): number {
  return Math.round(x / step) * step;
}

type Fields<R> = Omit<R, 'id' | 'sensor'>;

/**
 * The fields of one resource type (all but its id and sensor), each a constant or drawn (perhaps from the fields
 * drawn before it). They are drawn in the order listed: that order fixes the random sequence, and with it every
 * generated city, and is the order of the fields in the city file.
 */
type Recipe<R> = { [K in keyof Fields<R>]: Fields<R>[K] | ((rng: Rng, drawn: R) => Fields<R>[K]) };

const uniform =
  (lo: number, hi: number, step: number) =>
  (rng: Rng): number =>
    round(rng.range(lo, hi), step);
const oneOf =
  <T>(options: readonly T[]) =>
  (rng: Rng): T =>
    rng.pick(options);
/** Callable on weekdays between two local times (a fresh list per resource, so editing one edits no other). */
const weekdays = (start: string, end: string) => (): Availability[] => [{ start, end, days: [1, 2, 3, 4, 5] }];

/** What a recipe draws a number with (given the fields drawn before it). */
type NumberDraw<R> = (rng: Rng, drawn: R) => number;

/** Terms of a resource that shifts energy (battery, EV): priced per kWh, ramping at full power, called twice a day. */
function shiftingTerms<R>(
  costPerKWh: [number, number],
  fullPowerKW: (r: R) => number,
): { costPerKWh: NumberDraw<R>; rampKWPerMinute: NumberDraw<R>; maxEventsPerDay: number } {
  return {
    costPerKWh: uniform(costPerKWh[0], costPerKWh[1], 0.001),
    rampKWPerMinute: (_, r) => fullPowerKW(r),
    maxEventsPerDay: 2,
  };
}

/** Terms of a load that is curtailed (HVAC, industrial): priced per kWh and per call, in weekday hours, once a day. */
function curtailedTerms<R>(o: {
  costPerKWh: [number, number];
  costPerCall: [number, number];
  rampKWPerMinute: NumberDraw<R>;
  hours: [string, string];
  maxEventsPerSeason: number;
}): {
  costPerKWh: NumberDraw<R>;
  costPerCall: NumberDraw<R>;
  rampKWPerMinute: NumberDraw<R>;
  availability: () => Availability[];
  maxEventsPerDay: number;
  maxEventsPerSeason: number;
} {
  return {
    costPerKWh: uniform(o.costPerKWh[0], o.costPerKWh[1], 0.001),
    costPerCall: uniform(o.costPerCall[0], o.costPerCall[1], 1),
    rampKWPerMinute: o.rampKWPerMinute,
    availability: weekdays(o.hours[0], o.hours[1]),
    maxEventsPerDay: 1,
    maxEventsPerSeason: o.maxEventsPerSeason,
  };
}

const BATTERY: Recipe<Battery> = {
  type: 'battery',
  powerKW: uniform(100, 1000, 10),
  energyKWh: (rng, r) => round(r.powerKW * rng.range(2, 4), 10),
  soc: uniform(0.4, 0.9, 0.01),
  socMin: 0.1,
  socMax: 0.95,
  roundTripEfficiency: uniform(0.85, 0.92, 0.01),
  ...shiftingTerms<Battery>([0.02, 0.06], (r) => r.powerKW),
};

const HVAC: Recipe<HvacGroup> = {
  type: 'hvac',
  shedKW: uniform(50, 400, 5),
  maxDurationMinutes: oneOf([60, 120, 180, 240]),
  reboundFraction: uniform(0.3, 0.8, 0.05),
  reboundMinutes: oneOf([30, 60, 90]),
  ...curtailedTerms<HvacGroup>({
    costPerKWh: [0.05, 0.15],
    costPerCall: [5, 30],
    rampKWPerMinute: (_, r) => round(r.shedKW / 5, 1),
    hours: ['10:00', '21:00'],
    maxEventsPerSeason: 20,
  }),
};

const EV: Recipe<EvCharging> = {
  type: 'ev',
  maxChargeKW: uniform(50, 500, 10),
  shiftableKWh: (rng, r) => round(r.maxChargeKW * rng.range(1, 3), 10),
  deadline: oneOf(['06:00', '07:00', '08:00']),
  ...shiftingTerms<EvCharging>([0.03, 0.08], (r) => r.maxChargeKW),
};

const INDUSTRIAL: Recipe<IndustrialLoad> = {
  type: 'industrial',
  minKW: uniform(200, 1000, 10),
  maxKW: (rng, r) => r.minKW + round(rng.range(300, 2000), 10),
  noticeMinutes: oneOf([30, 60, 120]),
  minRunMinutes: oneOf([30, 60, 120]),
  ...curtailedTerms<IndustrialLoad>({
    costPerKWh: [0.1, 0.3],
    costPerCall: [50, 300],
    rampKWPerMinute: uniform(50, 200, 10),
    hours: ['08:00', '18:00'],
    maxEventsPerSeason: 15,
  }),
};

/** A recipe of any type, as the generator walks it: field names to constants or draws. */
type AnyRecipe = Record<string, unknown>;
type Draw = (rng: Rng, drawn: Record<string, unknown>) => unknown;

/** The city's mix: the first type whose bound the roll falls below (20 % batteries, 35 % HVAC, 25 % EV, 20 % industrial). */
const MIX: { below: number; recipe: AnyRecipe }[] = [
  { below: 0.2, recipe: BATTERY },
  { below: 0.55, recipe: HVAC },
  { below: 0.8, recipe: EV },
  { below: Infinity, recipe: INDUSTRIAL },
];

export function generateResource(rng: Rng, id: string): DrResource {
  const roll = rng.float();
  const { recipe } = MIX.find((m) => roll < m.below)!;
  const drawn: Record<string, unknown> = { id, sensor: `dr-${id}` };
  for (const [field, value] of Object.entries(recipe))
    drawn[field] = typeof value === 'function' ? (value as Draw)(rng, drawn) : value;
  return drawn as DrResource;
}
