// Contract of signal timing plans: the `urbanflow signal-plan` file format in, NTCIP-style plans and corridor offsets out.
import { Type } from '@sinclair/typebox';

const Num = Type.Number();
const Open = { additionalProperties: true };

const IntersectionInput = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    approaches: Type.Array(Type.Object({ leg: Type.String(), speedKmh: Num }, Open)),
    laneGroups: Type.Array(Type.Object({ id: Type.String(), from: Type.String(), movements: Type.String(), lanes: Num, volume: Type.Record(Type.String(), Num) }, Open)),
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
            signals: Type.Array(Type.Object({ intersection: Type.String(), outboundLaneGroup: Type.String(), inboundLaneGroup: Type.String() }, { additionalProperties: false }), { minItems: 2 }),
            // Bounds of a city street between two signals: a 1e308 m link reached the MILP and failed inside HiGHS.
            links: Type.Array(
              Type.Object(
                {
                  travelTimeS: Type.Optional(Type.Number({ minimum: 0, maximum: 3600, description: 'outbound travel time to the next signal (s)' })),
                  inboundTravelTimeS: Type.Optional(Type.Number({ minimum: 0, maximum: 3600 })),
                  lengthM: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000, description: 'link length (m), with speedKmh instead of travel times' })),
                  speedKmh: Type.Optional(Type.Number({ minimum: 5, maximum: 130 })),
                },
                { additionalProperties: false },
              ),
              { maxItems: 200 },
            ),
            cycle: Type.Optional(Num),
            inboundWeight: Type.Optional(Num),
          },
          { additionalProperties: false },
        ),
        { maxItems: 100 },
      ),
    ),
  },
  { additionalProperties: false, description: 'The `urbanflow signal-plan FILE.json` format' },
);

const PhasePlan = Type.Object({
  phase: Type.String(),
  ring: Type.Integer(),
  barrier: Type.Integer(),
  start: Num,
  splitTime: Num,
  green: Num,
  minimumGreen: Num,
  walk: Num,
  pedestrianClear: Num,
  yellowChange: Num,
  redClear: Num,
  effectiveGreen: Num,
  lostTime: Num,
  laneGroups: Type.Array(Type.String()),
  splitMode: Type.String(),
});

const IntersectionPlan = Type.Object({
  intersectionId: Type.String(),
  pattern: Type.Object({ cycleTime: Num, offsetTime: Num, coordPhase: Type.Union([Type.String(), Type.Null()]), sequence: Type.Array(Type.Array(Type.Array(Type.String()))) }),
  phases: Type.Array(PhasePlan),
  performance: Type.Object({
    criticalFlowRatio: Num,
    lostTime: Num,
    websterCycle: Type.Union([Num, Type.Null()]),
    maxDegreeOfSaturation: Num,
    reserveCapacityPercent: Type.Union([Num, Type.Null()]),
    controlDelay: Num,
    los: Type.String(),
    laneGroups: Type.Array(Type.Object({ id: Type.String(), vc: Num, controlDelay: Num, los: Type.String() }, Open)),
  }),
  cycleSource: Type.String(),
  oversaturated: Type.Boolean(),
});

export const SignalPlans = Type.Object({
  plans: Type.Array(IntersectionPlan),
  corridors: Type.Array(
    Type.Object({
      corridorId: Type.String(),
      cycleTime: Num,
      outboundBandwidth: Num,
      inboundBandwidth: Num,
      plans: Type.Array(IntersectionPlan),
      method: Type.String(),
      solverStatus: Type.String(),
    }),
  ),
});
