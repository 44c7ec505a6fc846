// The contract of a signal timing request (`urbanflow signal-plan FILE.json` and POST /v1/signals/plans): every field
// of solvers/signals/types.ts with the planner's own bounds, closed objects so a misspelt field is refused with its
// path. Cross-references (a phase's lane groups, a corridor's intersection) are checked after, in validate.ts and by
// the callers, with a 422.
import { Type, type Static } from '@sinclair/typebox';
import { inputError } from '../../src/errors.js';
import { fieldErrors } from '../../src/validation/index.js';
import { MAX_VOLUME_PER_LANE } from './validate.js';

const Closed = { additionalProperties: false } as const;
const Leg = Type.Union([Type.Literal('N'), Type.Literal('E'), Type.Literal('S'), Type.Literal('W')]);
const Speed = Type.Number({ minimum: 5, maximum: 130, description: 'km/h' });
const Grade = Type.Number({ minimum: -15, maximum: 15, description: 'percent, positive uphill' });
const Seconds = Type.Number({ minimum: 0, maximum: 3600, description: 'seconds' });
const VehPerHour = Type.Number({ minimum: 0, maximum: MAX_VOLUME_PER_LANE * 8, description: 'veh/h' });

const Approach = Type.Object(
  {
    leg: Leg,
    speedKmh: Speed,
    gradePercent: Type.Optional(Grade),
    clearingWidthM: Type.Number({ minimum: 0, maximum: 200, description: 'stop line to the last conflicting lane' }),
    crosswalkM: Type.Optional(Type.Number({ minimum: 0, maximum: 200 })),
  },
  Closed,
);

const LaneGroup = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    from: Leg,
    movements: Type.String({ pattern: '^[LTR]{1,3}$', description: 'distinct turns carried: L, T, R' }),
    lanes: Type.Integer({ minimum: 1, maximum: 8 }),
    volume: Type.Object(
      { L: Type.Optional(VehPerHour), T: Type.Optional(VehPerHour), R: Type.Optional(VehPerHour) },
      { ...Closed, description: 'demand per turn; turns not listed are 0' },
    ),
    leftTurn: Type.Optional(Type.Union([Type.Literal('protected'), Type.Literal('permitted')])),
    heavyVehiclePercent: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    gradePercent: Type.Optional(Grade),
    laneWidthM: Type.Optional(Type.Number({ minimum: 2, maximum: 6 })),
    parkingManeuversPerHour: Type.Optional(Type.Number({ minimum: 0, maximum: 180 })),
    busesStoppingPerHour: Type.Optional(Type.Number({ minimum: 0, maximum: 250 })),
    baseSaturationFlowPerLane: Type.Optional(Type.Number({ minimum: 500, maximum: 2500 })),
    saturationFlow: Type.Optional(
      Type.Number({ minimum: 1, maximum: 2400 * 8, description: 'measured, veh/h for the whole group' }),
    ),
  },
  Closed,
);

const Phase = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    laneGroups: Type.Array(Type.String(), { minItems: 1 }),
    minGreen: Type.Optional(Type.Number({ minimum: 1, maximum: 120 })),
    pedestrians: Type.Optional(Type.Array(Leg, { maxItems: 4 })),
    walk: Type.Optional(Type.Number({ minimum: 0, maximum: 60 })),
    walkingSpeedMps: Type.Optional(Type.Number({ minimum: 0.5, maximum: 2 })),
  },
  Closed,
);

const Phasing = Type.Union([
  Type.Object({ type: Type.Literal('stage'), stages: Type.Array(Phase, { minItems: 2, maxItems: 16 }) }, Closed),
  Type.Object(
    {
      type: Type.Literal('nema'),
      phases: Type.Array(Phase, { minItems: 2, maxItems: 16 }),
      rings: Type.Optional(
        Type.Array(Type.Array(Type.Array(Type.String())), {
          description: 'rings[r][b]: phase ids of ring r in barrier group b, in service order',
        }),
      ),
    },
    Closed,
  ),
]);

export const IntersectionInputSchema = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    areaType: Type.Optional(Type.Union([Type.Literal('cbd'), Type.Literal('other')])),
    peakHourFactor: Type.Optional(Type.Number({ minimum: 0.25, maximum: 1 })),
    cycle: Type.Optional(
      Type.Object(
        {
          min: Type.Optional(Type.Number({ minimum: 1 })),
          max: Type.Optional(Type.Number({ minimum: 1, maximum: 600 })),
        },
        Closed,
      ),
    ),
    approaches: Type.Array(Approach, { maxItems: 4 }),
    laneGroups: Type.Array(LaneGroup, { minItems: 1, maxItems: 64 }),
    phasing: Phasing,
  },
  { ...Closed, description: 'geometry, demand per lane group and phasing; solvers/signals/README.md has every field' },
);

export const SignalsRequestSchema = Type.Object(
  {
    intersections: Type.Array(IntersectionInputSchema, { minItems: 1, maxItems: 5000 }),
    corridors: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: Type.String({ minLength: 1 }),
            signals: Type.Array(
              Type.Object(
                { intersection: Type.String(), outboundLaneGroup: Type.String(), inboundLaneGroup: Type.String() },
                Closed,
              ),
              { minItems: 2 },
            ),
            // Bounds of a city street between two signals: a 1e308 m link reached the MILP and failed inside HiGHS.
            links: Type.Array(
              Type.Object(
                {
                  travelTimeS: Type.Optional(Seconds),
                  inboundTravelTimeS: Type.Optional(Seconds),
                  lengthM: Type.Optional(
                    Type.Number({
                      exclusiveMinimum: 0,
                      maximum: 50_000,
                      description: 'metres between the two signals',
                    }),
                  ),
                  speedKmh: Type.Optional(Speed),
                },
                Closed,
              ),
            ),
            cycle: Type.Optional(Type.Integer({ minimum: 20, maximum: 300, description: 'common cycle, seconds' })),
            inboundWeight: Type.Optional(Type.Number({ minimum: 0, maximum: 10 })),
          },
          Closed,
        ),
        { maxItems: 100 },
      ),
    ),
  },
  { ...Closed, description: 'The `urbanflow signal-plan FILE.json` format' },
);

export type SignalsRequest = Static<typeof SignalsRequestSchema>;

/** The schema check of a request read from a file: the first violations, each with its path, as one input error. */
export function checkSignalsRequest(raw: unknown, source: string): SignalsRequest {
  const errors = fieldErrors(SignalsRequestSchema, raw);
  if (errors.length > 0) {
    const text = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    throw inputError(`${source}: ${text}`, { field: errors[0].path });
  }
  return raw as SignalsRequest;
}
