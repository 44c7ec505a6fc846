// The city file's schema (TypeBox): the one contract for the CLI, the API, the simulator and the planners.
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const Id = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$',
  errorMessage: 'must be an id of 1 to 128 letters, digits and . _ : - (starting with a letter or digit)',
});
const SensorId = Id;
const Lat = Type.Number({ minimum: -90, maximum: 90 });
const Lon = Type.Number({ minimum: -180, maximum: 180 });
const Fraction = Type.Number({ minimum: 0, maximum: 1 });
const NonNegative = Type.Number({ minimum: 0 });
const Positive = Type.Number({ exclusiveMinimum: 0 });
/** The bounds of DR quantities are those of a dispatch request (solvers/dispatch/request.ts), so a city resource is always a valid one. */
const KW = Type.Number({ exclusiveMinimum: 0, maximum: 1e7 });
const KWOrZero = Type.Number({ minimum: 0, maximum: 1e7 });
const KWh = Type.Number({ minimum: 0, maximum: 1e9 });
const PositiveKWh = Type.Number({ exclusiveMinimum: 0, maximum: 1e9 });
const CostPerKWh = Type.Number({ minimum: 0, maximum: 1e4 });
const CostPerCall = Type.Number({ minimum: 0, maximum: 1e7 });
const Minutes = Type.Number({ minimum: 0, maximum: 10_080 });
const PositiveMinutes = Type.Number({ minimum: 1, maximum: 10_080 });
/** Local wall-clock time of day in the city's timezone. */
const ClockTime = Type.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  errorMessage: 'must be a local time HH:MM',
});
const IsoDate = Type.String({
  pattern: '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$',
  errorMessage: 'must be a date YYYY-MM-DD',
});

function Obj<T extends Record<string, TSchema>>(props: T) {
  return Type.Object(props, { additionalProperties: false });
}

export const Location = Obj({ lat: Lat, lon: Lon });

export const WeatherStation = Obj({
  id: Id,
  name: Type.Optional(Type.String()),
  location: Location,
  sensor: SensorId,
});

export const Movement = Type.Union([Type.Literal('through'), Type.Literal('left'), Type.Literal('right')]);
export const Direction = Type.Union([
  Type.Literal('N'),
  Type.Literal('NE'),
  Type.Literal('E'),
  Type.Literal('SE'),
  Type.Literal('S'),
  Type.Literal('SW'),
  Type.Literal('W'),
  Type.Literal('NW'),
]);

export const LaneGroup = Obj({
  /** Unique within the intersection; phases refer to lane groups by this id. */
  id: Id,
  movements: Type.Array(Movement, { minItems: 1, maxItems: 3, uniqueItems: true }),
  lanes: Type.Integer({ minimum: 1, maximum: 8 }),
  /** Base saturation flow per lane (veh/h/lane) before adjustments; 1900 when absent (HCM). */
  saturationFlowPerLane: Type.Optional(Type.Number({ minimum: 500, maximum: 2500 })),
  laneWidthM: Type.Optional(Type.Number({ minimum: 2.4, maximum: 5 })),
  heavyVehiclePct: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
  detectors: Type.Array(SensorId),
});

export const Approach = Obj({
  /** Unique within the intersection. */
  id: Id,
  /** The side traffic arrives from: `N` is the north approach, carrying southbound traffic. */
  direction: Direction,
  speedLimitKmh: Type.Number({ minimum: 5, maximum: 130 }),
  /** Approach grade in percent, positive uphill (ITE yellow-change term). */
  gradePct: Type.Number({ minimum: -15, maximum: 15 }),
  /** Width of the intersection crossed by this approach's traffic, stop line to far side (ITE all-red). */
  intersectionWidthM: Type.Number({ minimum: 3, maximum: 150 }),
  /** Length of the pedestrian crosswalk across this approach. */
  crossingWidthM: Type.Number({ minimum: 0, maximum: 100 }),
  laneGroups: Type.Array(LaneGroup, { minItems: 1 }),
});

export const PedestrianSettings = Obj({
  walkS: Type.Number({ minimum: 0, maximum: 60 }),
  walkingSpeedMps: Type.Number({ minimum: 0.5, maximum: 2 }),
  /** Approach ids whose crosswalks this phase serves; clearance uses the longest crossing. */
  crosswalks: Type.Array(Id, { minItems: 1 }),
});

