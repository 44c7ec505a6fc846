// Contract of signal timing plans: the `urbanflow signal-plan` file format in, NTCIP-style plans and corridor offsets out.
import { Type } from '@sinclair/typebox';
import { CorridorPlanSchema, IntersectionPlanSchema } from '../../app/plans/schemas.js';
import { MAX_VOLUME_PER_LANE } from '../../../solvers/signals/validate.js';

const Open = { additionalProperties: true };

// Physical bounds, the planner's own (solvers/signals/validate.ts): a number outside them is a 400 naming the field
// before any solver sees it.
const Speed = Type.Number({ minimum: 5, maximum: 130, description: 'km/h' });
const Seconds = Type.Number({ minimum: 0, maximum: 3600, description: 'seconds' });
const VehPerHour = Type.Number({ minimum: 0, maximum: MAX_VOLUME_PER_LANE * 8, description: 'veh/h' });

const IntersectionInput = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    approaches: Type.Array(
      Type.Object(
        {
          leg: Type.String(),
          speedKmh: Speed,
          clearingWidthM: Type.Number({ minimum: 0, maximum: 200 }),
          crosswalkM: Type.Optional(Type.Number({ minimum: 0, maximum: 200 })),
        },
        Open,
      ),
      { maxItems: 4 },
    ),
    laneGroups: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          from: Type.String(),
          movements: Type.String(),
          lanes: Type.Integer({ minimum: 1, maximum: 8 }),
          volume: Type.Record(Type.String(), VehPerHour),
        },
        Open,
      ),
      { maxItems: 64 },
    ),
    phasing: Type.Object({ type: Type.Union([Type.Literal('stage'), Type.Literal('nema')]) }, Open),
  },
  { ...Open, description: 'geometry, demand per lane group and phasing; solvers/signals/README.md has every field' },
);

export const SignalsRequest = Type.Object(
  {
    intersections: Type.Array(IntersectionInput, { minItems: 1, maxItems: 5000 }),
    corridors: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: Type.String({ minLength: 1 }),
            signals: Type.Array(
              Type.Object(
                { intersection: Type.String(), outboundLaneGroup: Type.String(), inboundLaneGroup: Type.String() },
                { additionalProperties: false },
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
                { additionalProperties: false },
              ),
            ),
            cycle: Type.Optional(Type.Integer({ minimum: 20, maximum: 300, description: 'common cycle, seconds' })),
            inboundWeight: Type.Optional(Type.Number({ minimum: 0, maximum: 10 })),
          },
          { additionalProperties: false },
        ),
        { maxItems: 100 },
      ),
    ),
  },
  { additionalProperties: false, description: 'The `urbanflow signal-plan FILE.json` format' },
);

/** The planner's output, as the live signal plans serve it too (one schema: app/plans/schemas.ts). */
export const SignalPlans = Type.Object({
  plans: Type.Array(IntersectionPlanSchema),
  corridors: Type.Array(CorridorPlanSchema),
});
