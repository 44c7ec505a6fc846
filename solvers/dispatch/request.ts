// The dispatch request contract (TypeBox): event intervals, targets or feeder caps, and the DR resources that can be
// called. The one source of the request's types, its OpenAPI document and the schema checks of the API and the CLI.
import { Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * Physical bounds: far above any real feeder or program, far below what makes the LP numerically meaningless
 * (a 1e15 kW target made the simplex report a feasible model infeasible).
 */
export const MAX_KW = 1e7;
export const MAX_KWH = 1e9;
export const MAX_COST_PER_KWH = 1e4;
export const MAX_COST_PER_CALL = 1e7;
export const MAX_PENALTY_PER_KWH = 1e5;
/** A week: longer than any duration, notice or minimum run of a DR program. */
export const MAX_MINUTES = 10_080;
export const MAX_INTERVALS = 10_000;
export const MAX_RESOURCES = 20_000;
export const MAX_FEEDERS = 1_000;
export const MAX_WINDOWS = 1_000;

/**
 * Characters of the Basic Multilingual Plane only: a length limit then means the same in JavaScript (UTF-16 code
 * units) and in JSON Schema (code points), so a client that checks the published schema is never refused by it.
 */
const BMP = '^[\\u0000-\\uD7FF\\uE000-\\uFFFF]*$';
const Id = Type.String({ minLength: 1, maxLength: 128, pattern: BMP });
const Instant = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: BMP,
  description: 'ISO 8601 instant, e.g. 2026-07-01T16:00:00Z',
});
const KW = (description?: string) =>
  Type.Number({ minimum: 0, maximum: MAX_KW, ...(description ? { description } : {}) });
const KWh = (description?: string) =>
  Type.Number({ minimum: 0, maximum: MAX_KWH, ...(description ? { description } : {}) });
const Minutes = (minimum: number, description: string) => Type.Number({ minimum, maximum: MAX_MINUTES, description });
const Series = (description: string) => Type.Array(KW(), { minItems: 1, maxItems: MAX_INTERVALS, description });
const KWOrSeries = (description: string) =>
  Type.Union([KW(), Type.Array(KW(), { minItems: 1, maxItems: MAX_INTERVALS })], {
    description: `${description}: one value for every interval, or one per interval`,
  });

function Obj<T extends Record<string, TSchema>>(props: T, description?: string) {
  return Type.Object(props, { additionalProperties: false, ...(description ? { description } : {}) });
}

/** A half-open time span [start, end). */
export const TimeWindowSchema = Obj({ start: Instant, end: Instant });

/** Regular intervals: `count` intervals of `intervalMinutes` from `start`. */
export const RegularEventSchema = Obj({
  start: Instant,
  intervalMinutes: Type.Number({
    minimum: 1,
    maximum: 1440,
    description: 'length of each interval, 1 minute to 1 day',
  }),
  count: Type.Integer({ minimum: 1, maximum: MAX_INTERVALS }),
});

export const FeederSchema = Obj({
  id: Id,
  capKW: Type.Optional(KWOrSeries("feeder-cap mode: the feeder's net load must stay at or below this (kW)")),
  forecastKW: Type.Optional(
    Series(
      'load forecast per interval without DR (kW); required with capKW (the service fills it from its live forecast when left out)',
    ),
  ),
  maxReductionKW: Type.Optional(
    KW('upper limit on the net DR reduction on this feeder per interval (kW), e.g. for protection settings'),
  ),
});

const common = {
  id: Id,
  feeder: Type.Optional(
    Type.String({ maxLength: 128, pattern: BMP, description: 'the id of one of the request’s feeders' }),
  ),
  costPerKWh: Type.Optional(
    Type.Number({
      minimum: 0,
      maximum: MAX_COST_PER_KWH,
      description: 'cost per kWh of reduction delivered (battery: per kWh discharged)',
    }),
  ),
  costPerCall: Type.Optional(
    Type.Number({
      minimum: 0,
      maximum: MAX_COST_PER_CALL,
      description: 'cost each time the resource is called (an off→on transition); makes the model a MIP',
    }),
  ),
  rampKWPerInterval: Type.Optional(
    KW('largest change of the setpoint between consecutive intervals (kW); the event starts from 0'),
  ),
  availability: Type.Optional(
    Type.Array(TimeWindowSchema, {
      maxItems: MAX_WINDOWS,
      description:
        'the resource may be called only in intervals lying wholly inside one of these windows (sorted, disjoint)',
    }),
  ),
  maxEvents: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 1000,
      description: 'calls still allowed in the current day or season (the caller subtracts calls already made); a MIP',
    }),
  ),
};

export const BatterySchema = Obj({
  ...common,
  kind: Type.Literal('battery'),
  powerKW: KW(),
  energyKWh: KWh(),
  socKWh: KWh('state of charge at the start of the event, between minSocKWh and energyKWh'),
  minSocKWh: Type.Optional(KWh()),
  roundTripEfficiency: Type.Optional(
    Type.Number({
      minimum: 0.01,
      maximum: 1,
      description: 'split evenly (square root) between charging and discharging; default 1',
    }),
  ),
});