export const Phase = Obj({
  id: Id,
  /** NEMA phase number (1-8) with its ring and barrier; required for `nema` controllers. */
  nema: Type.Optional(Type.Integer({ minimum: 1, maximum: 16 })),
  ring: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })),
  barrier: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })),
  laneGroups: Type.Array(Id, { minItems: 1 }),
  minGreenS: Type.Number({ minimum: 1, maximum: 120 }),
  pedestrian: Type.Optional(PedestrianSettings),
});

export const Intersection = Obj({
  id: Id,
  name: Type.String(),
  location: Location,
  controller: Type.Union([Type.Literal('stage'), Type.Literal('nema')]),
  cycleMinS: Type.Number({ minimum: 20, maximum: 300 }),
  cycleMaxS: Type.Number({ minimum: 20, maximum: 300 }),
  approaches: Type.Array(Approach, { minItems: 1 }),
  phases: Type.Array(Phase, { minItems: 1 }),
});

export const Corridor = Obj({
  id: Id,
  name: Type.String(),
  /** Ordered along the corridor's forward direction. */
  intersections: Type.Array(Id, { minItems: 2 }),
  /** Forward travel time of each link (n-1 links for n intersections). */
  linkTravelTimesS: Type.Array(Positive, { minItems: 1 }),
  /** Backward travel times when they differ from the forward ones. */
  linkTravelTimesBackS: Type.Optional(Type.Array(Positive, { minItems: 1 })),
});

export const Availability = Obj({
  start: ClockTime,
  end: ClockTime,
  /** ISO weekdays 1 (Monday) to 7 (Sunday); every day when absent. */
  days: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { minItems: 1, uniqueItems: true })),
});

const resourceCommon = {
  id: Id,
  name: Type.Optional(Type.String()),
  sensor: SensorId,
  costPerKWh: CostPerKWh,
  costPerCall: Type.Optional(CostPerCall),
  /** Largest change of power between consecutive minutes. */
  rampKWPerMinute: Type.Optional(KW),
  /** Windows in which the resource may be called; always available when absent. */
  availability: Type.Optional(Type.Array(Availability)),
  maxEventsPerDay: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  maxEventsPerSeason: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
};

export const Battery = Obj({
  ...resourceCommon,
  type: Type.Literal('battery'),
  powerKW: KW,
  energyKWh: PositiveKWh,
  soc: Fraction,
  socMin: Type.Optional(Fraction),
  socMax: Type.Optional(Fraction),
  roundTripEfficiency: Type.Number({ minimum: 0.01, maximum: 1 }),
});

export const HvacGroup = Obj({
  ...resourceCommon,
  type: Type.Literal('hvac'),
  shedKW: KW,
  maxDurationMinutes: PositiveMinutes,
  /** Share of the shed energy paid back after release. */
  reboundFraction: Type.Number({ minimum: 0, maximum: 2 }),
  reboundMinutes: PositiveMinutes,
});

export const EvCharging = Obj({
  ...resourceCommon,
  type: Type.Literal('ev'),
  maxChargeKW: KW,
  shiftableKWh: KWh,
  /** Local time by which the shiftable energy must be delivered. */
  deadline: ClockTime,
});

export const IndustrialLoad = Obj({
  ...resourceCommon,
  type: Type.Literal('industrial'),
  minKW: KWOrZero,
  maxKW: KW,
  noticeMinutes: Minutes,
  minRunMinutes: Minutes,
});

export const DR_RESOURCE_SCHEMAS = {
  battery: Battery,
  hvac: HvacGroup,
  ev: EvCharging,
  industrial: IndustrialLoad,
} as const;
export const DrResource = Type.Union([Battery, HvacGroup, EvCharging, IndustrialLoad]);

export const Feeder = Obj({
  id: Id,
  name: Type.Optional(Type.String()),
  substation: Id,
  capacityKW: KW,
  meterSensor: SensorId,
  /** The station whose temperature drives this feeder's load; the city's first station when absent. */
  weatherStation: Type.Optional(Id),
  resources: Type.Array(DrResource),
});

/** A waste contractor; its id is the tenant under which it fetches its routes. */
export const Contractor = Obj({ id: Id, name: Type.String() });

/**
 * What a truck carries and how long it may drive, shared by a listed truck and a vehicle type; what running it costs:
 * once per day it is used, and per kilometre driven (currency units).
 */
const TruckSpec = {
  capacityM3: Positive,
  capacityKg: Positive,
  shiftMinutes: Type.Number({ exclusiveMinimum: 0, maximum: 1440 }),
  fixedCost: Type.Optional(Type.Number({ minimum: 0, maximum: 1e7, description: 'paid per day the truck is used' })),
  costPerKm: Type.Optional(
    Type.Number({ minimum: 0, maximum: 1e4, description: 'paid per km driven; default 1 (plans minimise km)' }),
  ),
};

/** A kind of truck the depot has `count` of; the planner names them `${id}-1` .. `${id}-${count}`. */
export const VehicleType = Obj({
  id: Id,
  count: Type.Integer({ minimum: 0, maximum: 1000 }),
  ...TruckSpec,
});

export const Depot = Obj({
  id: Id,
  name: Type.Optional(Type.String()),
  location: Location,
  contractor: Id,
  /** Trucks leave no earlier than the depot opens and are back before it closes (local time). */
  openingHours: Type.Optional(Obj({ start: ClockTime, end: ClockTime })),
  /** Vehicle types based at the depot, in addition to the trucks listed in `waste.trucks`. */
  fleet: Type.Optional(Type.Array(VehicleType)),
});

export const DisposalSite = Obj({
  id: Id,
  name: Type.Optional(Type.String()),
  location: Location,
  unloadMinutes: NonNegative,
});

export const Truck = Obj({
  id: Id,
  depot: Id,
  ...TruckSpec,
});

export const Bin = Obj({
  id: Id,
  location: Location,
  volumeL: Positive,
  sensor: SensorId,
  depot: Id,
  area: Id,
  /** Fill level (0-1) at which the bin must be collected. */
  threshold: Fraction,
  /** Bulk density of the contents, for truck weight limits. */
  densityKgPerM3: Positive,
  serviceSeconds: NonNegative,
  timeWindow: Type.Optional(Obj({ start: ClockTime, end: ClockTime })),
});

export const Waste = Obj({
  contractors: Type.Array(Contractor),
  depots: Type.Array(Depot),
  disposalSites: Type.Array(DisposalSite),
  trucks: Type.Array(Truck),
  bins: Type.Array(Bin),
});

export const City = Obj({
  id: Id,
  name: Type.String(),
  /** IANA timezone; peaks, weekdays and holidays are in local time. */
  timezone: Type.String({ minLength: 1 }),
  holidays: Type.Array(IsoDate),
  /** Built-in public holidays of a country (ISO 3166-1 alpha-2) and optional region, added to `holidays`. */
  holidayCalendar: Type.Optional(
    Obj({ country: Type.String({ pattern: '^[A-Z]{2}$' }), region: Type.Optional(Type.String({ minLength: 1 })) }),
  ),
  weatherStations: Type.Array(WeatherStation, { minItems: 1 }),
  intersections: Type.Array(Intersection),
  corridors: Type.Array(Corridor),
  feeders: Type.Array(Feeder),
  waste: Waste,
});

export type Location = Static<typeof Location>;
export type WeatherStation = Static<typeof WeatherStation>;
export type Movement = Static<typeof Movement>;
export type Direction = Static<typeof Direction>;
export type LaneGroup = Static<typeof LaneGroup>;
export type Approach = Static<typeof Approach>;
export type PedestrianSettings = Static<typeof PedestrianSettings>;
export type Phase = Static<typeof Phase>;
export type Intersection = Static<typeof Intersection>;
export type Corridor = Static<typeof Corridor>;
export type Availability = Static<typeof Availability>;
export type Battery = Static<typeof Battery>;
export type HvacGroup = Static<typeof HvacGroup>;
export type EvCharging = Static<typeof EvCharging>;
export type IndustrialLoad = Static<typeof IndustrialLoad>;
export type DrResource = Static<typeof DrResource>;
export type DrResourceType = DrResource['type'];
export type Feeder = Static<typeof Feeder>;
export type Contractor = Static<typeof Contractor>;
export type Depot = Static<typeof Depot>;
export type DisposalSite = Static<typeof DisposalSite>;
export type Truck = Static<typeof Truck>;
export type Bin = Static<typeof Bin>;
export type Waste = Static<typeof Waste>;
export type City = Static<typeof City>;