export const HvacSchema = Obj({
  ...common,
  kind: Type.Literal('hvac'),
  shedKW: KW(),
  maxDurationMinutes: Minutes(
    1,
    'longest shed at full depth; any window of maxDurationMinutes plus one interval holds at most maxDurationMinutes of shed energy',
  ),
  reboundFraction: Type.Optional(
    Type.Number({ minimum: 0, maximum: 2, description: 'fraction of the shed energy paid back after release' }),
  ),
  reboundMinutes: Type.Optional(
    Minutes(
      1,
      'the payback of each interval’s shed comes at an even rate over this many minutes of wall time after the interval ends (default 60); each later interval takes the part it overlaps, gaps and the time after the plan the rest',
    ),
  ),
});

export const EvSchema = Obj({
  ...common,
  kind: Type.Literal('ev'),
  baselineKW: KWOrSeries('charging the fleet would draw without DR (kW)'),
  maxChargeKW: KW(),
  shiftableKWh: KWh('most energy that may be owed at any moment (deferred and not yet caught up)'),
  deadline: Type.String({
    minLength: 1,
    maxLength: 64,
    pattern: BMP,
    description:
      'ISO 8601 instant by which every deferred kWh must have been caught up: nothing is owed from the end of the last interval ending at or before it; a deadline at the event end is inside the plan (nothing owed when it ends), only a later one leaves the catch-up to after the plan',
  }),
});

export const IndustrialSchema = Obj({
  ...common,
  kind: Type.Literal('industrial'),
  minKW: Type.Optional(KW('curtailment depth when called is between minKW (a MIP when > 0) and maxKW')),
  maxKW: KW(),
  noticeMinutes: Type.Optional(Minutes(0, 'intervals starting before issuedAt + notice cannot be called')),
  minRunMinutes: Type.Optional(Minutes(0, 'once called, stays curtailed at least this long (a MIP)')),
});

export const DrResourceSchema = Type.Union([BatterySchema, HvacSchema, EvSchema, IndustrialSchema]);

/** One DR resource the city file declares, by id; the service resolves it against the live city model. */
export const CityResourceRefSchema = Obj(
  {
    ref: Id,
    socKWh: Type.Optional(
      KWh('a battery’s state of charge at the start of the event, when known (default: the city file’s soc)'),
    ),
    baselineKW: Type.Optional(
      KWOrSeries(
        'an EV fleet’s charging without DR (kW); required for EV fleets, which the city file gives no baseline',
      ),
    ),
  },
  'a DR resource of the city file, by id',
);

/** Every DR resource of one of the city's feeders. */
export const CityFeederResourcesSchema = Obj(
  { feeder: Id },
  'every DR resource of a city feeder (EV fleets need a baseline and are taken only by ref)',
);

export const RequestResourceSchema = Type.Union([
  BatterySchema,
  HvacSchema,
  EvSchema,
  IndustrialSchema,
  CityResourceRefSchema,
  CityFeederResourcesSchema,
]);

export const DispatchRequestSchema = Obj(
  {
    issuedAt: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        pattern: BMP,
        description: 'when the plan is requested; notice times count from here (default: the first interval’s start)',
      }),
    ),
    programId: Type.Optional(Type.String({ maxLength: 128, pattern: BMP })),
    event: Type.Optional(RegularEventSchema),
    intervals: Type.Optional(
      Type.Array(TimeWindowSchema, {
        minItems: 1,
        maxItems: MAX_INTERVALS,
        description: 'explicit intervals, sorted and non-overlapping (instead of event)',
      }),
    ),
    targetKW: Type.Optional(
      Series(
        'system-wide net reduction target per interval (kW); a zero target asks for nothing, so rebound may land there',
      ),
    ),
    feeders: Type.Optional(Type.Array(FeederSchema, { maxItems: MAX_FEEDERS })),
    shortfallPenaltyPerKWh: Type.Optional(
      Type.Number({
        minimum: 0.001,
        maximum: MAX_PENALTY_PER_KWH,
        description: 'penalty per kWh of unmet target or cap excess (default 1000)',
      }),
    ),
    mipGap: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 0.5,
        description: 'relative gap at which a MIP plan is accepted (default 0.005); LPs are solved to optimality',
      }),
    ),
    timeLimitSeconds: Type.Optional(
      Type.Number({
        minimum: 0.001,
        maximum: 3600,
        description:
          'wall-clock budget of the solve; when it runs out the best plan found is returned with its proven bound (plan.timeLimit); default 120',
      }),
    ),
    resources: Type.Array(RequestResourceSchema, { minItems: 1, maxItems: MAX_RESOURCES }),
  },
  'A demand-response dispatch request, as read by `urbanflow dispatch FILE.json` and POST /v1/dispatch/plans',
);

export type TimeWindow = Static<typeof TimeWindowSchema>;
export type Feeder = Static<typeof FeederSchema>;
export type DrResource = Static<typeof DrResourceSchema>;
export type CityResourceRef = Static<typeof CityResourceRefSchema>;
export type CityFeederResources = Static<typeof CityFeederResourcesSchema>;
export type RequestResource = Static<typeof RequestResourceSchema>;
/** A request as sent: its resources may still name DR resources of the city file. */
export type DispatchRequestInput = Static<typeof DispatchRequestSchema>;
/** A request whose resources are all given in full: what the solver works on. */
export type DispatchRequest = Omit<DispatchRequestInput, 'resources'> & { resources: DrResource[] };

/** Whether a request resource refers to the city file instead of being given in full. */
export function isCityReference(r: RequestResource): r is CityResourceRef | CityFeederResources {
  return !('kind' in r);
}
